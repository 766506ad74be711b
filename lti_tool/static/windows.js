// Pages that open or close windows, for browsers that keep no cookies in the platform's
// iframe (lti/continue.html, lti/error.html, a deep linking answer in lti/autopost.html).
// A file, not inline script, so the Content-Security-Policy needs no 'unsafe-inline'.
(function () {
  var KIND = "kotopaikka-deep-link";

  function ours(other) {  // a window of this tool's origin (another site's throws)
    try { return !!other && other.location.origin === window.location.origin; } catch (e) { return false; }
  }

  function continuePage(form) {
    var opened = document.getElementById("kp-continue-opened");
    var refused = document.getElementById("kp-continue-refused");
    var stay = form.querySelector("[data-stay]");
    var back = document.getElementById("kp-return");
    var child = null;

    form.addEventListener("submit", function () {
      // A named window keeps this page as its opener, so that a deep linking answer can
      // come back here, into the platform's dialog; without it target=_blank still works.
      var name = "kotopaikka-" + Math.random().toString(36).slice(2);
      child = window.open("", name);
      if (child) { form.target = name; }
      setTimeout(function () { form.hidden = true; opened.hidden = false; }, 0);
    });

    window.addEventListener("message", function (event) {
      var data = event.data || {};
      if (!back || event.origin !== window.location.origin || event.source !== child) { return; }
      if (data.kind !== KIND || typeof data.jwt !== "string") { return; }
      back.elements.JWT.value = data.jwt;
      event.source.postMessage({ kind: KIND + "-received" }, window.location.origin);
      back.submit();
    });

    // The Storage Access API: where the browser has allowed this tool its cookies in
    // this site's pages before, go on here without a click; where it may ask, offer it.
    function inThisPage() {
      return fetch(form.getAttribute("action"), {
        method: "POST",
        body: new FormData(form),
        credentials: "include",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : Promise.reject(response);
      }).then(function (answer) { window.location.replace(answer.address); });
    }
    function refusedHere() { stay.hidden = true; refused.hidden = false; }
    if (!document.requestStorageAccess) { return; }
    stay.addEventListener("click", function () {
      document.requestStorageAccess().then(inThisPage).catch(refusedHere);
    });
    var asked = navigator.permissions && navigator.permissions.query
      ? navigator.permissions.query({ name: "storage-access" })
      : Promise.reject(new Error("no permissions API"));
    asked.then(function (permission) {
      if (permission.state === "granted") {
        document.requestStorageAccess().then(inThisPage).catch(function () { stay.hidden = false; });
      } else if (permission.state === "prompt") {
        stay.hidden = false;
      }
    }).catch(function () { stay.hidden = false; });
  }

  function handBack(form) {
    // A deep linking answer made in the window that the launch's page opened goes back
    // to that page, which posts it inside the platform's dialog, as the platform expects;
    // if nobody answers, it is posted from here.
    var opener = window.opener;
    if (!ours(opener)) { form.submit(); return; }
    var done = false;
    window.addEventListener("message", function (event) {
      var data = event.data || {};
      if (event.origin !== window.location.origin || event.source !== opener) { return; }
      if (data.kind !== KIND + "-received") { return; }
      done = true;
      document.getElementById("kp-handed-back").hidden = false;
      window.close();
    });
    opener.postMessage({ kind: KIND, jwt: form.elements.JWT.value }, window.location.origin);
    setTimeout(function () { if (!done) { form.submit(); } }, 2000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-ticket-form]");
    if (form) { continuePage(form); }
    document.querySelectorAll("form[data-hand-back]").forEach(handBack);
    document.querySelectorAll("[data-close-window]").forEach(function (button) {
      // Only a window opened for the tool can be closed by it.
      if (!window.opener && window.history.length > 1) { return; }
      button.hidden = false;
      button.addEventListener("click", function () { window.close(); });
    });
    if (window.top !== window) {
      document.querySelectorAll("[data-new-window]").forEach(function (link) { link.hidden = false; });
    }
  });
})();
