/* DICOM frames rendered by the server as PNG; window/level presets and frame scrolling. */
(function () {
  "use strict";
  document.querySelectorAll("[data-image-viewer]").forEach(function (root) {
    var img = root.querySelector("img"), frames = parseInt(root.dataset.frames, 10) || 1;
    var frameInput = root.querySelector("[data-frame]"), label = root.querySelector("[data-frame-label]");
    var window_ = { c: null, w: null }, frame = 0;
    function show() {
      var url = root.dataset.src.replace("/0.png", "/" + frame + ".png");
      if (window_.c !== null) url += "?c=" + window_.c + "&w=" + window_.w;
      img.src = url;
      if (label) label.textContent = (frame + 1) + " / " + frames;
    }
    root.querySelectorAll("[data-preset]").forEach(function (b) {
      b.addEventListener("click", function () { var p = b.dataset.preset.split(","); window_ = { c: p[0], w: p[1] }; show(); });
    });
    if (frameInput) frameInput.addEventListener("input", function () { frame = parseInt(frameInput.value, 10); show(); });
    img.addEventListener("wheel", function (e) {
      if (frames < 2) return;
      e.preventDefault();
      frame = Math.max(0, Math.min(frames - 1, frame + (e.deltaY > 0 ? 1 : -1)));
      if (frameInput) frameInput.value = frame;
      show();
    });
    show();
  });
})();
