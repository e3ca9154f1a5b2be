/*
 * How Badgepress' page scripts start: window.badgepress.onPage(start) runs
 * `start` on each page, once the document is ready and again after each of
 * Material's instant navigations (it announces new pages on document$).
 * Loaded first, on every page, before catalog.js, share.js, a11y.js and find.js.
 */
(function () {
  var badgepress = (window.badgepress = window.badgepress || {});
  badgepress.onPage = function (start) {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(start);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  };
})();
