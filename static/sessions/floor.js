/* The live floor for projectors and the session page: WebSocket first, polling as fallback.
 *
 * Every time shown is computed from the server's timestamps (started_at, paused_at,
 * paused_seconds) and the server's clock (a message's "now", a response's Date header), so a
 * screen that reconnects, or whose own clock is wrong, shows the right time left at once.
 * No inline script: the page says what to follow in data- attributes of [data-floor].
 */
(function () {
  "use strict";

  var POLL_MS = 2000;
  /* Even while the WebSocket is open: a message lost while Redis restarted is caught up. */
  var SAFETY_POLL_MS = 15000;
  var RETRY_MIN_MS = 1000;
  var RETRY_MAX_MS = 30000;

  function parse(iso) {
    return iso ? Date.parse(iso) : null;
  }

  function spokenSeconds(entry, nowMs) {
    var start = parse(entry.started_at);
    if (start === null) { return 0; }
    var until = entry.paused_at ? parse(entry.paused_at) : nowMs;
    return Math.max(0, Math.floor((until - start) / 1000) - (entry.paused_seconds || 0));
  }

  function leftSeconds(entry, nowMs) {
    return entry.allotted_seconds - spokenSeconds(entry, nowMs);
  }

  function format(seconds) {
    var sign = seconds < 0 ? "\u2212" : "";
    var s = Math.abs(seconds);
    return sign + Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  /* 0: plenty of time, 1: a minute or less, 2: time is up. */
  function warningLevel(left) {
    return left <= 0 ? 2 : (left <= 60 ? 1 : 0);
  }

  window.PlenaryFloor = {
    spokenSeconds: spokenSeconds, leftSeconds: leftSeconds, format: format,
    warningLevel: warningLevel, parse: parse
  };

  function Viewer(root) {
    this.root = root;
    this.state = null;
    this.offset = 0;  /* server clock minus this screen's clock, in ms */
    this.etag = null;
    this.socket = null;
    this.pollTimer = null;
    this.retryMs = RETRY_MIN_MS;
    this.received = 0;
    this.lastMessageAt = 0;
  }

  Viewer.prototype.field = function (name) {
    return this.root.querySelector('[data-floor-field="' + name + '"]');
  };

  Viewer.prototype.setText = function (name, text) {
    var el = this.field(name);
    if (el && el.textContent !== text) { el.textContent = text; }
  };

  Viewer.prototype.apply = function (state, serverNowMs) {
    if (serverNowMs) { this.offset = serverNowMs - Date.now(); }
    this.state = state;
    this.received += 1;
    this.root.dataset.floorReceived = String(this.received);
    var d = this.root.dataset;
    var current = state.current;
    this.root.dataset.floorCurrent = current ? String(current.id) : "";
    if (current) {
      this.setText("speaker", current.speaker || current.delegation);
      this.setText("delegation", current.speaker ? current.delegation : "");
      this.setText("title", [current.title, current.on_behalf_of].filter(Boolean).join(" \u00b7 "));
    } else {
      this.setText("speaker", d.labelOpen || "");
      this.setText("delegation", "");
      this.setText("title", "");
    }
    var status = "";
    if (state.point_of_order) {
      status = d.labelPoint + (state.point_of_order.delegation ? ": " + state.point_of_order.delegation : "");
    } else if (current && current.paused_at) {
      status = d.labelPaused;
    }
    this.setText("status", status);
    var section = this.root.querySelector(".floor-current");
    if (section) { section.classList.toggle("is-paused", Boolean(current && current.paused_at)); }
    var list = this.root.querySelector("[data-floor-next]");
    if (list) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      state.next.forEach(function (entry) {
        var li = document.createElement("li");
        var who = document.createElement("span");
        who.className = "floor-next-delegation";
        who.textContent = entry.delegation || entry.speaker;
        li.appendChild(who);
        if (entry.speaker && entry.delegation) {
          var speaker = document.createElement("span");
          speaker.className = "floor-next-speaker";
          speaker.textContent = " " + entry.speaker;
          li.appendChild(speaker);
        }
        list.appendChild(li);
      });
    }
    /* The sections other apps add (sessions/live.py) draw themselves from the same state. */
    this.root.dispatchEvent(new CustomEvent("floor:state", {detail: state}));
    this.tick();
  };

  Viewer.prototype.tick = function () {
    var current = this.state && this.state.current;
    var level = 0;
    if (current) {
      var left = leftSeconds(current, Date.now() + this.offset);
      level = warningLevel(left);
      this.setText("time", format(left));
    } else {
      this.setText("time", "");
    }
    var d = this.root.dataset;
    this.setText("warning", level === 2 ? d.labelOver : (level === 1 ? d.labelWarning : ""));
    this.root.classList.toggle("floor-warn", level === 1);
    this.root.classList.toggle("floor-over", level === 2);
  };

  Viewer.prototype.poll = function () {
    var self = this;
    var sentAt = Date.now();
    var headers = {"Accept": "application/json"};
    if (this.etag) { headers["If-None-Match"] = this.etag; }
    return fetch(this.root.dataset.floorJson, {headers: headers, credentials: "same-origin", cache: "no-cache"})
      .then(function (response) {
        if (response.status === 304) { return; }
        if (!response.ok) { throw new Error(String(response.status)); }
        self.etag = response.headers.get("ETag");
        var date = Date.parse(response.headers.get("Date") || "");
        return response.json().then(function (state) {
          /* A WebSocket message that came after this request was sent is newer: keep it. */
          if (self.lastMessageAt > sentAt) { return; }
          self.apply(state, isNaN(date) ? 0 : date);
        });
      })
      .catch(function () { /* the next poll tries again */ });
  };

  Viewer.prototype.startPolling = function () {
    var self = this;
    this.root.dataset.floorMode = "polling";
    this.setText("connection", this.root.dataset.labelPolling || "");
    var connection = this.root.querySelector("[data-floor-connection]");
    if (connection) { connection.textContent = this.root.dataset.labelPolling || ""; }
    if (this.pollTimer === null) {
      this.poll();
      this.pollTimer = window.setInterval(function () { self.poll(); }, POLL_MS);
    }
  };

  Viewer.prototype.stopPolling = function () {
    if (this.pollTimer !== null) { window.clearInterval(this.pollTimer); this.pollTimer = null; }
    var connection = this.root.querySelector("[data-floor-connection]");
    if (connection) { connection.textContent = ""; }
  };

  Viewer.prototype.connect = function () {
    var self = this;
    var path = this.root.dataset.floorWs;
    if (!path || !("WebSocket" in window)) { this.startPolling(); return; }
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    var url = scheme + "//" + window.location.host + path + "?lang=" + encodeURIComponent(this.root.dataset.floorLang || "en");
    var socket;
    try { socket = new WebSocket(url); } catch (error) { this.startPolling(); this.retry(); return; }
    this.socket = socket;
    socket.onopen = function () {
      self.retryMs = RETRY_MIN_MS;
      self.stopPolling();
      self.root.dataset.floorMode = "live";
    };
    socket.onmessage = function (event) {
      var state = JSON.parse(event.data);
      self.lastMessageAt = Date.now();
      self.apply(state, parse(state.now));
    };
    socket.onclose = function () {
      self.socket = null;
      self.startPolling();
      self.retry();
    };
  };

  Viewer.prototype.retry = function () {
    var self = this;
    var wait = this.retryMs;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    window.setTimeout(function () { self.connect(); }, wait);
  };

  Viewer.prototype.start = function () {
    var self = this;
    this.poll();
    this.connect();
    window.setInterval(function () { self.tick(); }, 250);
    window.setInterval(function () { if (self.pollTimer === null) { self.poll(); } }, SAFETY_POLL_MS);
  };

  document.querySelectorAll("[data-floor]").forEach(function (root) {
    new Viewer(root).start();
  });
}());
