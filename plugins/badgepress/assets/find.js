/*
 * Badgepress "Find my badge" (progressive enhancement).
 *
 * The /find/ page (templates/badgepress/find.html, only with `findable: true`)
 * carries the published earners as JSON: shown name, badge, date, page. This
 * script shows the name field and lists the credentials whose shown name
 * holds every word typed (ignoring case, accents and full stops), as links
 * built with textContent, never as HTML. Nothing is fetched or sent.
 *
 * Loaded on every page, started by page.js.
 */
(function () {
  "use strict";

  var LIMIT = 50;

  function fold(text) {
    return String(text)
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[.,]/g, " ")
      .split(/\s+/)
      .filter(Boolean);
  }

  function matches(words, query) {
    return query.every(function (q) {
      return words.some(function (w) {
        return w.indexOf(q) === 0;
      });
    });
  }

  function start() {
    var form = document.querySelector("form[data-bp-find]");
    var holder = document.getElementById("bp-find-data");
    if (!form || !holder || form.getAttribute("data-bp-ready") === "1") return;
    form.setAttribute("data-bp-ready", "1");
    var earners;
    try {
      earners = JSON.parse(holder.textContent);
    } catch (err) {
      return;
    }
    earners.forEach(function (e) {
      e.words = fold(e.name);
    });
    var input = document.getElementById("bp-find-name");
    var list = document.getElementById("bp-find-results");
    var count = document.getElementById("bp-find-count");
    var base = list.getAttribute("data-bp-base") || "";

    function show() {
      var query = fold(input.value);
      list.textContent = "";
      if (!query.length || query.join("").length < 2) {
        count.textContent = "";
        return;
      }
      var found = earners.filter(function (e) {
        return matches(e.words, query);
      });
      found.slice(0, LIMIT).forEach(function (e) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = base + e.page;
        link.textContent = e.name + ": " + e.badge;
        var when = document.createElement("span");
        when.className = "bp-muted bp-small";
        when.textContent = " awarded " + e.issued.text;
        item.appendChild(link);
        item.appendChild(when);
        list.appendChild(item);
      });
      if (!found.length) count.textContent = "No badge found for that name.";
      else if (found.length > LIMIT) count.textContent = found.length + " found; the first " + LIMIT + " are shown. Type more of the name.";
      else count.textContent = found.length === 1 ? "1 badge found." : found.length + " badges found.";
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      show();
    });
    input.addEventListener("input", show);
    form.hidden = false;
    var asked = new URL(window.location.href).searchParams.get("name");
    if (asked) {
      input.value = asked;
      show();
    }
  }

  window.badgepress.onPage(start);
})();
