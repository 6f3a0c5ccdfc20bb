// Draw the charts of the transfer pages from the JSON each page embeds (json_script), with ECharts.
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    var horizontal = el.dataset.horizontal === "1";
    var categories = data.years || data.labels || [];
    var series = (data.series || []).map(function (s) {
      return { name: s.name, type: "bar", stack: el.dataset.stack ? "total" : undefined, data: s.data,
               label: { show: !el.dataset.stack, position: horizontal ? "right" : "top" } };
    });
    var category = { type: "category", data: categories, axisLabel: { interval: 0, overflow: "truncate", width: 160 } };
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: horizontal ? 170 : 40, right: 30, top: 40, bottom: 30, containLabel: !horizontal },
      xAxis: horizontal ? { type: "value", minInterval: 1 } : category,
      yAxis: horizontal ? category : { type: "value", minInterval: 1 },
      series: series,
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("[data-chart]").forEach(draw);
})();
