// Small behaviours of every page, bound here instead of inline handlers (the
// Content-Security-Policy allows no inline script).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-submit-on-change]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-select-on-focus]").forEach(function (el) {
    el.addEventListener("focus", function () { el.select(); });
    el.addEventListener("click", function () { el.select(); });
  });
  // On a narrow screen (a phone, or 200 % zoom) list tables stack into one card a row;
  // each cell is labelled by its column's header (the CSS shows the label).
  document.querySelectorAll("table.list:not(.report)").forEach(function (table) {
    if (table.closest(".table-scroll")) return;
    var heads = [];
    table.querySelectorAll("thead tr:first-child th").forEach(function (th) {
      for (var i = 0; i < (th.colSpan || 1); i++) heads.push(th.textContent.trim());
    });
    if (!heads.length) return;
    table.classList.add("stackable");
    // between a phone and a wide screen (e.g. 200 % zoom) a wide table scrolls in its own
    // region, which the keyboard can reach, instead of the whole page
    var wrap = document.createElement("div");
    wrap.className = "table-scroll";
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    var caption = table.querySelector("caption");
    var heading = caption ? caption.textContent : (document.querySelector("h1") || {}).textContent;
    wrap.setAttribute("aria-label", (heading || "").trim());
    table.parentNode.insertBefore(wrap, table);
    wrap.appendChild(table);
    table.querySelectorAll("tbody tr, tfoot tr").forEach(function (tr) {
      var col = 0;
      Array.prototype.forEach.call(tr.children, function (cell) {
        if (heads[col] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[col]);
        col += cell.colSpan || 1;
      });
    });
  });
  // a page that waits for a background job (a queue proposal) reloads itself
  document.querySelectorAll("[data-refresh]").forEach(function (el) {
    var seconds = parseInt(el.getAttribute("data-refresh"), 10) || 2;
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  });
});
