/* Charts of the trial pages: each <canvas data-chart="…"> reads the JSON of the page (json_script). */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function bar(canvas, labels, datasets, stacked) {
    new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true,
        // Every label shown (turned when they do not fit), never every other one.
        scales: {
          x: { stacked: !!stacked, ticks: { autoSkip: false, maxRotation: 90, minRotation: 0 } },
          y: { beginAtZero: true, ticks: { precision: 0 }, stacked: !!stacked }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var name = canvas.getAttribute("data-chart");
    if (name === "coverage-chart") {
      var coverage = data("coverage-chart");
      if (coverage) { bar(canvas, coverage.labels, coverage.datasets, false); }
      return;
    }
    var usage = data("usage-chart");
    if (!usage) { return; }
    if (name === "usage-provinces") {
      bar(canvas, usage.provinces.labels, [
        { label: usage.series.bids, data: usage.provinces.bids },
        { label: usage.series.cross, data: usage.provinces.cross }
      ]);
    } else if (name === "usage-vendors") {
      bar(canvas, usage.vendors.labels, [
        { label: usage.series.bids, data: usage.vendors.bids },
        { label: usage.series.entities, data: usage.vendors.entities }
      ]);
    }
  });
})();
