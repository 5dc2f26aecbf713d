// Weight and waist trend of one guidance programme (admin programme page). Data comes from a json_script element,
// so no inline script is needed under the Content-Security-Policy.
(function () {
  "use strict";
  var source = document.getElementById("programme-trend");
  var canvas = document.getElementById("programme-trend-chart");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var trend = JSON.parse(source.textContent);
  function flat(value) {
    return trend.labels.map(function () { return value; });
  }
  var datasets = [
    { label: "体重 (kg)", data: trend.weight, yAxisID: "weight", borderColor: "#1f77b4", spanGaps: true },
    { label: "腹囲 (cm)", data: trend.waist, yAxisID: "waist", borderColor: "#d62728", spanGaps: true }
  ];
  if (trend.target_weight !== null) {
    datasets.push({ label: "目標体重", data: flat(trend.target_weight), yAxisID: "weight",
      borderColor: "#1f77b4", borderDash: [6, 4], pointRadius: 0 });
  }
  if (trend.target_waist !== null) {
    datasets.push({ label: "目標腹囲", data: flat(trend.target_waist), yAxisID: "waist",
      borderColor: "#d62728", borderDash: [6, 4], pointRadius: 0 });
  }
  new Chart(canvas, {
    type: "line",
    data: { labels: trend.labels, datasets: datasets },
    options: {
      scales: {
        weight: { type: "linear", position: "left", title: { display: true, text: "kg" } },
        waist: { type: "linear", position: "right", title: { display: true, text: "cm" }, grid: { drawOnChartArea: false } }
      }
    }
  });
})();
