/* The secretary's console: buttons post in the background and the panel is redrawn from the
 * server's answer; the panel is also fetched every two seconds to follow another console.
 * Without this file the forms post and the page comes back, which works the same. */
(function () {
  "use strict";

  var panel = document.getElementById("console-panel");
  if (!panel || !window.fetch) { return; }
  var F = window.PlenaryFloor;
  var offset = 0;
  var busy = false;

  function readClock() {
    var state = panel.querySelector(".console-state");
    var now = state ? F.parse(state.dataset.now) : null;
    if (now) { offset = now - Date.now(); }
  }

  function tick() {
    var timer = panel.querySelector("[data-countdown]");
    if (!timer) { return; }
    var entry = {
      started_at: timer.dataset.started,
      paused_at: timer.dataset.paused || null,
      paused_seconds: Number(timer.dataset.pausedSeconds || 0),
      allotted_seconds: Number(timer.dataset.allotted)
    };
    var left = F.leftSeconds(entry, Date.now() + offset);
    var level = F.warningLevel(left);
    var text = F.format(left);
    if (timer.textContent !== text) { timer.textContent = text; }
    var state = panel.querySelector(".console-state");
    var warning = panel.querySelector("[data-countdown-warning]");
    if (warning) {
      var label = level === 2 ? state.dataset.labelOver : (level === 1 ? state.dataset.labelWarning : "");
      if (warning.textContent !== label) { warning.textContent = label; }
    }
    timer.classList.toggle("text-warning", level === 1);
    timer.classList.toggle("text-danger", level === 2);
  }

  function show(html) {
    panel.innerHTML = html;
    readClock();
    tick();
  }

  function typing() {
    var active = document.activeElement;
    return active && panel.contains(active) && active.tagName === "SELECT";
  }

  function refresh() {
    if (busy || typing()) { return; }
    fetch(window.location.pathname, {headers: {"X-Requested-With": "fetch"}, credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        if (response.redirected || !response.ok) { return null; }
        return response.text();
      })
      .then(function (html) {
        if (html !== null && html !== undefined && !busy && !typing()) { show(html); }
      })
      .catch(function () { /* next round */ });
  }

  panel.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("floor-action")) { return; }
    event.preventDefault();
    busy = true;
    form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
    fetch(window.location.pathname, {
      method: "POST",
      body: new FormData(form),
      headers: {"X-Requested-With": "fetch"},
      credentials: "same-origin"
    }).then(function (response) {
      return response.text().then(function (html) {
        if (response.status === 200 || response.status === 409) { show(html); }
        else { window.location.reload(); }
      });
    }).catch(function () { window.location.reload(); })
      .then(function () { busy = false; });
  });

  readClock();
  tick();
  window.setInterval(tick, 250);
  window.setInterval(refresh, Number(panel.dataset.poll || 2000));
}());
