/* Attunement: clinical forms that do not lose what was typed (issue 12). Written for this
   project; no inline script is needed (CSP default-src 'self').
   1. Enter in a field of a clinic form moves to the next field instead of submitting a
      half-filled form (a form marked data-enter-submits, e.g. sign-in, keeps Enter).
   2. Before the idle sign-in limit (body[data-idle-seconds]) a warning offers to stay
      signed in (GET /session/keep-alive); after it, the page says the entries will be kept.
   3. On a form opened with ?draft=<id> (after signing in again), the kept entries are
      filled back in from GET /drafts/<id>, with a message saying so. */
(function () {
  "use strict";

  var WARN_BEFORE_MS = 2 * 60 * 1000;

  function guardedForms() {
    return Array.prototype.filter.call(document.querySelectorAll("form"), function (form) {
      return (form.method || "").toLowerCase() === "post" &&
        form.querySelector("input[name='form_token']") !== null &&
        !form.hasAttribute("data-enter-submits");
    });
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.type !== "hidden" && !el.disabled && el.tabIndex !== -1 &&
        typeof el.focus === "function";
    });
  }

  function guardEnter(form) {
    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key !== "Enter" || event.isComposing || !target || !target.form) { return; }
      var tag = target.tagName.toLowerCase();
      var type = (target.type || "").toLowerCase();
      if (tag === "textarea" || tag === "button" || type === "submit" || type === "button") {
        return;
      }
      event.preventDefault();
      var fields = fieldsOf(form);
      var index = fields.indexOf(target);
      if (type === "radio") {  // skip the rest of this radio group
        while (index + 1 < fields.length && fields[index + 1].name === target.name) { index += 1; }
      }
      if (index >= 0 && index + 1 < fields.length) { fields[index + 1].focus(); }
    });
  }

  function banner(id, kind) {
    var box = document.getElementById(id);
    if (box) { return box; }
    box = document.createElement("div");
    box.id = id;
    box.className = "alert " + kind + " idle-warning";
    box.setAttribute("role", "alert");
    var main = document.getElementById("main") || document.body;
    main.insertBefore(box, main.firstChild);
    return box;
  }

  function watchIdle() {
    var seconds = parseInt(document.body.getAttribute("data-idle-seconds") || "", 10);
    if (!seconds || seconds <= 0) { return; }
    var limit = seconds * 1000;
    var warnTimer = null;
    var endTimer = null;

    function showWarning() {
      var box = banner("idle-warning", "alert-warning");
      box.textContent = "";
      var text = document.createElement("p");
      text.textContent = "Your sign-in ends in about " + Math.round(Math.min(WARN_BEFORE_MS, limit) / 60000) +
        " minutes without activity. Anything typed on this page is kept if it ends.";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button-secondary";
      button.textContent = "Stay signed in";
      button.addEventListener("click", function () {
        fetch("/session/keep-alive", { credentials: "same-origin", cache: "no-store" })
          .then(function (response) {
            if (response.status === 204) { box.remove(); start(); } else { showEnded(); }
          })
          .catch(function () { /* offline: the next save keeps the form as a draft */ });
      });
      box.appendChild(text);
      box.appendChild(button);
    }

    function showEnded() {
      var box = banner("idle-warning", "alert-warning");
      box.textContent = "";
      var text = document.createElement("p");
      text.textContent = "Your sign-in has ended after a period of inactivity. Save as usual: " +
        "you will be asked to sign in again and come back to this form with your entries kept.";
      box.appendChild(text);
    }

    function start() {
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      warnTimer = window.setTimeout(showWarning, Math.max(0, limit - WARN_BEFORE_MS));
      endTimer = window.setTimeout(showEnded, limit);
    }
    start();
  }

  function setField(form, name, value, seen) {
    var fields = form.querySelectorAll("[name='" + name.replace(/(['\\])/g, "\\$1") + "']");
    Array.prototype.forEach.call(fields, function (el) {
      var type = (el.type || "").toLowerCase();
      if (type === "hidden") { return; }
      if (type === "radio" || type === "checkbox") {
        if (!seen[name]) { el.checked = false; }
        if (el.value === value) { el.checked = true; }
      } else {
        el.value = value;
      }
    });
    seen[name] = true;
  }

  function restoreDraft() {
    var draft = new URLSearchParams(window.location.search).get("draft");
    var form = guardedForms().filter(function (f) {
      return new URL(f.action, window.location.href).pathname === window.location.pathname;
    })[0];
    if (!draft || !form) { return; }
    fetch("/drafts/" + encodeURIComponent(draft), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (kept) {
        var box = banner("draft-restored", kept ? "alert-info" : "alert-warning");
        var text = document.createElement("p");
        if (!kept) {
          text.textContent = "The entries kept when your sign-in expired are no longer available.";
        } else {
          var seen = {};
          kept.fields.forEach(function (pair) { setField(form, pair[0], pair[1], seen); });
          text.textContent = "Your sign-in had expired when you saved, so nothing was saved yet. " +
            "Your entries were kept and are filled in below: check them and save again.";
        }
        box.setAttribute("role", "status");
        box.appendChild(text);
      });
  }

  function init() {
    guardedForms().forEach(guardEnter);
    watchIdle();
    restoreDraft();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
