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
  // a page that waits for a background job (a queue proposal) reloads itself
  document.querySelectorAll("[data-refresh]").forEach(function (el) {
    var seconds = parseInt(el.getAttribute("data-refresh"), 10) || 2;
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  });
});
