// Recognition progress on the dashboard: stacked bars (verified, done, other) per vendor and per region.
(function () {
  "use strict";
  var source = document.getElementById("recognition-chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  function draw(id, rows) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return r.label; }),
        datasets: [
          { label: data.labels.verified, data: rows.map(function (r) { return r.verified; }), backgroundColor: "#198754" },
          { label: data.labels.done, data: rows.map(function (r) { return r.done; }), backgroundColor: "#0d6efd" },
          { label: data.labels.other, data: rows.map(function (r) { return r.total - r.verified - r.done; }), backgroundColor: "#ced4da" }
        ]
      },
      options: {
        responsive: true,
        animation: false,
        // Every label shown, turned when they do not fit: Chart.js would skip every other one, and a bar
        // would read as its neighbour's.
        scales: {
          x: { stacked: true, ticks: { autoSkip: false, maxRotation: 90, minRotation: 0 } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
  draw("recognition-by-vendor", data.vendors);
  draw("recognition-by-region", data.regions);
})();
