/* The fee comparison chart: bars per vendor and region (red above the benchmark), the benchmark as a
   dashed line. Reads the page's JSON (json_script "compare-data"). */
(function () {
  "use strict";
  var source = document.getElementById("compare-data");
  var canvas = document.getElementById("compare-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var amounts = data.amounts.map(Number);  // drawing only; the figures in the table are exact
  var datasets = [{
    type: "bar", label: data.amount_label, data: amounts,
    backgroundColor: data.over.map(function (over) { return over ? "rgba(220,53,69,.75)" : "rgba(13,110,253,.65)"; })
  }];
  if (data.benchmark !== null) {
    datasets.push({
      type: "line", label: data.benchmark_label, data: amounts.map(function () { return Number(data.benchmark); }),
      borderColor: "rgba(25,135,84,1)", borderDash: [6, 4], pointRadius: 0, fill: false
    });
  }
  new Chart(canvas, { data: { labels: data.labels, datasets: datasets }, options: {
    // Every label shown (turned when they do not fit), never every other one.
    scales: { x: { ticks: { autoSkip: false, maxRotation: 90, minRotation: 0 } }, y: { beginAtZero: true } }
  } });
})();
