/* The place fields of the edit and add forms: as the reviewer types the last of the
   places (separated by ";"), the gazetteer's places of that name are offered in the
   field's datalist, each as "NAME, CC" so that the one chosen is the one meant (Nara in
   Mali, not in Japan). Values go in as option values and text, never as markup. */
(function () {
  "use strict";
  document.querySelectorAll("input[data-places]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var timer = null;
    var asked = "";
    function offer() {
      var parts = input.value.split(";");
      var last = parts.pop().trim();
      var before = parts.map(function (p) { return p.trim(); }).filter(Boolean);
      if (last.length < 2 || last === asked || /,\s*[A-Za-z]{2}$/.test(last)) { return; }
      asked = last;
      fetch(input.dataset.places + "?" + new URLSearchParams({ q: last.split("@")[0] }).toString(),
            { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { places: [] }; })
        .then(function (data) {
          while (list.firstChild) { list.removeChild(list.firstChild); }
          var facility = last.indexOf("@") >= 0 ? last.slice(last.indexOf("@")) : "";
          data.places.forEach(function (p) {
            var option = document.createElement("option");
            option.value = before.concat([p.value + facility]).join("; ");
            option.textContent = p.label;
            list.appendChild(option);
          });
          input.dataset.offered = String(data.places.length);
        });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(offer, 250);
    });
  });
})();
