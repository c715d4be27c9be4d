/* smsdocs handbook: filter and sort register tables. Local, no dependencies; re-runs on
   Material's instant navigation (document$) as well as on a plain page load. */
(function () {
  "use strict";
  function setupFilter(box) {
    var input = box.querySelector("input.smsdocs-filter");
    var count = box.querySelector(".smsdocs-filter-count");
    if (!input || !box.querySelector("table") || input.dataset.ready) return;
    input.dataset.ready = "1";
    // every table of the box (the rules page has one per clause)
    var rows = Array.prototype.slice.call(box.querySelectorAll("table > tbody > tr"));
    var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, i) {
        var ok = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
        row.hidden = !ok;
        if (ok) shown++;
      });
      if (count) count.textContent = words.length ? shown + " of " + rows.length : "";
    }
    input.addEventListener("input", apply);
    input.addEventListener("keydown", function (e) { e.stopPropagation(); });
  }
  function setupSort(table) {
    if (table.dataset.sortReady) return;
    table.dataset.sortReady = "1";
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      th.setAttribute("tabindex", "0");
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col] ? a.cells[col].textContent.trim() : "";
          var y = b.cells[col] ? b.cells[col].textContent.trim() : "";
          var r = x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  }
  function init() {
    document.querySelectorAll("[data-smsdocs-register]").forEach(setupFilter);
    document.querySelectorAll("table[data-smsdocs-sort]").forEach(setupSort);
  }
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
