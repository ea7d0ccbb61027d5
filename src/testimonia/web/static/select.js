// Adding a claim from a selection (docs/web.md): select words in the document's text and
// the form of #add-claim appears beside them, with the words and where they are (the
// span, in characters of the text, as the server counts them). Without this script the
// same form is there below the text, with a quote field to type into.
(function () {
  "use strict";
  function start() {
    var text = document.getElementById("doc-text");
    var box = document.getElementById("add-claim");
    if (!text || !box) { return; }
    var form = box.querySelector("form");
    var quote = form.elements.namedItem("quote");
    var span = form.elements.namedItem("span");
    var cancel = box.querySelector("button.cancel");
    box.classList.add("on-selection");  // hidden until words are selected
    cancel.hidden = false;
    // Characters (code points, as Python counts them) from the start of the text.
    function offset(node, at) {
      var range = document.createRange();
      range.setStart(text, 0);
      range.setEnd(node, at);
      return Array.from(range.toString()).length;
    }
    function chosen() {
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed || selection.rangeCount === 0) { return; }
      var range = selection.getRangeAt(0);
      if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) { return; }
      var words = range.toString();
      var trimmed = words.trim();
      if (!trimmed) { return; }
      var lead = Array.from(words).length - Array.from(words.replace(/^\s+/, "")).length;
      var first = offset(range.startContainer, range.startOffset) + lead;
      quote.value = trimmed;
      span.value = first + ":" + (first + Array.from(trimmed).length);
      box.classList.add("open");
    }
    text.addEventListener("mouseup", function () { window.setTimeout(chosen, 0); });
    text.addEventListener("keyup", function () { window.setTimeout(chosen, 0); });
    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      if (selection && !selection.isCollapsed && text.contains(selection.anchorNode)) {
        window.clearTimeout(start.pending);
        start.pending = window.setTimeout(chosen, 250);  // touch screens: no mouseup
      }
    });
    quote.addEventListener("input", function () { span.value = ""; });  // typed: found by the words
    cancel.addEventListener("click", function () {
      box.classList.remove("open");
      quote.value = "";
      span.value = "";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
