// Quick exit (after GOV.UK "Exit this page"): the button or Shift pressed three times
// blanks the page, ends an open chat, forgets its token and replaces this history entry.
// Contract with the chat: a "vangnet:quick-exit" window event, then sessionStorage is cleared.
(function () {
  "use strict";
  // As GOV.UK: three Shift presses within 5 seconds; any other key in between starts over,
  // so typing capital letters in the chat never sends anyone away.
  var SHIFT_WINDOW_MS = 5000;
  var shiftTimes = [];
  var leaving = false;

  function announce(key) {
    var status = document.getElementById("quick-exit-status");
    if (status) { status.textContent = key ? (status.getAttribute("data-" + key) || "") : ""; }
  }

  function exitNow(url) {
    if (leaving) { return; }
    leaving = true;
    // Hide everything first, so nothing stays readable while the next page loads.
    document.documentElement.classList.add("exiting");
    try {
      window.dispatchEvent(new CustomEvent("vangnet:quick-exit"));
    } catch (e) { /* an old browser without CustomEvent: leave anyway */ }
    try {
      window.sessionStorage.clear();
    } catch (e) { /* storage may be disabled; leave anyway */ }
    document.title = "";
    if (document.body) { document.body.innerHTML = ""; }
    // replace(): the back button does not lead back to this page.
    window.location.replace(url);
  }

  function exitUrl() {
    var link = document.getElementById("quick-exit");
    return (link && link.getAttribute("data-exit-url")) || "about:blank";
  }

  document.addEventListener("click", function (event) {
    var target = event.target && event.target.closest ? event.target.closest("#quick-exit") : null;
    if (target) {
      event.preventDefault();
      exitNow(exitUrl());
    }
  });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      if (shiftTimes.length) { shiftTimes = []; announce(""); }
      return;
    }
    var now = Date.now();
    shiftTimes = shiftTimes.filter(function (t) { return now - t < SHIFT_WINDOW_MS; });
    shiftTimes.push(now);
    if (shiftTimes.length >= 3) {
      shiftTimes = [];
      announce("leaving");
      exitNow(exitUrl());
    } else {
      announce(shiftTimes.length === 1 ? "two-more" : "one-more");
    }
  });

  // A page restored from the back/forward cache after an exit must not show again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.documentElement.classList.contains("exiting")) {
      window.location.replace(exitUrl());
    }
  });
})();
