// Quick exit (after GOV.UK "Exit this page"): the button or Shift pressed three times
// blanks the page, ends an open chat, forgets its token and replaces this history entry.
(function () {
  "use strict";
  var SHIFT_WINDOW_MS = 1000;
  var shiftTimes = [];

  function exitNow(url) {
    document.documentElement.classList.add("exiting");
    try {
      window.dispatchEvent(new CustomEvent("vangnet:quick-exit"));
      window.sessionStorage.clear();
    } catch (e) { /* storage may be disabled; leave anyway */ }
    document.title = "";
    if (document.body) { document.body.innerHTML = ""; }
    window.location.replace(url);
  }

  function exitUrl() {
    var link = document.getElementById("quick-exit");
    return (link && link.getAttribute("data-exit-url")) || "about:blank";
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("#quick-exit") : null;
    if (target) {
      event.preventDefault();
      exitNow(exitUrl());
    }
  });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { shiftTimes = []; return; }
    var now = Date.now();
    shiftTimes = shiftTimes.filter(function (t) { return now - t < SHIFT_WINDOW_MS; });
    shiftTimes.push(now);
    if (shiftTimes.length >= 3) { shiftTimes = []; exitNow(exitUrl()); }
  });
})();
