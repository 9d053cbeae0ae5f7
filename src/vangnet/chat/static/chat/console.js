// The counsellor console. Protocol: docs/chat-protocol.md.
(function () {
  "use strict";
  var strings = JSON.parse(document.getElementById("console-strings").textContent);
  var savedReplies = JSON.parse(document.getElementById("saved-replies-data").textContent);
  var el = function (id) { return document.getElementById(id); };
  var codingUrl = el("console").getAttribute("data-coding-url");
  var consentUrl = el("console").getAttribute("data-consent-url");
  var flagUrl = el("console").getAttribute("data-flag-url");
  // VANGNET_ACUTE_ALERT_SECONDS (60 s) in ms: when an acute chat waits too long.
  var acuteAlertMs = Number(el("console").getAttribute("data-acute-alert-ms")) || 60000;
  var waiting = [];  // the queue as last shown, for the supervisor's acute-waiting alert
  var supervising = false;
  var socket = null;
  var retryDelay = 500;
  var me = null;
  var onDuty = false;
  // conversation id -> {summary, lastSeq, messages: [], pending: {}, unread: number of visitor
  // messages not yet seen, waitingSince: when the visitor's unanswered message came (or null)}
  var chats = {};
  // conversation id -> {from: the id refused with `slow_down`, timer: the resend of it and of
  // every message after it}; messages written in that chat meanwhile wait for it.
  var slowed = {};
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

  // --- time: the server's clock and time zone, never the browser's ------------------------
  // The browser's clock may be off (or in another zone): waits are counted against the
  // server's "now" (sent with the page, `hello` and `queue`), clock times shown in the
  // organisation's zone (Europe/Amsterdam).
  var clockOffset = 0;  // server time minus browser time, in ms
  var clockFormat = null;
  function syncClock(iso) {
    var server = Date.parse(iso || "");
    if (!isNaN(server)) { clockOffset = server - Date.now(); }
  }
  function useTimeZone(zone) {
    var options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    try {
      clockFormat = new Intl.DateTimeFormat(document.documentElement.lang || "nl", Object.assign({ timeZone: zone }, options));
    } catch (e) {
      clockFormat = new Intl.DateTimeFormat(document.documentElement.lang || "nl", options);
    }
  }
  function serverNow() { return Date.now() + clockOffset; }
  function clockTime(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? "" : clockFormat.format(d);
  }
  // "< 1 min", "3 min", "1 h 5 min": how long since `iso`, by the server's clock.
  function waitText(iso) {
    var minutes = Math.max(0, Math.floor((serverNow() - Date.parse(iso)) / 60000));
    if (minutes < 1) { return strings.less_than_a_minute; }
    if (minutes < 60) { return format(strings.minutes, { n: minutes }); }
    return format(strings.hours_minutes, { h: Math.floor(minutes / 60), m: minutes % 60 });
  }
  // A span that keeps showing how long since `iso`; `template` holds {wait}.
  function waitSpan(iso, template, className) {
    var span = document.createElement("span");
    span.className = "wait " + (className || "");
    span.setAttribute("data-since", iso);
    span.setAttribute("data-template", template);
    span.textContent = format(template, { wait: waitText(iso) });
    return span;
  }
  function tick() {
    Array.prototype.forEach.call(document.querySelectorAll("#console [data-since]"), function (span) {
      span.textContent = format(span.getAttribute("data-template"), { wait: waitText(span.getAttribute("data-since")) });
    });
    checkAcuteWaiting();
  }
  syncClock(el("console").getAttribute("data-server-now"));
  useTimeZone(el("console").getAttribute("data-time-zone") || "Europe/Amsterdam");
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
        syncClock(frame.now);
        if (frame.time_zone) { useTimeZone(frame.time_zone); }
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
        Object.keys(chats).forEach(function (id) { stopSlowDown(id); resendPending(id); });
        break;
      case "duty":
        setDuty(frame.on);
        break;
      case "queue":
        syncClock(frame.now);
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
        var slow = slowed[frame.conversation];
        if (slow && slow.from === frame.id && !slow.timer) {
          delete slowed[frame.conversation];
          el("chat-notice").textContent = "";
        }
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
        if (frame.code === "slow_down" && frame.conversation && chats[frame.conversation]) {
          slowDown(frame);
        } else if (frame.id && frame.conversation && chats[frame.conversation] && frame.code !== "rate_limited" && frame.code !== "unavailable") {
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
      label.className = "queue-who";
      label.textContent = item.who;
      li.appendChild(label);
      li.appendChild(document.createTextNode(" · "));
      li.appendChild(waitSpan(item.waiting_since, strings.waiting_for));
      li.appendChild(document.createTextNode(" "));
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

  // The supervisor is alerted when an acute chat waits more than a minute
  // (VANGNET_ACUTE_ALERT_SECONDS).
  function checkAcuteWaiting() {
    if (!supervising) { return; }
    var late = waiting.some(function (item) {
      return item.acute && serverNow() - Date.parse(item.waiting_since) > acuteAlertMs;
    });
    el("acute-alert").textContent = late ? strings.acute_waiting : "";
    el("acute-alert").hidden = !late;
  }
  window.setInterval(tick, 5000);

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
      label.textContent = item.who + " · " + item.counsellor + " ";
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
      chat = chats[frame.conversation] = { lastSeq: 0, messages: [], pending: {}, unread: 0, waitingSince: null };
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
    if (frame.sender === "visitor") {
      // The wait for a reply runs from the first message the counsellor has not answered.
      if (!chat.waitingSince) { chat.waitingSince = frame.at; }
      if (frame.conversation !== current) { chat.unread += 1; }
    } else if (frame.sender === "counsellor") {
      chat.waitingSince = null;  // answered, so read
      chat.unread = 0;
    }
    if (frame.conversation === current) {
      appendMessage(frame);
      if (frame.sender === "visitor") { el("chat-typing").hidden = true; }
    }
    if (frame.system && frame.system.indexOf("ended") === 0) {
      chat.summary.status = "ended";
      chat.waitingSince = null;
      if (frame.conversation === current) { renderChat(); }
    }
    renderTabs();
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

  // The chat whose visitor has waited longest for a reply (of those that wait), or null.
  function longestWaiting() {
    var found = null;
    Object.keys(chats).forEach(function (id) {
      var chat = chats[id];
      if (!chat.waitingSince || chat.readingAlong || chat.summary.status === "ended") { return; }
      if (!found || Date.parse(chat.waitingSince) < Date.parse(chats[found].waitingSince)) { found = id; }
    });
    return found;
  }

  function renderTabs() {
    var tabs = el("chat-tabs");
    var focused = document.activeElement && document.activeElement.getAttribute("data-conversation");
    var longest = Object.keys(chats).length > 1 ? longestWaiting() : null;
    tabs.textContent = "";
    Object.keys(chats).forEach(function (id) {
      var chat = chats[id];
      var s = chat.summary;
      var tab = button("", function () { select(id); }, "chat-tab" + (chat.unread ? " has-new" : "") + (id === longest ? " longest" : ""));
      tab.setAttribute("data-conversation", id);
      var who = document.createElement("span");
      who.className = "tab-who";
      who.textContent = s.who +
        (chat.readingAlong ? " (" + strings.reading_along + ")" : "") +
        (s.status === "ended" ? " (" + strings.ended + ")" : "");
      tab.appendChild(who);
      // Separated by text, so the tab's accessible name reads as phrases, not run together.
      var part = function (node) { tab.appendChild(document.createTextNode(", ")); tab.appendChild(node); };
      if (chat.unread) {
        var unread = document.createElement("span");
        unread.className = "tab-unread";
        unread.textContent = format(strings.unread, { n: chat.unread });
        part(unread);
      }
      if (chat.waitingSince && s.status !== "ended" && !chat.readingAlong) {
        part(waitSpan(chat.waitingSince, strings.no_reply_for, "tab-wait"));
      }
      if (id === longest) {
        var mark = document.createElement("strong");
        mark.className = "tab-longest";
        mark.textContent = strings.waits_longest;
        part(mark);
      }
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-selected", id === current ? "true" : "false");
      tab.setAttribute("aria-controls", "chat-panel");
      tabs.appendChild(tab);
      if (focused === id) { tab.focus(); }
    });
    el("no-chat").hidden = Object.keys(chats).length > 0;
    announceLongest(longest);
  }

  // Said once when another chat becomes the one waiting longest (not at every tick).
  var announcedLongest = null;
  function announceLongest(id) {
    el("longest-go").hidden = !id || id === current;
    if (id === announcedLongest) { return; }
    announcedLongest = id;
    el("longest-status").textContent = id ? format(strings.longest_waiting, { who: chats[id].summary.who, wait: waitText(chats[id].waitingSince) }) : "";
  }

  function select(id) {
    current = id;
    chats[id].unread = 0;
    renderTabs();
    renderChat();
  }

  function renderChat() {
    var chat = chats[current];
    if (!chat) { return; }
    var s = chat.summary;
    el("chat-panel").hidden = false;
    el("chat-title").textContent = s.who;
    renderSavedReplies(s.language === "en" ? "en" : "nl");
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
      who.textContent = m.sender === "visitor" ? strings.visitor : m.author;
      var at = document.createElement("time");
      at.setAttribute("datetime", m.at);
      at.textContent = clockTime(m.at);
      who.appendChild(document.createTextNode(" · "));
      who.appendChild(at);
      text.textContent = m.text; // never as markup
    }
    li.appendChild(who);
    li.appendChild(text);
    el("chat-log").appendChild(li);
    li.scrollIntoView({ block: "end" });
  }

  // The server is very busy: the message stays pending and goes again after `retry_after`
  // (with jitter), with every message after it in that chat, in order.
  function slowDown(frame) {
    var slow = slowed[frame.conversation];
    if (slow && slow.timer) { return; } // a later one of the same round: covered
    var wait = (Number(frame.retry_after) || 1) * 1000 * (1 + 0.5 * Math.random());
    slowed[frame.conversation] = {
      from: frame.id,
      timer: window.setTimeout(function () { resendSlowedDown(frame.conversation); }, wait)
    };
  }
  function resendSlowedDown(id) {
    slowed[id].timer = null;
    resendPending(id, slowed[id].from);
  }
  function stopSlowDown(id) {
    if (slowed[id]) { window.clearTimeout(slowed[id].timer); delete slowed[id]; }
  }

  // A chat's pending messages, in order: all of them, or from `fromId` on while it is pending.
  function resendPending(id, fromId) {
    var chat = chats[id];
    if (!chat) { return; }
    var ids = Object.keys(chat.pending);
    ids.slice(Math.max(0, ids.indexOf(fromId))).forEach(function (msgId) {
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

  // --- saved replies --------------------------------------------------------------------------
  // Texts of the organisation, in the visitor's chat language: inserted in the message box
  // (with a click, or Alt+Shift+number) where the counsellor can change them before sending.
  function renderSavedReplies(language) {
    var list = el("reply-list");
    list.textContent = "";
    savedReplies.forEach(function (reply, index) {
      var li = document.createElement("li");
      var b = button(reply.title[language], function () { insertReply(index); }, "secondary reply-button");
      if (index < 9) {
        var key = document.createElement("kbd");
        key.textContent = "Alt+Shift+" + (index + 1);
        key.setAttribute("aria-hidden", "true");
        b.appendChild(document.createTextNode(" "));
        b.appendChild(key);
        b.setAttribute("aria-keyshortcuts", "Alt+Shift+" + (index + 1));
      }
      b.setAttribute("data-reply", reply.key || String(reply.id));
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  function insertReply(index) {
    var reply = savedReplies[index];
    var box = el("message");
    if (!reply || !current || el("send-form").hidden) { return; }
    var language = chats[current].summary.language === "en" ? "en" : "nl";
    var text = reply.text[language];
    var start = box.selectionStart, end = box.selectionEnd;
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = start + text.length;
    // Emptied first, so a second insertion is announced again.
    el("reply-status").textContent = "";
    window.setTimeout(function () { el("reply-status").textContent = strings.reply_inserted; }, 50);
  }

  document.addEventListener("keydown", function (event) {
    var match = /^Digit([1-9])$/.exec(event.code || "");
    if (!match || !event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) { return; }
    event.preventDefault();
    insertReply(parseInt(match[1], 10) - 1);
  });

  // --- actions ------------------------------------------------------------------------------
  el("longest-go").addEventListener("click", function () {
    var id = longestWaiting();
    if (id) { select(id); el("message").focus(); }
  });
  el("duty-button").addEventListener("click", function () { send({ type: "duty", on: !onDuty }); });
  el("send-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = el("message").value.trim();
    if (!text || !current) { return; }
    var id = newId();
    chats[current].pending[id] = text;
    var waitingForResend = slowed[current] && slowed[current].timer;
    if (!waitingForResend) {
      el("chat-notice").textContent = "";
      send({ type: "send", conversation: current, id: id, text: text });
    } // else it goes after the refused one

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
