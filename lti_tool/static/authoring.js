// A draft form saves itself as the trainer types (a page's text, authoring/page_text.html;
// a quiz question, authoring/quiz_question.html); the Save button does the same without
// JavaScript. A save names the revision it was written on: if someone else saved since,
// nothing is overwritten, and saving with the button shows both. The server may answer
// that what was sent is kept but not saved yet ("kept": a question form half filled in),
// and may give the form a new address (a new question once it is added): the form then
// posts there, and a reload opens it. A refused save (4xx with a problem) says why.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-draft-autosave]");
  if (!form) { return; }
  var status = document.getElementById("draft-status");
  var base = form.querySelector("input[name=base_revision]");
  var timer = null;
  var sending = false;
  var pending = false;
  var stopped = false;

  function say(key, detail) {
    status.textContent = status.dataset[key] + (detail ? " " + detail : "");
  }

  function follow(address) {
    if (!address) { return; }
    form.setAttribute("action", address);
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", address);
    }
  }

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
        follow(answer.address);
        if (response.ok && answer.saved) {
          base.value = answer.revision;
          if (!pending) { say("saved"); }
        } else if (response.ok && answer.kept) {
          if (!pending) { say("kept", answer.problem); }
        } else if (response.status === 409) {
          stopped = true;
          say("conflict");
        } else if (response.status >= 400 && response.status < 500 && answer.problem) {
          // Refused (a script in the text, a text too long): nothing was written, the
          // text stays in the form as typed, and the next change is tried again.
          say("refused", answer.problem);
        } else {
          say("failed", answer.problem);
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
