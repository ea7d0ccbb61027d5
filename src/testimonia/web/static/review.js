// Keyboard shortcuts on the review queue (docs/web.md): j / k next and previous claim,
// a accept, r reject (asks for the reason: type it, then Enter), e edit. Keys typed in
// a field are the field's. Without this script the buttons do the same.
(function () {
  "use strict";
  function start() {
    var queue = document.querySelector("ol.queue");
    if (!queue) { return; }
    var at = 0;
    function items() { return Array.prototype.slice.call(queue.querySelectorAll(":scope > li.claim")); }
    function open(li) { return !!li.querySelector("button.accept"); }  // not decided yet
    function show(index) {
      var all = items();
      if (all.length === 0) { return; }
      at = Math.max(0, Math.min(index, all.length - 1));
      all.forEach(function (li, i) {
        li.classList.toggle("current", i === at);
        li.setAttribute("aria-current", i === at ? "true" : "false");
      });
      all[at].scrollIntoView({block: "nearest"});
    }
    function current() { return items()[at]; }
    function nextOpen() {
      var all = items();
      for (var i = at + 1; i < all.length; i++) { if (open(all[i])) { show(i); return; } }
      show(at);
    }
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (target && /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName)) {
        if (event.key === "Escape" && target.blur) { target.blur(); }
        return;
      }
      var li = current();
      if (!li) { return; }
      var button, field, link;
      switch (event.key) {
        case "j": show(at + 1); break;
        case "k": show(at - 1); break;
        case "a":
          button = li.querySelector("button.accept");
          if (button) { button.click(); }
          break;
        case "r":
          field = li.querySelector("input[name=reason]");
          if (!field) { return; }
          if (field.value.trim()) { li.querySelector("button.reject").click(); } else { field.focus(); }
          break;
        case "e":
          link = li.querySelector("a.edit");
          if (link) { window.location.assign(link.href); }
          break;
        default: return;
      }
      event.preventDefault();
    });
    queue.addEventListener("click", function (event) {  // a click chooses the claim too
      var li = event.target.closest && event.target.closest("ol.queue > li.claim");
      if (li) { show(items().indexOf(li)); }
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {  // decided: on to the next
      if (event.target === current()) { nextOpen(); }
    });
    show(0);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
