/*
 * Badgepress share buttons (progressive enhancement).
 *
 * A credential page (templates/badgepress/credential.html) has a read-only
 * field with its address, and links to post it on LinkedIn and to send it by
 * email, which work without JavaScript. This script shows the "Copy link"
 * button, which copies the address to the clipboard and says so in a live
 * region (and on the button) for a few seconds. Where the clipboard cannot be
 * written (an insecure context, a refused permission), it selects the address
 * in its field so that it can be copied by hand, and says that instead.
 *
 * Loaded on every page, started by page.js. Nothing is fetched, nothing
 * from a third party runs.
 */
(function () {
  "use strict";

  var SHOWN_MS = 4000;

  function say(button, status, text) {
    status.textContent = text;
    button.querySelector("[data-bp-copy-text]").textContent = text;
    window.clearTimeout(Number(button.getAttribute("data-bp-timer")) || 0);
    var timer = window.setTimeout(function () {
      button.querySelector("[data-bp-copy-text]").textContent = button.getAttribute("data-bp-text");
      status.textContent = "";
    }, SHOWN_MS);
    button.setAttribute("data-bp-timer", String(timer));
  }

  function byHand(field, button, status) {
    if (field) {
      field.focus();
      field.select();
    }
    say(button, status, "Press Ctrl+C (⌘C) to copy");
  }

  function start() {
    var buttons = document.querySelectorAll("button[data-bp-copy]");
    Array.prototype.forEach.call(buttons, function (button) {
      if (button.getAttribute("data-bp-ready") === "1") return;
      button.setAttribute("data-bp-ready", "1");
      var field = document.getElementById(button.getAttribute("data-bp-copy"));
      var status = document.getElementById(button.getAttribute("aria-describedby"));
      var text = button.querySelector("[data-bp-copy-text]");
      if (!field || !status || !text) return;
      button.setAttribute("data-bp-text", text.textContent);
      button.addEventListener("click", function () {
        var value = field.value;
        if (!navigator.clipboard || !window.isSecureContext) {
          byHand(field, button, status);
          return;
        }
        navigator.clipboard.writeText(value).then(
          function () {
            say(button, status, "Link copied");
          },
          function () {
            byHand(field, button, status);
          }
        );
      });
      button.hidden = false;
    });
  }

  window.badgepress.onPage(start);
})();
