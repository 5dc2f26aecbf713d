// Trend charts of the self-service page. Data comes from <script type="application/json" id="chart-data">;
// loaded as a static file so the CSP can allow only 'self' scripts. Every chart also has a data table.
(function () {
  "use strict";
  var COLOURS = ["#0b4f8a", "#b3261e", "#1e6b35", "#6a3d9a"];
  var blocks = document.querySelectorAll("script#chart-data");
  // One y axis per unit: spec.axes = [{id, title, position}], each dataset names its axis (kg left, cm right).
  function scales(spec) {
    if (!spec.axes || !spec.axes.length) {
      return { y: { title: { display: !!spec.unit, text: spec.unit } } };
    }
    var result = {};
    spec.axes.forEach(function (axis, i) {
      result[axis.id] = { type: "linear", position: axis.position || (i ? "right" : "left"),
        title: { display: true, text: axis.title }, grid: { drawOnChartArea: i === 0 } };
    });
    return result;
  }
  window.portalCharts = [];
  if (!window.Chart || !blocks.length) { return; }
  blocks.forEach(function (block) {
    var charts = JSON.parse(block.textContent || "[]");
    charts.forEach(function (spec) {
      var canvas = document.getElementById("chart-" + spec.id);
      if (!canvas) { return; }
      var datasets = spec.datasets.map(function (ds, i) {
        var set = { label: ds.label, data: ds.data, borderColor: COLOURS[i % COLOURS.length],
          backgroundColor: COLOURS[i % COLOURS.length], pointStyle: ["circle", "rect", "triangle"][i % 3],
          pointRadius: 4, borderWidth: 2, spanGaps: true };
        if (ds.axis) { set.yAxisID = ds.axis; }
        return set;
      });
      if (spec.guidance !== null && spec.guidance !== undefined) {
        datasets.push({ label: spec.guidanceLabel, data: spec.labels.map(function () { return spec.guidance; }),
          borderColor: "#6b4500", borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, fill: false });
      }
      var chart = new window.Chart(canvas, {
        type: "line",
        data: { labels: spec.labels, datasets: datasets },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
          plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } },
          scales: scales(spec) }
      });
      window.portalCharts.push(chart);
    });
  });
})();
