/* A background file build (法定報告, 健診結果の送付ファイル): poll its progress until it is done, then reload to show the download. CSP: no inline JS. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("export-progress");
    if (!box) { return; }
    var bar = document.getElementById("export-progress-bar");
    var text = document.getElementById("export-progress-text");
    function tick() {
      fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          bar.value = state.progress;
          text.textContent = state.label + " " + state.progress + "%" + (state.stage ? "(" + state.stage + ")" : "");
          if (state.status === "done" || state.status === "failed") { window.location.reload(); return; }
          window.setTimeout(tick, 1500);
        })
        .catch(function () { window.setTimeout(tick, 5000); });
    }
    tick();
  });
})();
