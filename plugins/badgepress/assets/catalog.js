/*
 * Badgepress catalog filters (progressive enhancement).
 *
 * The catalog page (templates/badgepress/catalog.html) renders every badge
 * card and a filter form that stays hidden without JavaScript. This script
 * shows the form, hides the cards that do not match every chosen filter,
 * announces how many remain in the aria-live count, and mirrors the filters
 * in the address (?type=…&tag=…&framework=…) so a filtered view can be shared.
 *
 * It is loaded on every page: with Material's instant navigation a page
 * change does not reload scripts, so it starts on each page through
 * page.js (Material's `document$`, else DOMContentLoaded). Nothing is fetched.
 */
(function () {
  "use strict";

  // card data attribute holding a JSON list (or a plain string) → select's data-bp-facet
  var KEYS = { type: "type", tags: "tags", frameworks: "frameworks" };

  function values(card, key) {
    var raw = card.getAttribute("data-" + key);
    if (raw === null || raw === "") return [];
    if (key === "type") return [raw];
    try {
      var parsed = JSON.parse(raw);
      return Array.isArray(parsed) ? parsed.map(String) : [];
    } catch (err) {
      return [];
    }
  }

  function hasOption(select, value) {
    return Array.prototype.some.call(select.options, function (o) {
      return o.value === value;
    });
  }

  function start() {
    var form = document.querySelector("form[data-bp-filters]");
    if (!form || form.getAttribute("data-bp-ready") === "1") return;
    form.setAttribute("data-bp-ready", "1");

    var cards = Array.prototype.slice.call(document.querySelectorAll("[data-bp-card]"));
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-bp-facet]"));
    var count = document.getElementById("bp-count");
    var empty = document.querySelector("[data-bp-empty]");
    var clear = document.querySelector("[data-bp-clear]");
    var total = cards.length;

    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      var wanted = params.get(select.name);
      if (wanted !== null && hasOption(select, wanted)) select.value = wanted;
    });

    function apply(remember) {
      var chosen = selects
        .filter(function (s) {
          return s.value !== "" && KEYS[s.getAttribute("data-bp-facet")];
        })
        .map(function (s) {
          return { key: s.getAttribute("data-bp-facet"), value: s.value };
        });
      var shown = 0;
      cards.forEach(function (card) {
        var match = chosen.every(function (c) {
          return values(card, c.key).indexOf(c.value) !== -1;
        });
        card.hidden = !match;
        if (match) shown += 1;
      });
      var noun = total === 1 ? "badge" : "badges";
      if (count) {
        count.textContent = chosen.length
          ? "Showing " + shown + " of " + total + " " + noun
          : total + " " + noun;
      }
      if (empty) empty.hidden = shown !== 0;
      if (remember && window.history && window.history.replaceState) {
        var url = new URL(window.location.href);
        selects.forEach(function (s) {
          if (s.value) url.searchParams.set(s.name, s.value);
          else url.searchParams.delete(s.name);
        });
        window.history.replaceState(window.history.state, "", url.toString());
      }
    }

    form.addEventListener("change", function () {
      apply(true);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply(true);
    });
    form.addEventListener("reset", function () {
      // the form's values change after the reset event
      window.setTimeout(function () {
        apply(true);
      }, 0);
    });
    if (clear) {
      clear.addEventListener("click", function () {
        form.reset();
        if (selects.length) selects[0].focus();
      });
    }

    form.hidden = false;
    apply(false);
  }

  window.badgepress.onPage(start);
})();
