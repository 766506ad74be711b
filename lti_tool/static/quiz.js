// Quiz pages: save answers as the learner goes, and bring a fresh result into focus.
// Without JavaScript the page still works: "Save and continue later" saves the answers.
document.addEventListener("DOMContentLoaded", function () {
  var result = document.querySelector("[data-focus]");
  if (result) { result.focus(); }

  // The summary's "send" asks first, in a dialog (without JavaScript, the server asks).
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    var dialog = document.getElementById(button.dataset.confirm);
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.showModal();
    });
    dialog.querySelector("[data-close-dialog]").addEventListener("click", function () {
      dialog.close();
      button.focus();
    });
  });

  // A reflection's counter: how much of the limit is used, and how much is too much
  // (nothing is cut: the text stays as written, and the page says what to shorten).
  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var box = document.getElementById(counter.dataset.counterFor);
    var live = document.querySelector("[data-limit-status-for='" + box.id + "']");
    var limit = parseInt(box.dataset.limit, 10);
    var number = new Intl.NumberFormat(document.documentElement.lang || undefined);
    var said = "";
    function count() {
      var used = Array.from(box.value).length;  // code points, as the server counts
      var over = used > limit;
      counter.textContent = over
        ? counter.dataset.over.replace("{over}", number.format(used - limit))
        : counter.dataset.within.replace("{used}", number.format(used));
      counter.classList.toggle("kp-over", over);
      box.setAttribute("aria-invalid", over ? "true" : "false");
      var now = over ? live.dataset.over : (used >= limit * 0.9 ? live.dataset.near : "");
      if (now !== said) { live.textContent = now; said = now; }
    }
    box.addEventListener("input", count);
  });

  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }

  // Each question's info area says whether it is answered, as the learner goes.
  form.addEventListener("input", function (event) {
    var box = event.target.closest(".kp-que");
    var state = box && box.querySelector(".kp-qstate");
    if (!state) { return; }
    var answered = Array.prototype.some.call(box.querySelectorAll("input, select, textarea"), function (c) {
      return (c.type === "radio" || c.type === "checkbox") ? c.checked : c.value.trim() !== "";
    });
    state.textContent = answered ? state.dataset.answered : state.dataset.unanswered;
  });
  var status = document.getElementById("save-status");
  var timer = null;
  var pending = false;
  var sending = false;
  var retry = 0;  // how long to wait before sending what is pending: 3 s after a failure

  function say(key) { status.textContent = status.dataset[key]; }

  function save() {
    timer = null;
    if (sending) { pending = true; return; }
    sending = true;
    pending = false;
    var data = new FormData(form);
    data.set("action", "save");
    say("saving");
    // getAttribute: form.action would be the button named "action".
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      // "Saved" only when nothing newer waits: a change made while this save was on its
      // way goes next, and a reload before it would lose it.
      if (response.ok) { retry = 0; if (!pending) { say("saved"); } }
      else if (response.status === 409) { window.location.reload(); }  // sent from another tab
      else { say("invalid"); }  // what is typed stays on the page; the buttons still work
    }).catch(function () {
      say("offline");
      pending = true;
      retry = 3000;
    }).finally(function () {
      sending = false;
      if (pending) { schedule(retry); }
    });
  }

  function schedule(delay) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, delay);
  }

  // A change waits a moment before it is sent; from the first keystroke the page no
  // longer says "saved", so that nobody leaves trusting an answer that is not kept yet.
  function changed(delay) {
    pending = true;
    say("saving");
    if (!sending) { schedule(delay); }
  }

  // Leaving the page (a reload, a link, closing the tab or the phone locking) sends what
  // still waits at once, also while an older save is on its way (this one holds every
  // answer on the page, newer ones included); keepalive lets the request outlive the page.
  function flush() {
    if (!pending) { return; }
    if (timer) { clearTimeout(timer); timer = null; }
    var data = new FormData(form);
    data.set("action", "save");
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      keepalive: true,
      headers: { "Accept": "application/json" }
    }).catch(function () {});
  }

  form.addEventListener("change", function () { changed(300); });
  form.addEventListener("input", function (event) {
    if (event.target.matches("input[type=text], textarea")) { changed(1500); }
  });
  form.addEventListener("submit", function () { pending = false; if (timer) { clearTimeout(timer); } });
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flush(); }
  });
  window.addEventListener("online", function () { if (pending) { schedule(0); } });
});
