/* The ECG on standard paper: 25 mm/s, 10 mm/mV, 1 mm and 5 mm lines, drawn on a canvas sized in CSS
   millimetres so that printing keeps the true scale. Twelve leads are laid out 3 × 4 with a rhythm
   strip; any other count gets one full-width row per lead. Click twice to place calipers. */
(function () {
  "use strict";
  var MM_PER_S = 25, MM_PER_MV = 10, ROW_MM = 30;
  var TWELVE = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"];
  var LAYOUT = [["I", "aVR", "V1", "V4"], ["II", "aVL", "V2", "V5"], ["III", "aVF", "V3", "V6"]];

  function EcgViewer(root) {
    this.root = root;
    this.canvas = root.querySelector("canvas");
    this.readout = root.querySelector("[data-caliper]");
    this.rate = root.querySelector("[data-heart-rate]");
    this.position = root.querySelector("[data-position]");
    this.zoom = 1;
    this.start = 0;
    this.seconds = 10;
    this.clicks = [];
    this.data = null;
    var self = this;
    root.querySelectorAll("[data-zoom]").forEach(function (b) {
      b.addEventListener("click", function () { self.zoom = Math.max(0.5, Math.min(4, self.zoom * parseFloat(b.dataset.zoom))); self.draw(); });
    });
    root.querySelectorAll("[data-step]").forEach(function (b) {
      b.addEventListener("click", function () { self.load(Math.max(0, self.start + parseFloat(b.dataset.step) * self.seconds)); });
    });
    this.canvas.addEventListener("click", function (e) { self.caliper(e); });
  }

  EcgViewer.prototype.pxPerMm = function () { return (96 / 25.4) * this.zoom; };

  EcgViewer.prototype.load = function (start) {
    var self = this;
    return fetch(this.root.dataset.src + "?start=" + start + "&seconds=" + this.seconds, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { self.data = data; self.start = data.start; self.clicks = []; self.draw(); });
  };

  // A live stream hands its samples here instead of fetching them.
  EcgViewer.prototype.show = function (data) { this.data = data; this.draw(); };

  EcgViewer.prototype.rows = function () {
    var leads = this.data.leads;
    var twelve = TWELVE.every(function (l) { return leads.indexOf(l) >= 0; });
    if (twelve) {
      var rows = LAYOUT.map(function (names) {
        return names.map(function (name, i) { return { lead: leads.indexOf(name), name: name, from: i * 2.5, to: (i + 1) * 2.5 }; });
      });
      var rhythm = leads.indexOf("II");
      rows.push([{ lead: rhythm, name: "II", from: 0, to: this.seconds }]);
      return rows;
    }
    var seconds = this.seconds;
    return leads.map(function (name, i) { return [{ lead: i, name: name, from: 0, to: seconds }]; });
  };

  EcgViewer.prototype.draw = function () {
    if (!this.data) return;
    var rows = this.rows();
    var widthMm = this.seconds * MM_PER_S, heightMm = rows.length * ROW_MM;
    var scale = this.pxPerMm(), ratio = window.devicePixelRatio || 1;
    var c = this.canvas;
    c.style.width = (widthMm * this.zoom) + "mm";
    c.style.height = (heightMm * this.zoom) + "mm";
    c.width = Math.round(widthMm * scale * ratio);
    c.height = Math.round(heightMm * scale * ratio);
    var g = c.getContext("2d");
    g.setTransform(scale * ratio, 0, 0, scale * ratio, 0, 0); // one unit = one millimetre of paper
    g.fillStyle = "#fff"; g.fillRect(0, 0, widthMm, heightMm);
    for (var x = 0; x <= widthMm; x += 1) this.line(g, x, 0, x, heightMm, x % 5 === 0 ? "#f2a0a0" : "#fbe0e0", x % 5 === 0 ? 0.2 : 0.1);
    for (var y = 0; y <= heightMm; y += 1) this.line(g, 0, y, widthMm, y, y % 5 === 0 ? "#f2a0a0" : "#fbe0e0", y % 5 === 0 ? 0.2 : 0.1);
    var fs = this.data.sampling_rate, self = this;
    rows.forEach(function (row, r) {
      var base = r * ROW_MM + ROW_MM / 2;
      row.forEach(function (cell) {
        var samples = self.data.signals[cell.lead] || [];
        var first = Math.floor(cell.from * fs), last = Math.min(samples.length, Math.floor(cell.to * fs));
        g.strokeStyle = "#000"; g.lineWidth = 0.25; g.beginPath();
        for (var i = first; i < last; i++) {
          var px = (i / fs) * MM_PER_S, py = base - samples[i] * MM_PER_MV;
          if (i === first) g.moveTo(px, py); else g.lineTo(px, py);
        }
        g.stroke();
        g.fillStyle = "#000"; g.font = "3px sans-serif"; g.fillText(cell.name, cell.from * MM_PER_S + 1, base - ROW_MM / 2 + 4);
      });
    });
    if (this.rate) this.rate.textContent = this.data.heart_rate === null ? "—" : Math.round(this.data.heart_rate);
    if (this.position) this.position.textContent = this.data.start.toFixed(1) + " s";
    this.clicks.forEach(function (p) { self.line(g, p.x, 0, p.x, heightMm, "#0d6efd", 0.3); self.line(g, 0, p.y, widthMm, p.y, "#0d6efd", 0.15); });
  };

  EcgViewer.prototype.line = function (g, x1, y1, x2, y2, colour, width) {
    g.strokeStyle = colour; g.lineWidth = width; g.beginPath(); g.moveTo(x1, y1); g.lineTo(x2, y2); g.stroke();
  };

  EcgViewer.prototype.caliper = function (e) {
    var box = this.canvas.getBoundingClientRect();
    var mmX = (e.clientX - box.left) / box.width * this.seconds * MM_PER_S;
    var mmY = (e.clientY - box.top) / box.height * (this.rows().length * ROW_MM);
    this.clicks.push({ x: mmX, y: mmY });
    if (this.clicks.length > 2) this.clicks = [this.clicks[2]];
    if (this.clicks.length === 2 && this.readout) {
      var ms = Math.abs(this.clicks[1].x - this.clicks[0].x) / MM_PER_S * 1000;
      var mv = Math.abs(this.clicks[1].y - this.clicks[0].y) / MM_PER_MV;
      this.readout.textContent = Math.round(ms) + " ms · " + mv.toFixed(2) + " mV";
      this.readout.dataset.ms = Math.round(ms);
    }
    this.draw();
  };

  window.EcgViewer = EcgViewer;
  document.querySelectorAll("[data-ecg-viewer]").forEach(function (root) {
    var viewer = new EcgViewer(root);
    root.ecgViewer = viewer;
    if (root.dataset.src) viewer.load(0);
  });
})();
