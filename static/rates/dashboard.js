/* Rates dashboard: trend charts (Chart.js, served from our static files) and progress polling. CSP: no inline JS. */
(function () {
  "use strict";
  var STATUS_JA = { pending: "待機中", running: "計算中", done: "完了", failed: "失敗" };

  function lineChart(canvasId, label, years, values, target) {
    var canvas = document.getElementById(canvasId);
    if (!canvas || typeof Chart === "undefined") { return; }
    var datasets = [{ type: "bar", label: label, data: values, backgroundColor: "rgba(65, 118, 144, 0.7)" }];
    if (target !== null && target !== undefined) {
      datasets.push({
        type: "line", label: "目標 " + target + "%", data: years.map(function () { return target; }),
        borderColor: "#ba2121", borderDash: [6, 4], pointRadius: 0, fill: false
      });
    }
    new Chart(canvas, {
      data: { labels: years, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { suggestedMin: 0, suggestedMax: 100, ticks: { callback: function (v) { return v + "%"; } } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  function drawCharts() {
    var source = document.getElementById("rates-chart-data");
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    lineChart("rates-chart-checkup", "特定健診実施率", data.years, data.checkup, data.targets.checkup);
    lineChart("rates-chart-guidance", "特定保健指導実施率", data.years, data.guidance, data.targets.guidance);
    lineChart("rates-chart-reduction", "メタボ減少率", data.years, data.reduction, data.targets.reduction);
  }

  function pollProgress() {
    var box = document.getElementById("rates-progress");
    if (!box) { return; }
    var bar = document.getElementById("rates-progress-bar");
    var text = document.getElementById("rates-progress-text");
    function tick() {
      fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          bar.value = state.progress;
          text.textContent = (STATUS_JA[state.status] || state.status) + " " + state.progress + "%";
          if (state.status === "done") { window.location.reload(); return; }
          if (state.status === "failed") { text.textContent = "失敗: " + state.error; return; }
          window.setTimeout(tick, 1500);
        })
        .catch(function () { window.setTimeout(tick, 5000); });
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(); pollProgress(); });
})();
