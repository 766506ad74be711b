// The page editor's small Markdown toolbar (authoring/page_text.html): bold, italic,
// heading, lists, link, and the page's image upload. Each button wraps the selection (or
// inserts at the cursor) and then fires the same "input" event as typing, so the
// editor's autosave (authoring.js) saves it: nothing typed is lost. Ctrl+B and Ctrl+I do
// bold and italic in the text. Keyboard as the WAI-ARIA toolbar pattern says: the
// toolbar is one Tab stop, the arrow keys (and Home, End) move between its buttons.
// Without this script the toolbar stays hidden and the text area works as before.
document.addEventListener("DOMContentLoaded", function () {
  var toolbar = document.querySelector("[data-markdown-toolbar]");
  if (!toolbar) { return; }
  var body = document.getElementById(toolbar.getAttribute("aria-controls"));
  if (!body) { return; }
  var imageFile = document.getElementById("image-file");
  var buttons = Array.prototype.filter.call(toolbar.querySelectorAll("button[data-md]"), function (button) {
    if (button.dataset.md === "image" && !imageFile) { button.remove(); return false; }
    return true;
  });

  function changed(start, end) {
    body.focus();
    body.setSelectionRange(start, end);
    body.dispatchEvent(new Event("input", { bubbles: true }));  // the autosave's own path
  }

  function replace(start, end, text, selectFrom, selectTo) {
    body.focus();
    body.setSelectionRange(start, end);
    // As typed, so that Ctrl+Z undoes it; where the browser has no such command, set it.
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      body.setRangeText(text, start, end, "end");
    }
    changed(start + selectFrom, start + selectTo);
  }

  // **bold**, *italic*: around the selection, or around a word to type over.
  function wrap(mark, placeholder) {
    var start = body.selectionStart, end = body.selectionEnd;
    var chosen = body.value.slice(start, end);
    // Spaces selected with a word stay outside the marks (**word** , not ** word**).
    var lead = chosen.match(/^\s*/)[0], tail = chosen.slice(lead.length).match(/\s*$/)[0];
    var inner = chosen.slice(lead.length, chosen.length - tail.length) || placeholder;
    replace(start, end, lead + mark + inner + mark + tail,
      lead.length + mark.length, lead.length + mark.length + inner.length);
  }

  // A heading or a list: each line of the selection (or the cursor's line) gets its mark.
  function lines(prefix) {
    var text = body.value;
    var start = text.lastIndexOf("\n", body.selectionStart - 1) + 1;
    var end = body.selectionEnd;
    if (end > start && text.charAt(end - 1) === "\n") { end -= 1; }
    var stop = text.indexOf("\n", end);
    if (stop === -1) { stop = text.length; }
    var numbered = 0;
    var marked = text.slice(start, stop).split("\n").map(function (line) {
      if (prefix === "1. ") { numbered += 1; return numbered + ". " + line.replace(/^(\d+\.|[-*+]) /, ""); }
      if (prefix === "- ") { return "- " + line.replace(/^(\d+\.|[-*+]) /, ""); }
      return "## " + line.replace(/^#{1,6} /, "");
    }).join("\n");
    replace(start, stop, marked, 0, marked.length);  // the lines stay selected
  }

  function link() {
    var start = body.selectionStart, end = body.selectionEnd;
    var label = body.value.slice(start, end).trim() || toolbar.dataset.linkText;
    var address = "https://";
    var text = "[" + label + "](" + address + ")";
    if (body.selectionStart === body.selectionEnd) {  // the label to type over first
      replace(start, end, text, 1, 1 + label.length);
    } else {  // the address to type
      replace(start, end, text, label.length + 3, label.length + 3 + address.length);
    }
  }

  var actions = {
    bold: function () { wrap("**", toolbar.dataset.boldText); },
    italic: function () { wrap("*", toolbar.dataset.italicText); },
    heading: function () { lines("## "); },
    bullets: function () { lines("- "); },
    numbers: function () { lines("1. "); },
    link: link,
    image: function () {
      // The upload form puts the image's Markdown where the cursor was (images.js).
      imageFile.scrollIntoView({ block: "center" });
      imageFile.focus();
    }
  };

  function focusButton(index) {
    buttons.forEach(function (button, i) { button.tabIndex = i === index ? 0 : -1; });
    buttons[index].focus();
  }

  buttons.forEach(function (button, index) {
    button.tabIndex = index === 0 ? 0 : -1;
    button.addEventListener("click", function () {
      buttons.forEach(function (other, i) { other.tabIndex = i === index ? 0 : -1; });
      actions[button.dataset.md]();
    });
  });

  toolbar.addEventListener("keydown", function (event) {
    var index = buttons.indexOf(document.activeElement);
    if (index === -1) { return; }
    var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (next === undefined) { return; }
    event.preventDefault();
    focusButton((next + buttons.length) % buttons.length);
  });

  body.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) { return; }
    var key = event.key.toLowerCase();
    if (key === "b" || key === "i") {
      event.preventDefault();
      actions[key === "b" ? "bold" : "italic"]();
    }
  });

  toolbar.hidden = false;
});
