// The launch answers with its first page; put the page's own address in the browser's
// history so that a reload or the back button asks for the page instead of posting the
// launch's id_token again (which the tool refuses: it is used once).
(function (script) {
  if (script && window.history && history.replaceState) {
    history.replaceState(history.state, "", script.getAttribute("data-address"));
  }
})(document.currentScript);
