// Draws a report's chart from the JSON the page carries (json_script): the same numbers
// as the table. No data is fetched; the page works without it.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  var canvas = document.getElementById("report-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  var spec = JSON.parse(source.textContent);
  if (!spec) return;
  var palette = ["#1f5f99", "#d9822b", "#2e8540", "#8b3fa8", "#b8333a", "#5a6b7b", "#c7a600", "#0f8b8d", "#6d4c41"];
  spec.datasets.forEach(function (d, i) {
    var colour = palette[i % palette.length];
    if (spec.type === "doughnut") {
      d.backgroundColor = spec.labels.map(function (_l, j) { return palette[j % palette.length]; });
    } else {
      d.backgroundColor = colour;
      d.borderColor = colour;
    }
  });
  var horizontal = !!spec.horizontal;
  var options = { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: "bottom" } } };
  if (spec.type !== "doughnut") {
    options.indexAxis = horizontal ? "y" : "x";
    options.scales = { x: { stacked: !!spec.stacked }, y: { stacked: !!spec.stacked, beginAtZero: true } };
  }
  var rows = spec.labels.length;
  if (horizontal) canvas.parentNode.style.height = Math.max(240, rows * 22 + 80) + "px";
  canvas.chart = new Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: spec.datasets }, options: options });
})();
