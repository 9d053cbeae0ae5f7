// The counsellor console. Protocol: docs/chat-protocol.md.
(function () {
  "use strict";
  var strings = JSON.parse(document.getElementById("console-strings").textContent);
  var el = function (id) { return document.getElementById(id); };
  var codingUrl = el("console").getAttribute("data-coding-url");
  var consentUrl = el("console").getAttribute("data-consent-url");
  var flagUrl = el("console").getAttribute("data-flag-url");
  var waiting = [];  // the queue as last shown, for the supervisor's acute-waiting alert
  var supervising = false;
  var socket = null;
  var retryDelay = 500;
  var me = null;
  var onDuty = false;
  var chats = {};      // conversation id -> {summary, lastSeq, messages: [], pending: {}, unread}
  var current = null;  // the conversation shown
  var lastTypingSent = 0;
  var typingTimer = null;

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); return true; }
    return false;
  }
  function clockTime(iso) {
    var d = new Date(iso);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }
  function button(label, onClick, className) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    if (className) { b.className = className; }
    b.addEventListener("click", onClick);
    return b;
  }

  // --- connection ---------------------------------------------------------------------------
  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/console/");
    socket.onopen = function () { retryDelay = 500; el("console-status").textContent = strings.connected; };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      receive(frame);
    };
    socket.onclose = function (event) {
      socket = null;
      // 4401: the login ended (logout, timeout); 4403: no access. To the login page.
      if (event.code === 4401 || event.code === 4403) { window.location.reload(); return; }
      // Anything else (1013 after a server restart, a dropped network): resume with backoff
      // and jitter; `hello` leads to a `sync` of every chat and a resend of what was pending.
      el("console-status").textContent = strings.reconnecting;
      window.setTimeout(connect, retryDelay * (0.5 + Math.random()));
      retryDelay = Math.min(retryDelay * 2, 15000);
    };
  }

  function receive(frame) {
    switch (frame.type) {
      case "hello":
        showBusy(frame.busy);
        me = frame.me;
        setDuty(frame.on_duty);
        renderQueue(frame.queue);
        el("supervision").hidden = !frame.supervisor;
        supervising = !!frame.supervisor;
        if (frame.supervisor) { renderActive(frame.active); }
        frame.chats.forEach(function (summary) {
          var known = chats[summary.conversation];
          send({ type: "sync", conversation: summary.conversation, after: known ? known.lastSeq : 0 });
        });
        Object.keys(chats).forEach(function (id) { resendPending(id); });
        break;
      case "duty":
        setDuty(frame.on);
        break;
      case "queue":
        showBusy(frame.busy);
        renderQueue(frame.items);
        if (frame.active) { renderActive(frame.active); }
        break;
      case "chat":
        openChat(frame);
        break;
      case "message":
        addMessage(frame);
        break;
      case "ack":
        var chat = chats[frame.conversation];
        if (chat) { delete chat.pending[frame.id]; }
        break;
      case "state":
        updateState(frame);
        break;
      case "assigned":
        el("console-status").textContent = format(strings.handed_to_you, { name: frame.from });
        break;
      case "typing":
        if (frame.conversation === current) {
          el("chat-typing").textContent = strings.typing;
          el("chat-typing").hidden = false;
          window.clearTimeout(typingTimer);
          typingTimer = window.setTimeout(function () { el("chat-typing").hidden = true; }, 4000);
        }
        break;
      case "colleagues":
        fillColleagues(frame.people);
        break;
      case "error":
        el("chat-notice").textContent = frame.message;
        if (frame.id && frame.conversation && chats[frame.conversation] && frame.code !== "rate_limited" && frame.code !== "unavailable") {
          delete chats[frame.conversation].pending[frame.id];
        }
        break;
    }
  }

  // --- duty and queue ---------------------------------------------------------------------
  // Overload: the server tells new visitors it is very busy; the console says so too.
  function showBusy(busy) {
    var line = el("console-busy");
    if (line) { line.hidden = !busy; }
  }

  function setDuty(on) {
    onDuty = !!on;
    el("duty-button").setAttribute("data-on", onDuty ? "true" : "false");
    el("duty-button").textContent = onDuty ? strings.stop_duty : strings.start_duty;
    el("duty-label").textContent = onDuty ? strings.on_duty : strings.off_duty;
  }

  function renderQueue(items) {
    var list = el("queue");
    list.textContent = "";
    el("queue-count").textContent = "(" + items.length + ")";
    if (!items.length) {
      var empty = document.createElement("li");
      empty.textContent = strings.queue_empty;
      list.appendChild(empty);
    }
    waiting = items;
    items.forEach(function (item) {
      var li = document.createElement("li");
      if (item.acute) {
        li.className = "acute";
        var badge = document.createElement("strong");
        badge.textContent = strings.acute + (item.risk_phrase ? ": “" + item.risk_phrase + "” " : " ");
        li.appendChild(badge);
      }
      var label = document.createElement("span");
      label.textContent = item.role_label + (item.nickname ? " · " + item.nickname : "") + " · " +
        format(strings.waiting_since, { time: clockTime(item.waiting_since) }) + " ";
      li.appendChild(label);
      li.appendChild(button(strings.accept, function () {
        send({ type: "accept", conversation: item.conversation });
      }));
      li.appendChild(button(item.acute ? strings.lower_flag : strings.raise_flag, function () {
        setFlag(item.conversation, !item.acute);
      }));
      list.appendChild(li);
    });
    checkAcuteWaiting();
  }

  // A counsellor raises or lowers the acute flag (logged by the server); the queue follows.
  function setFlag(conversation, acute) {
    var body = new FormData(el("consent-form"));
    body.set("conversation", conversation);
    body.set("acute", acute ? "1" : "0");
    window.fetch(flagUrl, { method: "POST", body: body, credentials: "same-origin" });
  }

  // The supervisor is alerted when an acute chat waits more than a minute.
  function checkAcuteWaiting() {
    if (!supervising) { return; }
    var late = waiting.some(function (item) {
      return item.acute && Date.now() - Date.parse(item.waiting_since) > 60000;
    });
    el("acute-alert").textContent = late ? strings.acute_waiting : "";
    el("acute-alert").hidden = !late;
  }
  window.setInterval(checkAcuteWaiting, 5000);

  function renderActive(items) {
    var list = el("active-chats");
    list.textContent = "";
    if (!items.length) {
      var empty = document.createElement("li");
      empty.textContent = strings.no_active;
      list.appendChild(empty);
    }
    items.forEach(function (item) {
      var li = document.createElement("li");
      var label = document.createElement("span");
      label.textContent = item.role_label + (item.nickname ? " · " + item.nickname : "") + " · " + item.counsellor + " ";
      li.appendChild(label);
      if (!chats[item.conversation]) {
        li.appendChild(button(strings.read_along, function () {
          send({ type: "read_along", conversation: item.conversation });
        }, "secondary"));
      }
      list.appendChild(li);
    });
  }

  // --- chats ------------------------------------------------------------------------------
  function openChat(frame) {
    var chat = chats[frame.conversation];
    if (!chat) {
      chat = chats[frame.conversation] = { lastSeq: 0, messages: [], pending: {}, unread: false };
    }
    chat.summary = frame;
    chat.notes = frame.notes || chat.notes || [];
    chat.readingAlong = !!frame.reading_along;
    renderTabs();
    if (!current || !chats[current]) { select(frame.conversation); } else if (current === frame.conversation) { renderChat(); }
  }

  function addMessage(frame) {
    var chat = chats[frame.conversation];
    if (!chat || frame.seq <= chat.lastSeq) { return; }
    chat.lastSeq = frame.seq;
    chat.messages.push(frame);
    if (frame.conversation === current) {
      appendMessage(frame);
      if (frame.sender === "visitor") { el("chat-typing").hidden = true; }
    } else {
      chat.unread = true;
      renderTabs();
    }
    if (frame.system === "ended" || frame.system === "ended_by_visitor" || frame.system === "ended_quick_exit") {
      chat.summary.status = "ended";
      if (frame.conversation === current) { renderChat(); }
    }
  }

  function updateState(frame) {
    var chat = chats[frame.conversation];
    if (!chat) { return; }
    chat.summary.status = frame.status;
    if (!frame.mine && !chat.readingAlong && frame.status !== "ended") {
      delete chats[frame.conversation]; // handed over: it is someone else's now
      if (current === frame.conversation) { current = null; }
      var first = Object.keys(chats)[0];
      if (first) { select(first); } else { renderTabs(); el("chat-panel").hidden = true; el("no-chat").hidden = false; }
      return;
    }
    if (current === frame.conversation) { renderChat(); }
    renderTabs();
  }

  function renderTabs() {
    var tabs = el("chat-tabs");
    tabs.textContent = "";
    Object.keys(chats).forEach(function (id) {
      var chat = chats[id];
      var s = chat.summary;
      var label = s.role_label + (s.nickname ? " · " + s.nickname : "") +
        (chat.readingAlong ? " (" + strings.reading_along + ")" : "") +
        (s.status === "ended" ? " (" + strings.ended + ")" : "");
      var tab = button(label, function () { select(id); }, chat.unread ? "has-new" : "");
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-selected", id === current ? "true" : "false");
      tabs.appendChild(tab);
    });
    el("no-chat").hidden = Object.keys(chats).length > 0;
  }

  function select(id) {
    current = id;
    chats[id].unread = false;
    renderTabs();
    renderChat();
  }

  function renderChat() {
    var chat = chats[current];
    if (!chat) { return; }
    var s = chat.summary;
    el("chat-panel").hidden = false;
    el("chat-title").textContent = s.role_label + (s.nickname ? " · " + s.nickname : "");
    var notes = el("chat-notes");
    notes.textContent = "";
    (chat.notes || []).forEach(function (n) {
      var p = document.createElement("p");
      p.textContent = format(strings.note_from, { name: n.from }) + " " + n.note;
      notes.appendChild(p);
    });
    el("chat-log").textContent = "";
    chat.messages.forEach(appendMessage);
    var ended = s.status === "ended";
    el("send-form").hidden = ended || chat.readingAlong;
    el("consent").hidden = chat.readingAlong;
    el("consent-result").textContent = "";
    el("handover-form").hidden = true;
    var after = el("chat-after");
    after.textContent = "";
    after.hidden = !ended;
    if (ended && !chat.readingAlong) {
      if (codingUrl) {
        var code = document.createElement("a");
        code.href = codingUrl + "?conversation=" + encodeURIComponent(current);
        code.className = "button";
        code.textContent = strings.code_contact;
        after.appendChild(code);
        after.appendChild(document.createTextNode(" "));
      }
      var close = button("×", function () {
        delete chats[current];
        current = null;
        var first = Object.keys(chats)[0];
        if (first) { select(first); } else { renderTabs(); el("chat-panel").hidden = true; }
      }, "secondary");
      close.setAttribute("aria-label", strings.ended);
      after.appendChild(close);
    }
  }

  function appendMessage(m) {
    var li = document.createElement("li");
    li.className = "msg msg-" + (m.sender === "counsellor" ? "visitor" : m.sender === "visitor" ? "counsellor" : "system");
    var who = document.createElement("span");
    who.className = "msg-who";
    var text = document.createElement("span");
    text.className = "msg-text";
    if (m.sender === "system") {
      text.textContent = strings[m.system] || m.system;
    } else {
      who.textContent = m.sender === "visitor" ? strings.visitor : m.author + " · " + clockTime(m.at);
      text.textContent = m.text; // never as markup
    }
    li.appendChild(who);
    li.appendChild(text);
    el("chat-log").appendChild(li);
    li.scrollIntoView({ block: "end" });
  }

  function resendPending(id) {
    var chat = chats[id];
    Object.keys(chat.pending).forEach(function (msgId) {
      send({ type: "send", conversation: id, id: msgId, text: chat.pending[msgId] });
    });
  }

  function fillColleagues(people) {
    var select = el("handover-to");
    select.textContent = "";
    if (!people.length) {
      el("chat-notice").textContent = strings.no_colleagues;
      el("handover-form").hidden = true;
      return;
    }
    people.forEach(function (p) {
      var option = document.createElement("option");
      option.value = p.id;
      option.textContent = p.name;
      select.appendChild(option);
    });
    el("handover-form").hidden = false;
    select.focus();
  }

  // --- actions ------------------------------------------------------------------------------
  el("duty-button").addEventListener("click", function () { send({ type: "duty", on: !onDuty }); });
  el("send-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = el("message").value.trim();
    if (!text || !current) { return; }
    var id = newId();
    chats[current].pending[id] = text;
    el("chat-notice").textContent = "";
    send({ type: "send", conversation: current, id: id, text: text });
    el("message").value = "";
  });
  el("message").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      el("send-form").requestSubmit();
    }
  });
  el("message").addEventListener("input", function () {
    var now = Date.now();
    if (current && now - lastTypingSent > 3000) {
      lastTypingSent = now;
      send({ type: "typing", conversation: current });
    }
  });
  el("end-button").addEventListener("click", function () {
    if (current && window.confirm(strings.confirm_end)) { send({ type: "end", conversation: current }); }
  });
  el("handover-button").addEventListener("click", function () { send({ type: "colleagues" }); });
  el("handover-cancel").addEventListener("click", function () { el("handover-form").hidden = true; });
  el("handover-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var to = parseInt(el("handover-to").value, 10);
    if (!to) { el("chat-notice").textContent = strings.choose_colleague; return; }
    send({ type: "handover", conversation: current, to: to, note: el("handover-note").value });
    el("handover-note").value = "";
    el("handover-form").hidden = true;
  });

  el("consent-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) { return; }
    var form = el("consent-form");
    var url = consentUrl.replace("00000000-0000-0000-0000-000000000000", current);
    window.fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        el("consent-result").textContent = answer.message || answer.error;
        if (answer.message) { form.reset(); }
      })
      .catch(function () { el("consent-result").textContent = strings.reconnecting; });
  });

  connect();
})();
