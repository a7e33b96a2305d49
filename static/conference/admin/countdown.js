// The silence procedure's countdown on the document page: the time left to the deadline,
// from the deadline the server wrote (data-deadline), refreshed each second. No inline script.
"use strict";
(function () {
  const element = document.getElementById("silence-countdown");
  if (!element) return;
  const deadline = Date.parse(element.dataset.deadline);
  const tick = function () {
    const left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
    if (left === 0) {
      element.textContent = element.dataset.over;
      return;
    }
    const days = Math.floor(left / 86400);
    const hours = Math.floor((left % 86400) / 3600);
    const minutes = Math.floor((left % 3600) / 60);
    const seconds = left % 60;
    const pad = (n) => String(n).padStart(2, "0");
    element.textContent = (days ? days + " " + element.dataset.days + " " : "") + pad(hours) + ":" + pad(minutes) + ":" + pad(seconds);
    window.setTimeout(tick, 1000);
  };
  tick();
})();
