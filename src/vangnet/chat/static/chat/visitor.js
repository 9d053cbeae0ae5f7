// The anonymous visitor's chat. Protocol: docs/chat-protocol.md.
// The only thing kept is in sessionStorage (gone when the tab closes): the conversation token,
// the last sequence number seen and the messages not yet acknowledged, so none is lost.
(function () {
  "use strict";
  var STORE_KEY = "vangnet.chat";
  var strings = JSON.parse(document.getElementById("chat-strings").textContent);
  var el = function (id) { return document.getElementById(id); };
  var socket = null;
  var retryDelay = 500;
  var leaving = false;
  var ended = false;
  var startRequest = null;
  var typingTimer = null;
  var lastTypingSent = 0;
  var config = el("chat-config");
  var wasActive = false;   // a counsellor joined: the survey is offered after the end
  var surveyToken = null;  // kept in memory only, for the survey after the end
  // After `slow_down` (the server is very busy): the refused message's id and the timer that
  // sends it, and everything after it, again; messages written meanwhile wait for it.
  var slowedFrom = null;
  var slowedTimer = null;

  function load() {
    try { return JSON.parse(sessionStorage.getItem(STORE_KEY)) || null; } catch (e) { return null; }
  }
  function save() {
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function forget() {
    try { sessionStorage.removeItem(STORE_KEY); } catch (e) { /* nothing to remove */ }
  }
  var state = load();

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  // --- showing things ---------------------------------------------------------------------
  function show(section) {
    ["chat-closed", "chat-start", "chat-room"].forEach(function (id) { el(id).hidden = id !== section; });
    document.body.classList.toggle("chat-running", section === "chat-room");
  }
  function setStatus(text) { el("chat-status").textContent = text; }
  function notice(text) { el("chat-notice").textContent = text || ""; }

  function renderMessage(msg) {
    var log = el("chat-log");
    var existing = msg.id ? log.querySelector('[data-id="' + CSS.escape(msg.id) + '"]') : null;
    var item = existing || document.createElement("li");
    item.className = "msg msg-" + msg.sender + (msg.pending ? " msg-pending" : "");
    item.setAttribute("data-id", msg.id || "");
    if (msg.seq) { item.setAttribute("data-seq", msg.seq); }
    item.textContent = "";
    var who = document.createElement("span");
    who.className = "msg-who";
    var body = document.createElement("span");
    body.className = "msg-text";
    if (msg.sender === "system") {
      who.textContent = "";
      body.textContent = strings[msg.system] || msg.text || "";
    } else {
      who.textContent = msg.sender === "visitor" ? strings.you : (msg.author || strings.counsellor);
      body.textContent = msg.text; // text only: markup is shown as typed, never run
    }
    item.appendChild(who);
    item.appendChild(body);
    if (msg.pending) {
      var flag = document.createElement("span");
      flag.className = "msg-flag";
      flag.textContent = strings.sending;
      item.appendChild(flag);
    }
    if (!existing) { log.appendChild(item); }
    // The log scrolls, not the page: the message box stays where it is.
    el("chat-scroll").scrollTop = el("chat-scroll").scrollHeight;
  }

  function showState(frame) {
    if (frame.status === "waiting") {
      setStatus(frame.open === false ? strings.waiting_closed : format(strings.waiting, { position: frame.position }));
    } else if (frame.status === "active") {
      setStatus(format(strings.active, { name: frame.counsellor || strings.counsellor }));
      if (!wasActive) { el("chat-expect").open = false; } // room for the messages on a phone
      wasActive = true;
    } else if (frame.status === "ended") {
      finish(strings.ended);
    }
  }

  function finish(text) {
    var offerSurvey = !ended && wasActive && state && state.token;
    ended = true;
    setStatus(text);
    if (offerSurvey) { surveyToken = state.token; }
    forget();
    state = null;
    el("send-form").hidden = true;
    el("chat-ended").hidden = false;
    if (socket) { socket.close(); }
    if (surveyToken) { startSurvey(); }
  }

  // --- the connection ---------------------------------------------------------------------
  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/chat/");
    socket.onopen = function () {
      retryDelay = 500;
      if (state && state.token) {
        socket.send(JSON.stringify({ type: "resume", token: state.token, last_seq: state.lastSeq || 0 }));
      } else if (startRequest) {
        socket.send(JSON.stringify(startRequest));
      }
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      receive(frame);
    };
    socket.onclose = function () {
      // Any close but the end of the chat (1013 "try again later" after a server restart, a
      // dropped network): resume with backoff and jitter, so a thousand visitors do not all
      // come back in the same second; unacknowledged messages are sent again on `welcome`.
      socket = null;
      if (leaving || ended) { return; }
      setStatus(strings.reconnecting);
      window.setTimeout(connect, retryDelay * (0.5 + Math.random()));
      retryDelay = Math.min(retryDelay * 2, 15000);
    };
  }

  function receive(frame) {
    switch (frame.type) {
      case "welcome":
        if (frame.token) {
          state = { token: frame.token, lastSeq: 0, pending: [] };
          startRequest = null;
        }
        save();
        stopSlowDown();  // every pending message goes again now
        resendPending();
        break;
      case "state":
        showState(frame);
        break;
      case "message":
        if (!state || frame.seq <= (state.lastSeq || 0)) { return; }
        state.lastSeq = frame.seq;
        save();
        renderMessage(frame);
        if (frame.sender === "counsellor") { el("chat-typing").hidden = true; }
        break;
      case "ack":
        if (!state) { return; }
        state.pending = state.pending.filter(function (p) { return p.id !== frame.id; });
        save();
        if (frame.id === slowedFrom && !slowedTimer) { slowedFrom = null; notice(""); }
        break;
      case "typing":
        el("chat-typing").hidden = false;
        window.clearTimeout(typingTimer);
        typingTimer = window.setTimeout(function () { el("chat-typing").hidden = true; }, 4000);
        break;
      case "error":
        handleError(frame);
        break;
      case "advice":  // flagged as acute danger while waiting: the 112 advice at once
        el("chat-advice").textContent = strings[frame.code] || "";
        el("chat-advice").hidden = false;
        break;
    }
  }

  function handleError(frame) {
    if (frame.code === "unknown_token" || frame.code === "expired") {
      finish(strings.expired);
      return;
    }
    if (frame.code === "busy") {
      // Overload: not queued. Say so plainly; the person may try again later.
      startRequest = null;
      setStatus(frame.message);
      el("send-form").hidden = true;
      return;
    }
    notice(frame.message);
    if (!frame.id || !state) { return; }
    if (frame.code === "slow_down") { slowDown(frame); return; }
    if (frame.code === "rate_limited" || frame.code === "unavailable") {
      window.setTimeout(function () { resendPending(); }, 3000); // kept: goes once the limit allows
      return;
    }
    // Refused for its content (too long, empty): drop it from the queue, give the text back.
    var refused = state.pending.filter(function (p) { return p.id === frame.id; })[0];
    state.pending = state.pending.filter(function (p) { return p.id !== frame.id; });
    save();
    var item = el("chat-log").querySelector('[data-id="' + CSS.escape(frame.id) + '"]');
    if (item) { item.remove(); }
    if (refused && !el("message").value) { el("message").value = refused.text; updateCount(); }
  }

  // The server is very busy: the message is kept, and sent again after `retry_after` (with
  // jitter, so busy visitors do not all come back at once) together with every message after
  // it, in order. Later refusals of the same round are covered by that one resend.
  function slowDown(frame) {
    if (slowedTimer) { return; }
    slowedFrom = frame.id;
    var wait = (Number(frame.retry_after) || 1) * 1000 * (1 + 0.5 * Math.random());
    slowedTimer = window.setTimeout(resendSlowedDown, wait);
  }
  function resendSlowedDown() {
    slowedTimer = null;
    resendPending(slowedFrom);
  }
  function stopSlowDown() {
    window.clearTimeout(slowedTimer);
    slowedTimer = null;
  }

  // The pending messages, in order: all of them, or from `fromId` on while it is pending.
  function resendPending(fromId) {
    if (!state || !socket || socket.readyState !== WebSocket.OPEN) { return; }
    var from = state.pending.map(function (p) { return p.id; }).indexOf(fromId);
    state.pending.slice(Math.max(0, from)).forEach(function (p) {
      socket.send(JSON.stringify({ type: "send", id: p.id, text: p.text }));
    });
  }

  // --- what the visitor does --------------------------------------------------------------
  function start(event) {
    event.preventDefault();
    var chosen = document.querySelector('input[name="role"]:checked');
    el("role-error").hidden = !!chosen;
    if (!chosen) { document.querySelector('input[name="role"]').focus(); return; }
    var danger = document.querySelector('input[name="in_danger"]:checked');
    startRequest = {
      type: "start", role: chosen.value, nickname: el("nickname").value, language: strings.language,
      in_danger: danger ? danger.value : ""
    };
    chatStarted = true;
    show("chat-room");
    setStatus(strings.connecting);
    el("message").focus();
    connect();
  }

  function send(event) {
    event.preventDefault();
    var text = el("message").value.trim();
    if (!text) { return; }
    // Not connected yet (no welcome): the text stays in the box, and the person is told why.
    if (!state) { notice(strings.connecting); return; }
    notice("");
    var pending = { id: newId(), text: text };
    state.pending.push(pending);
    save();
    renderMessage({ id: pending.id, sender: "visitor", text: text, pending: true });
    el("message").value = "";
    updateCount();
    if (socket && socket.readyState === WebSocket.OPEN && !slowedTimer) {
      socket.send(JSON.stringify({ type: "send", id: pending.id, text: text }));
    } // else it goes with the pending ones: after resuming, or after the refused one
  }

  function typing() {
    updateCount();
    var now = Date.now();
    if (socket && socket.readyState === WebSocket.OPEN && now - lastTypingSent > 3000) {
      lastTypingSent = now;
      socket.send(JSON.stringify({ type: "typing" }));
    }
  }

  function updateCount() {
    var max = parseInt(el("message").getAttribute("maxlength"), 10);
    el("message-count").textContent = format(strings.chars_left, { count: max - el("message").value.length });
  }

  function endChat() {
    if (!window.confirm(strings.confirm_end)) { return; }
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "end" }));
    } else {
      finish(strings.ended);
    }
  }

  // Quick exit: tell the server (the counsellor sees it within moments), close the socket and
  // forget the token at once (quick-exit.js clears storage). The page is going away, so a
  // socket frame might never leave: a beacon is sent even while the page unloads.
  window.addEventListener("vangnet:quick-exit", function () {
    leaving = true;
    if (state && state.token && !ended) { leaveBeacon(state.token); }
    forget();
    state = null;
    if (socket) { socket.close(); }
  });

  function leaveBeacon(token) {
    var url = el("chat-room").getAttribute("data-quick-exit-url");
    var body = new URLSearchParams({ token: token });
    try {
      if (navigator.sendBeacon && navigator.sendBeacon(url, body)) { return; }
    } catch (e) { /* fall back to a keepalive request */ }
    try {
      window.fetch(url, { method: "POST", body: body, keepalive: true, credentials: "omit" });
    } catch (e) { /* nothing more we can do while leaving */ }
  }

  // --- text only: pasted or dropped files and images are refused, with a clear message ------
  function hasFiles(transfer) {
    if (!transfer) { return false; }
    if (transfer.files && transfer.files.length) { return true; }
    return Array.prototype.some.call(transfer.items || [], function (item) { return item.kind === "file"; });
  }
  function refuseFiles(event) {
    if (!hasFiles(event.clipboardData || event.dataTransfer)) { return; }
    var text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
    event.preventDefault(); // nothing is sent, and the browser does not open the file
    notice(strings.text_only);
    if (text && event.type === "paste") { insertText(text); } // the words themselves may stay
  }
  function insertText(text) {
    var box = el("message");
    var start = box.selectionStart, end = box.selectionEnd;
    box.value = (box.value.slice(0, start) + text + box.value.slice(end)).slice(0, parseInt(box.getAttribute("maxlength"), 10));
    box.selectionStart = box.selectionEnd = Math.min(start + text.length, box.value.length);
    updateCount();
  }
  el("message").addEventListener("paste", refuseFiles);
  document.addEventListener("dragover", function (event) {
    if (hasFiles(event.dataTransfer)) { event.preventDefault(); event.dataTransfer.dropEffect = "none"; }
  });
  document.addEventListener("drop", function (event) {
    if (hasFiles(event.dataTransfer)) {
      event.preventDefault();
      if (!el("chat-room").hidden) { notice(strings.text_only); }
    }
  });

  // --- the survey after the chat: one tap per question, sent once after the last ----------
  var surveyAnswers = {};
  function startSurvey() {
    var survey = el("chat-survey");
    survey.hidden = false;
    survey.querySelectorAll(".survey-question button").forEach(function (button) {
      button.addEventListener("click", function () { answer(button); });
    });
  }
  function answer(button) {
    var question = button.closest(".survey-question");
    surveyAnswers[question.getAttribute("data-question")] = button.getAttribute("data-answer");
    question.hidden = true;
    var next = question.nextElementSibling;
    while (next && !next.classList.contains("survey-question")) { next = next.nextElementSibling; }
    if (next) {
      next.hidden = false;
      next.querySelector("legend").focus();
    } else {
      sendSurvey();
    }
  }
  function sendSurvey() {
    var result = el("survey-result");
    var token = surveyToken;
    surveyToken = null;
    var anything = Object.keys(surveyAnswers).some(function (k) { return surveyAnswers[k]; });
    if (!anything || !token) { result.textContent = strings.survey_thanks; return; }
    var body = new URLSearchParams(surveyAnswers);
    body.set("token", token);
    window.fetch(el("chat-survey").getAttribute("data-url"), { method: "POST", body: body, credentials: "omit" })
      .then(function (response) {
        return response.json().then(function (data) {
          result.textContent = response.ok ? (data.message || strings.survey_thanks) : (data.message || strings.survey_failed);
        });
      })
      .catch(function () { result.textContent = strings.survey_failed; });
  }

  // --- before a chat: follow whether the chat is open, without a reload --------------------
  // A small shared answer (cached for seconds by the server and nginx) polled only on this
  // page and only while it is visible: cheap for thousands of parents during a media spike.
  var chatStarted = false;
  function showAvailability(isOpen) {
    if (chatStarted) { return; }
    var closedNow = !el("chat-closed").hidden;
    if (isOpen === closedNow) {
      show(isOpen ? "chat-start" : "chat-closed");
      el("chat-availability").textContent = isOpen ? strings.now_open : strings.now_closed;
    }
  }
  function pollStatus() {
    if (chatStarted) { return; }
    if (document.visibilityState !== "hidden") {
      window.fetch(config.getAttribute("data-status-url"), { credentials: "omit", cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && typeof data.open === "boolean") { showAvailability(data.open); } })
        .catch(function () { /* offline for a moment: the next poll tries again */ });
    }
    var every = parseFloat(config.getAttribute("data-status-every")) * 1000;
    window.setTimeout(pollStatus, every * (0.8 + 0.4 * Math.random()));
  }

  el("start-form").addEventListener("submit", start);
  el("send-form").addEventListener("submit", send);
  el("message").addEventListener("input", typing);
  el("message").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { send(event); }
  });
  el("end-button").addEventListener("click", endChat);
  updateCount();

  if (state && state.token) {
    // A reload in the same tab: carry on where we were.
    chatStarted = true;
    show("chat-room");
    setStatus(strings.connecting);
    (state.pending || []).forEach(function (p) {
      renderMessage({ id: p.id, sender: "visitor", text: p.text, pending: true });
    });
    state.lastSeq = 0; // fetch the whole conversation again to show it
    connect();
  }
  pollStatus();
})();
