// Camera scanning for the check-in desk: jsQR reads frames; a code found is submitted at once.
(function () {
  "use strict";
  // The checkpoint list moves to the chosen checkpoint at once (no inline handler: CSP).
  document.querySelectorAll("[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  var button = document.getElementById("camera-button");
  var video = document.getElementById("camera");
  var canvas = document.getElementById("frame");
  var form = document.getElementById("scan-form");
  var field = document.getElementById("code");
  if (!button || !window.jsQR || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return; // typing the number still works
  }
  button.hidden = false;
  var context = canvas.getContext("2d", { willReadFrequently: true });

  function tick(stream) {
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var frame = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
      if (found && found.data) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        field.value = found.data;
        form.submit();
        return;
      }
    }
    window.requestAnimationFrame(function () { tick(stream); });
  }

  button.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      tick(stream);
    }).catch(function () {
      button.textContent = button.dataset.denied || button.textContent;
      button.disabled = true;
    });
  });
})();
