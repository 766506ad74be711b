// The glossary's words on a learner's page (learning/_words.html): a marked word is a
// button that opens and closes its explanation, the live region right after it, so a
// screen reader reads the explanation when it opens. Enter or a tap toggles; Escape closes.
(function () {
  "use strict";

  function toggle(button, open) {
    var note = document.getElementById(button.getAttribute("aria-controls"));
    var text = note && note.querySelector(".kp-term-text");
    if (!text) {
      return;
    }
    button.setAttribute("aria-expanded", open ? "true" : "false");
    text.hidden = !open;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.kp-term");
    if (button) {
      toggle(button, button.getAttribute("aria-expanded") !== "true");
    }
  });

  document.addEventListener("keydown", function (event) {
    var button = document.activeElement;
    if (event.key === "Escape" && button && button.classList.contains("kp-term") &&
        button.getAttribute("aria-expanded") === "true") {
      toggle(button, false);
      event.preventDefault();
    }
  });
})();
