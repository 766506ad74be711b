// A page's text saves itself as the trainer types (authoring/page_text.html); the Save
// button does the same without JavaScript. A save names the revision it was written on:
// if someone else saved since, nothing is overwritten, and saving with the button shows
// both texts.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-draft-autosave]");
  if (!form) { return; }
  var status = document.getElementById("draft-status");
  var base = form.querySelector("input[name=base_revision]");
  var timer = null;
  var sending = false;
  var pending = false;
  var stopped = false;

  function say(key) { status.textContent = status.dataset[key]; }

  function save() {
    timer = null;
    if (stopped) { return; }
    if (sending) { pending = true; return; }
    sending = true;
    pending = false;
    var data = new FormData(form);
    data.set("action", "save");
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (response.ok && answer.saved) {
          base.value = answer.revision;
          if (!pending) { say("saved"); }
        } else if (response.status === 409) {
          stopped = true;
          say("conflict");
        } else {
          say("failed");
        }
      });
    }).catch(function () {
      say("failed");
      pending = true;
    }).finally(function () {
      sending = false;
      if (deferred) { submitDeferred(); return; }
      if (pending && !stopped) { timer = setTimeout(save, 3000); }
    });
  }

  form.addEventListener("input", function () {
    if (stopped) { return; }
    pending = true;
    say("saving");
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 1500);
  });
  var deferred = null;  // the button pressed while an autosave was on its way
  form.addEventListener("submit", function (event) {
    stopped = true;
    if (timer) { clearTimeout(timer); }
    if (sending) {
      // Wait for it: this save then goes over the revision it made, not the one before
      // (which would look like someone else's save).
      event.preventDefault();
      deferred = event.submitter;
    }
  });
  function submitDeferred() {
    if (!deferred) { return; }
    var action = document.createElement("input");
    action.type = "hidden";
    action.name = deferred.name || "action";
    action.value = deferred.value || "save";
    form.appendChild(action);
    deferred = null;
    form.submit();
  }
});
