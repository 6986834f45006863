// Attunement: copy the session summary (plain text) to the clipboard in one click.
// Our own code (not vendored from elsewhere); loaded as a file, so the CSP stays
// `script-src 'self'` with no inline script. The button names the summary's URL in
// data-copy-summary; the text is fetched with the session cookie and copied. Where the
// clipboard is refused, the text is shown selected in the page to copy by hand.
(function () {
  "use strict";

  function say(container, message) {
    var out = container.querySelector("[data-copy-result]");
    if (out) { out.textContent = message; }
  }

  function showText(container, text) {
    var area = container.querySelector("textarea");
    if (!area) {
      area = document.createElement("textarea");
      area.readOnly = true;
      area.rows = 12;
      area.className = "copy-fallback";
      area.setAttribute("aria-label", "Session summary");
      container.appendChild(area);
    }
    area.value = text;
    area.hidden = false;
    area.focus();
    area.select();
  }

  async function copy(button) {
    var container = button.closest("[data-copy-box]") || button.parentNode;
    say(container, "Copying…");
    var response;
    try {
      response = await fetch(button.getAttribute("data-copy-summary"), {
        credentials: "same-origin",
        headers: { "Accept": "text/plain" }
      });
    } catch (err) {
      say(container, "The summary could not be fetched; try again.");
      return;
    }
    if (!response.ok) {
      say(container, "The summary could not be fetched (" + response.status + ").");
      return;
    }
    var text = await response.text();
    container.setAttribute("data-summary-text", "ready");
    try {
      await navigator.clipboard.writeText(text);
      say(container, "Copied — paste it into the clinical record.");
    } catch (err) {
      showText(container, text);
      say(container, "Copying is blocked here: the summary is selected below, press Ctrl+C.");
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-summary]");
    if (button) {
      event.preventDefault();
      copy(button);
    }
  });
})();
