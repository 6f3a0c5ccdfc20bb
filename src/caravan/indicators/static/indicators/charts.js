// Draw the indicator charts (sparklines, lines over time, a ranked bar chart) from the JSON each page embeds.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  var charts = data("indicator-charts");
  var byCode = {};
  ((charts && charts.tiles) || []).forEach(function (t) { byCode[t.code] = t; });
  function line(el, spark) {
    var t = byCode[el.dataset.indicator];
    if (!t) { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true }, animation: false,
      grid: spark ? { left: 2, right: 2, top: 4, bottom: 4 } : { left: 50, right: 20, top: 20, bottom: 30 },
      tooltip: spark ? undefined : { trigger: "axis" },
      xAxis: { type: "category", data: t.labels, show: !spark },
      yAxis: { type: "value", show: !spark, scale: true },
      series: [{ type: "line", data: t.values, connectNulls: false, showSymbol: !spark, name: t.name }],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("[data-sparkline]").forEach(function (el) { line(el, true); });
  document.querySelectorAll("[data-line]").forEach(function (el) { line(el, false); });
  var ranking = data("indicator-ranking");
  document.querySelectorAll("[data-ranking]").forEach(function (el) {
    if (!ranking || !ranking.labels.length) { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true }, animation: false, tooltip: { trigger: "axis" },
      grid: { left: 170, right: 40, top: 10, bottom: 20 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: ranking.labels.slice().reverse(), axisLabel: { width: 160, overflow: "truncate" } },
      series: [{ type: "bar", data: ranking.values.slice().reverse(), label: { show: true, position: "right" } }],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
