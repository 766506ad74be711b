// The registration's last page: close the platform's registration dialog, as LTI Dynamic
// Registration says, with a message to the window that opened this page (or its frame).
(function () {
  var button = document.querySelector("[data-registration-close]");
  if (!button) { return; }
  button.addEventListener("click", function () {
    var platform = window.opener || (window.parent !== window ? window.parent : null);
    if (platform) {
      platform.postMessage({ subject: "org.imsglobal.lti.close" }, "*");
    } else {
      window.close();
    }
  });
})();
