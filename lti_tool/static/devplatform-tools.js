// The development platform's "Manage tools": the registration opens in a dialog (an
// iframe); the tool closes it with {subject: "org.imsglobal.lti.close"}, as in Moodle.
(function () {
  var form = document.querySelector("[data-registration-start]");
  var dialog = document.getElementById("registration-dialog");
  if (!form || !dialog) { return; }
  form.addEventListener("submit", function () { dialog.hidden = false; });
  window.addEventListener("message", function (event) {
    var data = event.data || {};
    if (event.source !== dialog.contentWindow || data.subject !== "org.imsglobal.lti.close") { return; }
    dialog.hidden = true;
    window.location.reload();
  });
})();
