/*
 * Badgepress accessibility fixes to Material's chrome (progressive enhancement).
 *
 * - A skip link on every page: Material draws one only when a page's
 *   Markdown has a heading, so the generated pages (catalog, credential,
 *   learner record, verification…) have none and a keyboard user tabs
 *   through the header and the tabs first. It leads to the page's content.
 * - Material's search dialog (role="dialog") gets an accessible name.
 *
 * Loaded on every page, started by page.js. Nothing is fetched.
 */
(function () {
  "use strict";

  function start() {
    var content = document.querySelector(".md-content__inner");
    var holder = document.querySelector("[data-md-component='skip']");
    if (content && holder && !holder.querySelector("a")) {
      if (!content.id) content.id = "bp-content";
      content.setAttribute("tabindex", "-1");
      var skip = document.createElement("a");
      skip.className = "md-skip";
      skip.href = "#" + content.id;
      skip.textContent = "Skip to content";
      holder.appendChild(skip);
    }
    var search = document.querySelector(".md-search[role='dialog']");
    if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Search");
  }

  window.badgepress.onPage(start);
})();
