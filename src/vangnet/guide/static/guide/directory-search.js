// Directory search: the browser maps the postcode to its region itself (the table in
// postcode-regions.json, made from vangnet.guide.regions) and asks for
// /help/?need=…&audience=…&region=NH-ZH. The postcode never leaves the browser, and the answer
// is the same for everyone in that region, so nginx may keep it for a few seconds.
// Without this script (or if the table cannot be loaded) the form sends the postcode and the
// server maps it with the same table.
// The results page of a region search shows the postcode the visitor typed (kept in this
// tab's sessionStorage, which quick exit clears), so they can change or clear it as before.
(function () {
  "use strict";
  var POSTCODE_MAX_LENGTH = 7;  // as the server's form
  var KEPT = "vangnet:directory-postcode";
  var form = document.querySelector("form.directory-search");
  if (!form || !window.fetch || !window.URLSearchParams) { return; }

  var table = null;
  var loading = window.fetch(form.getAttribute("data-regions"), { credentials: "omit" })
    .then(function (answer) {
      if (!answer.ok) { throw new Error("no postcode table"); }
      return answer.json();
    })
    .then(function (doc) {
      table = { pattern: new RegExp(doc.pattern), areas: doc.areas };
      return table;
    });
  loading.catch(function () { /* the form then sends the postcode, as without JavaScript */ });

  function keep(postcode) {
    try {
      if (postcode) { window.sessionStorage.setItem(KEPT, postcode); }
      else { window.sessionStorage.removeItem(KEPT); }
    } catch (e) { /* storage may be disabled: the page then shows an empty postcode */ }
  }

  function kept() {
    try { return window.sessionStorage.getItem(KEPT) || ""; } catch (e) { return ""; }
  }

  function regionOf(regions, postcode) {
    var match = postcode.length <= POSTCODE_MAX_LENGTH ? regions.pattern.exec(postcode) : null;
    return match ? regions.areas[match[1].slice(0, 2)] || null : null;
  }

  function value(name) {
    var field = form.elements.namedItem(name);
    return field && typeof field.value === "string" ? field.value : "";
  }

  // The server's message for a wrong postcode, rendered hidden into the page in the visitor's
  // language, so this script needs no translations of its own.
  function postcodeProblem(shown) {
    var input = document.getElementById("id_postcode");
    var message = document.getElementById("id_postcode_check");
    if (!input || !message) { return; }
    message.hidden = !shown;
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== "id_postcode_check";
    });
    if (shown) {
      described.push("id_postcode_check");
      input.setAttribute("aria-invalid", "true");
      input.focus();
    } else if (!document.getElementById("id_postcode_error")) {
      input.removeAttribute("aria-invalid");
    }
    input.setAttribute("aria-describedby", described.join(" "));
  }

  // The canonical search address (the server's DirectoryForm.canonical_query): need,
  // audience, then the chosen province or else the postcode's region; null for a postcode
  // that is not Dutch.
  function searchUrl(regions) {
    var params = new URLSearchParams();
    params.set("need", value("need"));
    params.set("audience", value("audience"));
    var province = value("province");
    var postcode = value("postcode").trim();
    if (province) {
      params.set("province", province);
    } else if (postcode) {
      var region = regionOf(regions, postcode);
      if (!region) { return null; }
      params.set("region", region);
    }
    return window.location.pathname + "?" + params.toString();
  }

  function search(regions) {
    var url = searchUrl(regions);
    if (url === null) {
      postcodeProblem(true);
      return;
    }
    postcodeProblem(false);
    keep(value("province") ? "" : value("postcode").trim());
    window.location.assign(url);
  }

  // A region search of this tab: show the postcode it was made with, if it is that region's.
  var shown = new URLSearchParams(window.location.search);
  var input = document.getElementById("id_postcode");
  if (shown.get("region") && !shown.has("postcode") && input && !input.value && kept()) {
    loading.then(function (regions) {
      if (!input.value && regionOf(regions, kept()) === shown.get("region")) {
        input.value = kept();
      }
    }, function () { /* no table: nothing to check the kept postcode against */ });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (table !== null) {
      search(table);
      return;
    }
    // The table is still on its way (or failed): wait for it, or else let the server map.
    loading.then(search, function () { form.submit(); });
  });
}());
