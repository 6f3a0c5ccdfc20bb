// The network view: organisations as nodes, one line per pair of organisations; clicking a line opens its
// agreement, or the list of the agreements between the two when there are several.
(function () {
  "use strict";
  var statusColour = { draft: "#6c757d", signed: "#0a5a8a", active: "#1e7b34", expired: "#343a40", terminated: "#b02a37" };

  function draw() {
    var holder = document.getElementById("network-chart");
    var source = document.getElementById("graph-data");
    if (!holder || !source || typeof echarts === "undefined" || holder.dataset.ready === "true") { return; }
    var data = JSON.parse(source.textContent);
    var labels = JSON.parse(document.getElementById("graph-labels").textContent);
    var countries = data.countries;
    // Start every node on a circle in the server's order: the force layout then settles the same way on
    // every visit, so the picture a coordinator learnt yesterday is the one they see today.
    var nodes = data.nodes.map(function (n, i) {
      var angle = 2 * Math.PI * i / Math.max(1, data.nodes.length);
      return {
        id: n.id, name: n.name, value: n.agreements, category: Math.max(0, countries.indexOf(n.country)),
        symbolSize: 12 + 6 * Math.sqrt(n.agreements), country: n.country,
        x: 300 + 200 * Math.cos(angle), y: 300 + 200 * Math.sin(angle)
      };
    });
    var links = data.edges.map(function (e) {
      return {
        source: e.source, target: e.target, url: e.url, agreements: e.agreements, more: e.more, count: e.count,
        lineStyle: { color: statusColour[e.status] || "#6c757d", width: Math.min(9, 2 + Math.sqrt(e.count)) }
      };
    });
    var chart = echarts.init(holder, null, { renderer: "canvas" });
    chart.setOption({
      aria: { enabled: true },
      tooltip: {
        formatter: function (p) {
          var esc = echarts.format.encodeHTML;
          if (p.dataType === "edge") {
            var lines = p.data.agreements.map(function (a) {
              return "<strong>" + esc(a.code) + "</strong> " + esc(a.title);
            });
            if (p.data.more > 0) { lines.push(esc(labels.more.replace("%(count)s", p.data.more))); }
            lines.push(esc(p.data.count > 1 ? labels.open_many : labels.open));
            return lines.join("<br>");
          }
          return esc(p.data.name) + (p.data.country ? "<br>" + esc(p.data.country) : "");
        }
      },
      legend: [{ type: "scroll", bottom: 0, data: countries }],
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true,
        // Laid out at once, not animated: the picture stays still so a line can be clicked straight away.
        force: { repulsion: 220, edgeLength: [80, 180], gravity: 0.08, layoutAnimation: false },
        categories: countries.map(function (c) { return { name: c }; }),
        label: { show: nodes.length <= 60, position: "right", fontSize: 11 },
        emphasis: { focus: "adjacency", lineStyle: { width: 5 } },
        data: nodes, links: links
      }]
    });
    chart.on("click", function (p) {
      if (p.dataType === "edge" && p.data.url) { window.location.href = p.data.url; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    holder.dataset.ready = "true";
  }

  draw();
  // The filters reload only the results (HTMX): draw the new graph they bring.
  document.body.addEventListener("htmx:afterSettle", draw);
})();
