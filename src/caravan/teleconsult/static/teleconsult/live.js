/* Live ECG: viewers keep the last 10 s of the stream and redraw the paper as chunks arrive;
   the sender page replays one of the case's ECGs at real speed, as a cart would. */
(function () {
  "use strict";
  function socketUrl(root, send) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + root.dataset.socket + (send ? "?role=send" : "");
  }

  document.querySelectorAll("[data-live-viewer]").forEach(function (root) {
    var viewer = root.ecgViewer, status = root.querySelector("[data-live-status]");
    var leads = [], rate = 500, buffers = [], received = 0;
    var socket = new WebSocket(socketUrl(root, false));
    socket.onopen = function () { status.textContent = status.dataset.waiting; root.dataset.state = "open"; };
    socket.onclose = function () { root.dataset.state = "closed"; };
    socket.onmessage = function (e) {
      var m = JSON.parse(e.data);
      if (m.type === "start") {
        leads = m.leads; rate = m.sampling_rate; buffers = leads.map(function () { return []; }); received = 0;
        status.textContent = status.dataset.live;
      } else if (m.type === "chunk") {
        var keep = Math.round(10 * rate);
        m.samples.forEach(function (row, i) { buffers[i] = buffers[i].concat(row).slice(-keep); });
        received += m.samples[0].length;
        root.dataset.received = received;
        if (m.sent_at) root.dataset.latency = Math.round(Date.now() - m.sent_at);
        viewer.show({ leads: leads, sampling_rate: rate, signals: buffers, heart_rate: null, start: Math.max(0, received / rate - 10) });
      } else if (m.type === "saved") {
        status.textContent = status.dataset.saved;
        root.dataset.saved = m.attachment;
      }
    };
  });

  document.querySelectorAll("[data-live-sender]").forEach(function (root) {
    var button = root.querySelector("button"), select = root.querySelector("select"), status = root.querySelector("[data-live-status]");
    button.addEventListener("click", function () {
      var socket = new WebSocket(socketUrl(root, true));
      button.disabled = true;
      socket.onopen = function () {
        fetch(select.value + "?start=0&seconds=" + root.dataset.seconds, { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            socket.send(JSON.stringify({ type: "start", leads: data.leads, sampling_rate: data.sampling_rate }));
            var step = Math.round(data.sampling_rate / 10), total = data.signals[0].length, at = 0;
            status.textContent = status.dataset.sending;
            var timer = setInterval(function () {
              if (at >= total) {
                clearInterval(timer);
                socket.send(JSON.stringify({ type: "stop" }));
                return;
              }
              var rows = data.signals.map(function (row) { return row.slice(at, at + step); });
              socket.send(JSON.stringify({ type: "chunk", samples: rows, sent_at: Date.now() }));
              at += step;
            }, 100);
          });
      };
      socket.onmessage = function (e) {
        var m = JSON.parse(e.data);
        if (m.type === "saved") { status.textContent = status.dataset.saved; root.dataset.saved = m.attachment; socket.close(); button.disabled = false; }
        if (m.type === "error") { status.textContent = m.message; }
      };
    });
  });
})();
