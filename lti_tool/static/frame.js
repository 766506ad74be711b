// Inside Moodle's iframe the page drops its own site header (Moodle's is right above);
// run before the page is drawn, so that nothing jumps.
if (window.self !== window.top) { document.documentElement.classList.add("kp-embedded"); }
