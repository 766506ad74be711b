// Listen to a page, sentence by sentence, with the sentence highlighted, using the
// browser's own speech synthesis (no server, nothing sent anywhere); and print it.
document.addEventListener("DOMContentLoaded", function () {
  var tools = document.querySelector(".kp-tools");
  if (!tools) { return; }
  var printButton = tools.querySelector("[data-print]");
  printButton.hidden = false;
  printButton.addEventListener("click", function () { window.print(); });

  var body = document.querySelector(".kp-body");
  var status = tools.querySelector(".kp-listen-status");  // announced: what changed
  var progress = tools.querySelector(".kp-listen-progress");  // shown: which sentence
  var play = tools.querySelector("[data-listen=play]");
  var stop = tools.querySelector("[data-listen=stop]");
  var synth = window.speechSynthesis;
  if (!synth || !window.SpeechSynthesisUtterance || !body) { return; }  // no speech: no buttons
  var lang = tools.dataset.listenLang;  // plain Finnish is "fi" here
  var highlights = window.CSS && CSS.highlights && window.Highlight;
  var sentences = null, index = 0, state = "idle";

  function say(text) { status.textContent = text; }
  function label(which) {
    ["play", "pause", "resume"].forEach(function (name) {
      play.querySelector("[data-label-" + name + "]").hidden = name !== which;
    });
  }

  function voice() {
    var voices = synth.getVoices();
    return voices.find(function (v) { return v.lang.toLowerCase().split(/[-_]/)[0] === lang; }) || null;
  }

  // The page's sentences as DOM ranges, block by block (headings and list items are
  // sentences of their own), so that one can be highlighted without changing the page.
  function collect() {
    var found = [];
    var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(lang, { granularity: "sentence" }) : null;
    body.querySelectorAll("h2, h3, h4, p, li, td, th, figcaption").forEach(function (block) {
      if (block.querySelector("p, li")) { return; }  // a list item holding paragraphs: those
      // A glossary word's explanation (terms.js) is not part of the sentence: not read.
      var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, { acceptNode: function (n) {
        return n.parentElement.closest(".kp-term-note") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      } });
      var nodes = [], text = "", node;
      while ((node = walker.nextNode())) { nodes.push([node, text.length]); text += node.data; }
      var parts = segmenter ? Array.from(segmenter.segment(text)).map(function (s) { return [s.index, s.segment]; }) : [[0, text]];
      parts.forEach(function (part) {
        var spoken = part[1].trim();
        if (!spoken) { return; }
        var start = part[0] + part[1].indexOf(spoken[0]), end = start + spoken.length;
        found.push({ text: spoken, ranges: rangesOf(nodes, start, end), block: block });
      });
    });
    return found;
  }

  // One range per text node the sentence covers: a range over the whole sentence would
  // also cover what the walker skipped (a glossary word's hidden explanation).
  function rangesOf(nodes, start, end) {
    var ranges = [];
    nodes.forEach(function (pair) {
      var node = pair[0], from = pair[1], to = from + node.data.length;
      if (to <= start || from >= end) { return; }
      var range = document.createRange();
      range.setStart(node, Math.max(start, from) - from);
      range.setEnd(node, Math.min(end, to) - from);
      ranges.push(range);
    });
    return ranges;
  }

  function mark(sentence) {
    document.querySelectorAll(".kp-reading").forEach(function (b) { b.classList.remove("kp-reading"); });
    if (!sentence) { if (highlights) { CSS.highlights.delete("kp-reading"); } return; }
    if (highlights) { CSS.highlights.set("kp-reading", new Highlight(...sentence.ranges)); }
    else { sentence.block.classList.add("kp-reading"); }
    var box = sentence.ranges[0].getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) { sentence.block.scrollIntoView({ block: "center" }); }
  }

  function speak() {
    if (index >= sentences.length) { finish(tools.dataset.done); return; }
    var sentence = sentences[index];
    var utterance = new SpeechSynthesisUtterance(sentence.text);
    utterance.lang = lang;
    utterance.voice = voice();
    utterance.rate = 0.9;  // a little slower than usual: the listener is learning the language
    utterance.onstart = function () {
      mark(sentence);
      progress.textContent = tools.dataset.reading.replace("{number}", index + 1).replace("{total}", sentences.length);
    };
    utterance.onend = function () { if (state === "speaking") { index += 1; speak(); } };
    synth.speak(utterance);
  }

  function finish(message) {
    synth.cancel();
    state = "idle"; index = 0; mark(null); label("play"); progress.textContent = "";
    stop.hidden = true;
    if (message) { say(message); }
  }

  function ready() {
    if (voice()) {
      play.hidden = false;
      play.disabled = false;
      if (status.textContent === tools.dataset.noVoice) { say(""); }
    } else {
      play.hidden = false;
      play.disabled = true;  // seen, with the reason beside it
      say(tools.dataset.noVoice);
    }
  }

  play.addEventListener("click", function () {
    if (state === "speaking") { state = "paused"; synth.pause(); label("resume"); say(tools.dataset.paused); return; }
    if (state === "paused") { state = "speaking"; synth.resume(); label("pause"); say(""); return; }
    sentences = sentences || collect();
    state = "speaking"; index = 0; label("pause"); stop.hidden = false;
    synth.cancel();
    speak();
  });
  stop.addEventListener("click", function () { finish(""); play.focus(); });
  window.addEventListener("pagehide", function () { synth.cancel(); });

  ready();
  if (!voice()) { synth.addEventListener("voiceschanged", ready); }  // voices arrive later
});
