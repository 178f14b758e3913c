"use strict";
// The programme's search field (templates/roundtable/event.html) filters as the visitor types:
// an item stays when every word typed is in what it is found by (its `data-search`: titles and
// speakers' names in every language, case folded, as roundtable/programme_search.py builds it).
// Without this script the form sends ?q= and the server filters the same way.
(function () {
    const form = document.querySelector("[data-programme-filter]");
    if (!form) {
        return;
    }
    const field = form.querySelector("input[name=q]");
    const result = form.querySelector("[data-programme-filter-result]");
    const items = Array.from(document.querySelectorAll(".programme-list > li[data-search]"));
    const phrases = {};
    form.querySelectorAll("[data-phrase]").forEach(function (element) {
        phrases[element.dataset.phrase] = element.textContent;
    });
    const plurals = new Intl.PluralRules(document.documentElement.lang || undefined);

    function normalised(text) {
        return text.toLowerCase().split(/\s+/).filter(Boolean);
    }

    function filter() {
        const words = normalised(field.value);
        let found = 0;
        items.forEach(function (item) {
            const shown = words.every(function (word) { return item.dataset.search.includes(word); });
            item.hidden = !shown;
            found += shown ? 1 : 0;
        });
        if (words.length === 0) {
            result.textContent = "";
            return;
        }
        const phrase = phrases["found_" + plurals.select(found)] || phrases.found_other;
        result.textContent = phrase.replace("{n}", String(found));
    }

    form.addEventListener("submit", function (event) {
        event.preventDefault();
        filter();
    });
    field.addEventListener("input", filter);
    if (field.value) {
        filter();
    }
}());
