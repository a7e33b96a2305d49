// The door app of a paired scanner: online every scan goes to the server with the device's
// key; offline it is checked against the signed snapshot and queued under a unique key, then
// sent when the network is back (each applied once) and the conflicts are shown.
//
// What the device keeps (its key, the snapshot, the queue) is in IndexedDB, encrypted with
// AES-GCM under a key that WebCrypto generated as non-extractable: script can use it, never
// read it. Signing out, a revoked key (401) or an expired snapshot wipes it.
(function () {
  "use strict";
  var M = JSON.parse(document.getElementById("app-messages").textContent);
  var body = document.body;
  var $ = function (id) { return document.getElementById(id); };
  var GREEN = ["valid", "handed_over"];
  var SUPERVISOR = ["forged", "voided", "revoked", "security_hold"];
  var NO_MATCH = ["unknown", "other_conference"];
  var NUMBER = /^(?:([A-Z0-9]+)[-\s]?)??0*(\d{1,9})$/;
  var SIGNATURE_LENGTH = 86;

  var state = { device: null, snapshot: null, queue: [], moves: [], ed25519: null };

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, name) { return values[name]; });
  }

  function verdictOf(result) {
    if (GREEN.indexOf(result) >= 0) { return "enter"; }
    if (SUPERVISOR.indexOf(result) >= 0) { return "supervisor"; }
    if (NO_MATCH.indexOf(result) >= 0) { return "no_match"; }
    return "refuse";
  }

  // IndexedDB, one object store of sealed values ---------------------------------------------
  var DB_NAME = "plenary-scanner";
  var STORE = "kept";
  var connection = null;  // one promise of one connection, however many callers at once

  function database() {
    if (connection) { return connection; }
    connection = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { connection = null; reject(request.error); };
    });
    return connection;
  }

  function transact(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(request && request.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function rawGet(name) { return transact("readonly", function (s) { return s.get(name); }); }
  function rawPut(name, value) { return transact("readwrite", function (s) { return s.put(value, name); }); }
  function rawDelete(name) { return transact("readwrite", function (s) { return s.delete(name); }); }

  function wipe() {
    var open = connection || Promise.resolve(null);
    connection = null;
    sealingKey = null;
    verifyingKey = null;
    state.device = null; state.snapshot = null; state.queue = []; state.moves = [];
    return open.then(function (db) { if (db) { db.close(); } }, function () {}).then(function () {
      return new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = function () { resolve(); };
      });
    });
  }

  // Encryption at rest ------------------------------------------------------------------------
  var sealingKey = null;

  function keyForSealing() {
    if (sealingKey) { return Promise.resolve(sealingKey); }
    return rawGet("aes").then(function (key) {
      if (key) { sealingKey = key; return key; }
      return crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])
        .then(function (made) { sealingKey = made; return rawPut("aes", made).then(function () { return made; }); });
    });
  }

  function seal(name, value) {
    return keyForSealing().then(function (key) {
      var iv = crypto.getRandomValues(new Uint8Array(12));
      var plain = new TextEncoder().encode(JSON.stringify(value));
      return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, plain).then(function (sealed) {
        return rawPut(name, { iv: iv, data: sealed });
      });
    });
  }

  function unseal(name) {
    return rawGet(name).then(function (kept) {
      if (!kept) { return null; }
      return keyForSealing().then(function (key) {
        return crypto.subtle.decrypt({ name: "AES-GCM", iv: kept.iv }, key, kept.data);
      }).then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
    });
  }

  // Ed25519 on the device ---------------------------------------------------------------------
  function unb64(text) {
    var padded = text.replace(/-/g, "+").replace(/_/g, "/");
    padded += "===".slice((padded.length + 3) % 4);
    var binary = atob(padded);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  var verifyingKey = null;
  function publicKey() {
    if (verifyingKey) { return Promise.resolve(verifyingKey); }
    return crypto.subtle.importKey("raw", unb64(state.device.public_key), { name: "Ed25519" }, false, ["verify"])
      .then(function (key) { state.ed25519 = true; verifyingKey = key; return key; });
  }

  function verify(signature, text) {
    return publicKey().then(function (key) {
      return crypto.subtle.verify({ name: "Ed25519" }, key, unb64(signature), new TextEncoder().encode(text));
    });
  }

  // The server ------------------------------------------------------------------------------
  function api(name, options) {
    options = options || {};
    var url = state.device.api[name] + (options.query || "");
    return fetch(url, {
      method: options.body ? "POST" : "GET",
      headers: { "Authorization": "Scanner " + state.device.key, "Content-Type": "application/json" },
      body: options.body ? JSON.stringify(options.body) : undefined,
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      if (response.status === 401) {
        return wipe().then(function () { showUnpaired(M.unpaired); throw new Error("unpaired"); });
      }
      return response.json().then(function (data) {
        if (!response.ok) { var error = new Error(data.message || response.status); error.server = true; throw error; }
        return data;
      });
    });
  }

  function acceptDocument(doc) {
    // A snapshot is trusted only once its signature checks; without Ed25519, say so.
    return verify(doc.signature, doc.body).then(function (ok) {
      if (!ok) { throw new Error("bad snapshot signature"); }
      return JSON.parse(doc.body);
    }, function () {
      state.ed25519 = false;
      return JSON.parse(doc.body);
    });
  }

  function refreshSnapshot() {
    var since = state.snapshot && state.snapshot.generated_at;
    var request = since ? api("changes", { query: "?since=" + encodeURIComponent(since) }) : api("snapshot");
    return request.then(acceptDocument).then(function (data) {
      if (since && state.snapshot) {
        var byId = {};
        state.snapshot.badges.forEach(function (badge) { byId[badge.id] = badge; });
        data.badges.forEach(function (badge) { byId[badge.id] = badge; });
        var listed = data.badges.map(function (badge) { return badge.id; });
        state.snapshot.badges = Object.keys(byId).map(function (id) { return byId[id]; });
        state.snapshot.elsewhere = state.snapshot.elsewhere.filter(function (id) { return listed.indexOf(id) < 0; });
        state.snapshot.zones = data.zones;
        state.snapshot.generated_at = data.generated_at;
        state.snapshot.expires_at = data.expires_at;
      } else {
        state.snapshot = data;
      }
      return seal("snapshot", state.snapshot);
    }).then(render);
  }

  function syncQueue() {
    if (!state.queue.length) { return Promise.resolve(); }
    var sending = state.queue.slice();
    return api("sync", { body: { scans: sending } }).then(function (answer) {
      var sent = {};
      answer.scans.forEach(function (scan) { sent[scan.key] = true; });
      state.queue = state.queue.filter(function (scan) { return !sent[scan.key]; });
      showConflicts(answer.conflicts, sending);
      $("queue-info").textContent = fill(M.synced, { n: answer.scans.length });
      return seal("queue", state.queue);
    });
  }

  function goOnline() {
    if (!state.device) { return Promise.resolve(); }
    return syncQueue().then(refreshSnapshot).then(function () {
      return rawDelete("offline_since");
    }).then(render).catch(function (error) {
      if (error.message !== "unpaired") { markOffline(); }
    });
  }

  function markOffline() {
    return rawGet("offline_since").then(function (since) {
      if (!since) { return rawPut("offline_since", new Date().toISOString()); }
    }).then(render);
  }

  // Judging a scan offline --------------------------------------------------------------------
  function localParts(date) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: state.snapshot.conference.time_zone, year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(date).forEach(function (part) { parts[part.type] = part.value; });
    return { day: parts.year + "-" + parts.month + "-" + parts.day, time: parts.hour + ":" + parts.minute };
  }

  function localText(iso) {
    return new Intl.DateTimeFormat(document.documentElement.lang, {
      timeZone: state.snapshot ? state.snapshot.conference.time_zone : undefined,
      dateStyle: "medium", timeStyle: "short", hourCycle: "h23"
    }).format(new Date(iso));
  }

  function findBadge(code) {
    var badges = state.snapshot.badges;
    if (code.indexOf(":") >= 0) {
      var cut = code.lastIndexOf(":");
      var value = code.slice(0, cut);
      var signature = code.slice(cut + 1);
      var id = /^B\d+$/.test(value) ? parseInt(value.slice(1), 10) : null;
      var lookup = function (note) {
        if (id === null) { return { result: "forged" }; }
        var badge = badges.filter(function (b) { return b.id === id; })[0];
        if (badge) { return { badge: badge, note: note }; }
        return { result: state.snapshot.elsewhere.indexOf(id) >= 0 ? "wrong_zone" : "unknown", note: note };
      };
      if (signature.length !== SIGNATURE_LENGTH) { return Promise.resolve(lookup(M.old_signature)); }
      return verify(signature, value).then(function (ok) {
        return ok ? lookup("") : { result: "forged" };
      }, function () {
        state.ed25519 = false;
        return lookup(M.no_ed25519);
      });
    }
    var match = NUMBER.exec(code.toUpperCase());
    if (!match) { return Promise.resolve({ result: "unknown" }); }
    var prefix = state.snapshot.conference.badge_prefix || "";
    if (match[1] && match[1] !== prefix) { return Promise.resolve({ result: "unknown" }); }
    var number = parseInt(match[2], 10);
    var found = badges.filter(function (b) { return b.number === number; })
      .sort(function (a, b) { return (a.status === "voided") - (b.status === "voided"); })[0];
    return Promise.resolve(found ? { badge: found } : { result: "unknown" });
  }

  function openingsFor(zone, category) {
    var own = zone.openings.filter(function (o) { return o.category && o.category === category; });
    return own.length ? own : zone.openings.filter(function (o) { return !o.category; });
  }

  function ruleRefusal(badge, zone, now) {
    var openings = openingsFor(zone, badge.category);
    if (openings.length) {
      var local = localParts(now);
      var open = openings.some(function (o) {
        return (!o.day || o.day === local.day) && o.opens <= local.time && local.time < o.closes;
      });
      if (!open) { return { result: "closed", why: M.closed_now }; }
    }
    var moves = state.moves.filter(function (m) { return m.badge === badge.id && m.zone === zone.code; });
    if (zone.single_entry) {
      var first = moves.filter(function (m) { return m.action === "entry"; })[0];
      if (first) { return { result: "already_entered", why: fill(M.entered_at, { since: localText(first.at) }) }; }
    }
    var last = moves[moves.length - 1];
    if (zone.anti_passback && last && last.action === "entry") {
      var exitAt = null;
      if (zone.auto_exit_at) {
        var entered = localParts(new Date(last.at));
        var nowLocal = localParts(now);
        exitAt = nowLocal.day > entered.day || (entered.time < zone.auto_exit_at && nowLocal.time >= zone.auto_exit_at);
      }
      if (!exitAt) { return { result: "already_inside", why: fill(M.inside_since, { since: localText(last.at) }) }; }
    }
    return null;
  }

  function judgeOffline(code, checkpoint, now) {
    if (state.snapshot && new Date(state.snapshot.expires_at) < now) {
      // An expired snapshot is wiped, not trusted: the scan is queued for the server.
      state.snapshot = null;
      return rawDelete("snapshot").then(function () { return { result: "unknown", why: M.expired }; });
    }
    if (!state.snapshot) { return Promise.resolve({ result: "unknown", why: M.no_snapshot }); }
    return findBadge(code).then(function (found) {
      var badge = found.badge;
      if (!badge) { return { result: found.result, note: found.note }; }
      var outcome = { badge: badge, note: found.note };
      var zone = state.snapshot.zones.filter(function (z) { return z.code === checkpoint.zone; })[0];
      if (badge.status !== "valid") { outcome.result = badge.status; return outcome; }
      if (checkpoint.action === "entry" && badge.zones.indexOf(checkpoint.zone) < 0) {
        outcome.result = "wrong_zone"; return outcome;
      }
      var refusal = checkpoint.action === "entry" && zone ? ruleRefusal(badge, zone, now) : null;
      outcome.result = refusal ? refusal.result : "valid";
      outcome.why = refusal ? refusal.why : "";
      return outcome;
    });
  }

  // The screen -------------------------------------------------------------------------------
  function checkpoints() {
    var select = $("at");
    var previous = select.value;
    select.textContent = "";
    state.device.zones.forEach(function (code) {
      ["entry", "exit"].forEach(function (action) {
        var option = document.createElement("option");
        option.value = code + ":" + action;
        option.textContent = code + ": " + M[action];
        select.appendChild(option);
      });
    });
    if (previous) { select.value = previous; }
  }

  function showUnpaired(why) {
    $("paired").hidden = true;
    $("unpaired").hidden = false;
    $("unpaired-why").textContent = why || "";
    $("device-name").textContent = "";
    $("state").hidden = true;
  }

  function render() {
    if (!state.device) { showUnpaired(""); return Promise.resolve(); }
    $("unpaired").hidden = true;
    $("paired").hidden = false;
    $("device-name").textContent = state.device.device.name;
    return rawGet("offline_since").then(function (since) {
      var stateLine = $("state");
      stateLine.hidden = false;
      var offline = !navigator.onLine || Boolean(since);
      stateLine.className = "state " + (offline ? "offline" : "online");
      stateLine.dataset.state = offline ? "offline" : "online";
      stateLine.textContent = offline ? fill(M.offline_since, { at: localText(since || new Date().toISOString()) }) : M.online;
      var snapshot = state.snapshot;
      $("snapshot-info").textContent = snapshot
        ? fill(M.snapshot, { at: localText(snapshot.generated_at), n: snapshot.badges.length, expires: localText(snapshot.expires_at) })
        : M.no_snapshot;
      $("queue-info").dataset.queued = state.queue.length;
      if (state.queue.length) { $("queue-info").textContent = fill(M.queued, { n: state.queue.length }); }
      var signatureInfo = $("signature-info");
      signatureInfo.hidden = state.ed25519 !== false;
      signatureInfo.textContent = M.no_ed25519;
    });
  }

  function showResult(outcome, offline) {
    var section = $("result");
    var result = outcome.result;
    var verdict = verdictOf(result);
    section.hidden = false;
    section.className = "result " + { enter: "green", supervisor: "red supervisor", no_match: "nomatch", refuse: "red" }[verdict];
    section.dataset.result = result;
    section.dataset.verdict = verdict;
    section.setAttribute("role", "status");
    $("verdict").textContent = (verdict === "enter" ? "✔ " : "✖ ") + (verdict === "enter" ? M.verdicts.enter : M.results[result]);
    var instruction = $("instruction");
    instruction.hidden = !M.instructions[verdict];
    instruction.textContent = M.instructions[verdict] || "";
    var badge = outcome.badge;
    $("person").hidden = !badge;
    if (badge) {
      $("name").textContent = badge.name;
      $("name-cyrillic").textContent = badge.name_cyrillic || "";
      $("delegation").textContent = badge.delegation || "";
      $("category").textContent = badge.category || "";
      $("number").textContent = badge.printed;
      var photo = $("photo");
      photo.hidden = !badge.photo;
      if (badge.photo) { photo.src = badge.photo; } else { photo.removeAttribute("src"); }
    }
    var why = $("why");
    why.hidden = !outcome.why;
    why.textContent = outcome.why || "";
    var note = $("offline-note");
    var notes = [offline ? M.checked_offline : "", outcome.note || ""].filter(Boolean);
    note.hidden = !notes.length;
    note.textContent = notes.join(" ");
  }

  function showConflicts(conflicts, sent) {
    var section = $("conflicts");
    var list = $("conflict-list");
    list.textContent = "";
    section.hidden = !conflicts.length;
    $("conflicts-title").textContent = M.conflicts;
    var byKey = {};
    sent.forEach(function (scan) { byKey[scan.key] = scan; });
    conflicts.forEach(function (conflict) {
      var item = document.createElement("li");
      item.dataset.result = conflict.result;
      var badge = conflict.badge ? conflict.badge.printed + " " + conflict.badge.name : byKey[conflict.key].code;
      item.textContent = fill(M.conflict, {
        badge: badge,
        at: localText(byKey[conflict.key].scanned_at),
        shown: M.results[conflict.shown],
        result: conflict.reason
      }) + (conflict.explanation ? " " + conflict.explanation : "");
      list.appendChild(item);
    });
  }

  // Scanning -----------------------------------------------------------------------------------
  function remember(outcome, checkpoint, at) {
    if (outcome.badge && GREEN.indexOf(outcome.result) >= 0) {
      state.moves.push({ badge: outcome.badge.id, zone: checkpoint.zone, action: checkpoint.action, at: at });
      return seal("moves", state.moves.slice(-5000));
    }
    return Promise.resolve();
  }

  function scanOffline(code, value, checkpoint, now, key) {
    return markOffline().then(function () {
      return judgeOffline(code, checkpoint, now);
    }).then(function (outcome) {
      state.queue.push({ key: key, code: code, at: value, scanned_at: now.toISOString(), shown: outcome.result });
      showResult(outcome, true);
      return seal("queue", state.queue).then(function () { return remember(outcome, checkpoint, now.toISOString()); });
    }).then(render);
  }

  function scan(code) {
    var value = $("at").value;
    var parts = value.split(":");
    var checkpoint = { zone: parts[0], action: parts[1] };
    var now = new Date();
    var key = crypto.randomUUID();
    if (!navigator.onLine) { return scanOffline(code, value, checkpoint, now, key); }
    return api("scan", { body: { code: code, at: value, key: key } }).then(function (answer) {
      var badge = answer.badge && state.snapshot
        ? state.snapshot.badges.filter(function (b) { return b.id === answer.badge.id; })[0] || answer.badge
        : answer.badge;
      var outcome = { result: answer.result, badge: badge, why: answer.explanation };
      showResult(outcome, false);
      return remember(outcome, checkpoint, now.toISOString());
    }, function (error) {
      if (error.message === "unpaired" || error.server) { throw error; }
      return scanOffline(code, value, checkpoint, now, key);
    });
  }

  $("scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var field = $("code");
    var code = field.value.trim();
    if (!code) { return; }
    field.value = "";
    scan(code).catch(function (error) {
      if (error.message !== "unpaired") { $("queue-info").textContent = error.message; }
    });
    field.focus();
  });

  // Pairing and signing out ------------------------------------------------------------------
  function pair(code) {
    $("unpaired-why").textContent = M.pairing;
    return fetch(body.dataset.pairUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code: code }),
      credentials: "omit"
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.message); }
        return data;
      });
    }).then(function (device) {
      state.device = device;
      verifyingKey = null;
      return seal("device", device);
    }).then(function () {
      checkpoints();
      return refreshSnapshot();
    }).catch(function (error) {
      showUnpaired(error.message);
    });
  }

  $("pair-button").addEventListener("click", function () {
    var code = $("pair-code").value.trim();
    if (code) { pair(code); }
  });

  $("unpair").addEventListener("click", function () {
    wipe().then(function () { showUnpaired(M.wiped); });
  });

  window.addEventListener("online", function () { goOnline(); });
  window.addEventListener("offline", function () { markOffline(); });

  // The camera, as on the desk page --------------------------------------------------------
  (function camera() {
    var button = $("camera-button");
    var video = $("camera");
    var canvas = $("frame");
    if (!window.jsQR || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
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
          video.hidden = true;
          scan(found.data);
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
      }).catch(function () { button.disabled = true; });
    });
  })();

  // Start -------------------------------------------------------------------------------------
  function start() {
    if (!window.crypto || !crypto.subtle || !window.indexedDB) {
      showUnpaired(M.no_crypto);
      return;
    }
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(body.dataset.worker, { scope: body.dataset.scope }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function (registration) {
        var assets = [body.dataset.scope];
        document.querySelectorAll("script[src], link[rel=stylesheet], link[rel=icon], link[rel=manifest]").forEach(function (node) {
          assets.push(node.src || node.href);
        });
        registration.active.postMessage({ precache: assets });
      }).catch(function () { /* the app still works online without its worker */ });
    }
    var pairing = /^#pair=([\w-]+)$/.exec(location.hash);
    Promise.all([unseal("device"), unseal("snapshot"), unseal("queue"), unseal("moves")]).then(function (kept) {
      state.device = kept[0];
      state.snapshot = kept[1];
      state.queue = kept[2] || [];
      state.moves = kept[3] || [];
      if (state.snapshot && new Date(state.snapshot.expires_at) < new Date()) {
        state.snapshot = null;
        return rawDelete("snapshot").then(function () { $("snapshot-info").textContent = M.expired; });
      }
    }).catch(function () {
      // Data sealed under a key that is gone cannot be read: start again.
      return wipe();
    }).then(function () {
      if (pairing) {
        history.replaceState(null, "", location.pathname);
        return pair(pairing[1]);
      }
      if (!state.device) { showUnpaired(""); return; }
      checkpoints();
      return render().then(function () { return navigator.onLine ? goOnline() : markOffline(); });
    });
  }

  start();
})();
