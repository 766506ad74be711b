// Auto-submit LTI hand-off forms and aim the launcher at the iframe or a new window.
// A file, not inline script, so the Content-Security-Policy needs no 'unsafe-inline'.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) { form.submit(); });
  var launcher = document.querySelector("form[data-target-switch]");
  if (launcher) {
    var aim = function () {
      var choice = launcher.querySelector("input[name=target]:checked");
      launcher.target = choice && choice.value === "window" ? "_blank" : "tool-frame";
    };
    launcher.addEventListener("change", aim);
    aim();
  }
});
