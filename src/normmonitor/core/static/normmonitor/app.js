/* Normmonitor: small accessibility helpers. Every page works without this file; it only moves
   focus and announces changes the way a screen reader or keyboard user needs them.

   - On a page with an error summary, focus moves to the summary, so it is read out first.
   - After htmx replaces a part of the page that held the focus (saving one item of the
     fill-in page), focus goes to the first field with an error, else back to the part's submit
     button: it is never lost to the top of the page.
   - A status message in the new part ("Saved.") is read out through a live region that
     exists from the start (#nm-announcer), because a newly inserted one is often not. */
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("nm-announcer");
    if (!region || !text) {
      return;
    }
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  });

  // A link in the error summary puts the focus in the field itself (a fragment link only
  // scrolls), with the field's label or legend in view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    var container = field.closest("fieldset, .utrecht-form-field, .field") || field;
    container.scrollIntoView();
    field.focus({ preventScroll: true });
  });

  var pending = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.id) {
      pending = null;
      return;
    }
    pending = {
      id: target.id,
      old: target,
      hadFocus: target.contains(document.activeElement),
    };
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) {
      return;
    }
    var swapped = document.getElementById(pending.id);
    if (!swapped) {
      pending = null;
      return;
    }
    if (swapped === pending.old && !swapped.isConnected) {
      return; // not this swap yet (an out-of-band part settled first)
    }
    var info = pending;
    pending = null;

    var status = swapped.querySelector("[role='status']");
    if (status) {
      announce(status.textContent.replace(/\s+/g, " ").trim());
    }
    var active = document.activeElement;
    if (!info.hadFocus || (active && active !== document.body && swapped.contains(active))) {
      return;
    }
    var problem = swapped.querySelector(
      "[aria-invalid='true'], .field--invalid input, .field--invalid textarea, .field--invalid select, [role='alert']"
    );
    var next = problem || swapped.querySelector("button[type='submit'], input[type='submit'], button:not([type])");
    if (!next) {
      return;
    }
    if (!next.matches("a[href], button, input, select, textarea") && !next.hasAttribute("tabindex")) {
      next.setAttribute("tabindex", "-1");
    }
    next.focus();
  });
})();
