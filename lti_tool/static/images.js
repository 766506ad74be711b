// An image uploaded from the page editor (authoring/_image_form.html): its Markdown goes
// where the cursor is in the text, and the text's autosave saves it (authoring.js).
// Without this script the form posts, and the server adds the image at the end of the text.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-image-upload]");
  var body = document.getElementById("body");
  if (!form || !body) { return; }
  var status = document.getElementById("image-status");
  var cursor = null;

  function remember() { cursor = [body.selectionStart, body.selectionEnd]; }
  body.addEventListener("blur", remember);
  body.addEventListener("keyup", remember);
  body.addEventListener("click", remember);

  function insert(markdown) {
    var text = body.value;
    var start = cursor ? cursor[0] : text.length;
    var end = cursor ? cursor[1] : text.length;
    var before = text.slice(0, start);
    var after = text.slice(end);
    // On a line of its own, a blank line around it (a paragraph of its own).
    var lead = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    var tail = after === "" || /^\n\n/.test(after) ? "\n" : (/^\n/.test(after) ? "\n" : "\n\n");
    body.value = before + lead + markdown + tail + after;
    var at = (before + lead + markdown).length;
    body.setSelectionRange(at, at);
    cursor = [at, at];
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    status.textContent = status.dataset.sending;
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (response.ok && answer.stored) {
          insert(answer.markdown);
          form.reset();
          status.textContent = status.dataset.added;
        } else {
          status.textContent = answer.problem || status.dataset.failed;
        }
      });
    }).catch(function () {
      status.textContent = status.dataset.failed;
    });
  });
});
