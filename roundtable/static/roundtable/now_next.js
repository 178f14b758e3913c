"use strict";
// The "Now and next" block (templates/roundtable/now_next.html): what is on now and what comes next,
// worked out again every half minute from the moments the page carries, so a page left open on
// the day keeps up without a reload. The rules are roundtable/now_next.py's: an item is on from
// its start until just before its end; the next one says "in N minutes" within the hour; before the first item the block says when the round table begins, after the
// last that it has ended. The sentences come from the page, in its language.
(function () {
    const INTERVAL = 30 * 1000;
    const COUNTDOWN_MINUTES = 60;
    const ZONE = "Asia/Almaty";

    function almatyDate(moment) {
        // "2025-05-23": the day in Almaty, as the programme's moments write it.
        return new Intl.DateTimeFormat("en-CA", {
            timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit",
        }).format(moment);
    }

    function hhmm(isoMoment) {
        // The programme's own time of day: "10:20" of "2025-05-23T10:20:00+05:00".
        return isoMoment.slice(11, 16);
    }

    function setUp(block) {
        const phrases = {};
        block.querySelectorAll("[data-phrase]").forEach(function (element) {
            phrases[element.dataset.phrase] = element.textContent;
        });
        const slots = Array.from(block.querySelectorAll(".now-next-slots li"), function (li) {
            return {
                label: li.textContent,
                href: li.dataset.href,
                starts: li.dataset.starts,
                ends: li.dataset.ends,
                startsAt: new Date(li.dataset.starts),
                endsAt: new Date(li.dataset.ends),
            };
        });
        if (slots.length === 0) {
            return;
        }
        const plurals = new Intl.PluralRules(document.documentElement.lang || undefined);
        const status = block.querySelector("[data-now-next-status]");
        const rows = {
            now: block.querySelector('[data-now-next-row="now"]'),
            next: block.querySelector('[data-now-next-row="next"]'),
        };

        function inMinutes(minutes) {
            const phrase = phrases["in_minutes_" + plurals.select(minutes)] ||
                phrases.in_minutes_other;
            return phrase.replace("{n}", String(minutes));
        }

        function onItsDay(slot, now) {
            return almatyDate(now) === slot.starts.slice(0, 10);
        }

        function fill(row, slot, time, countdown) {
            row.hidden = !slot;
            if (!slot) {
                return;
            }
            const label = row.querySelector("[data-now-next-label]");
            label.textContent = slot.label;
            label.href = slot.href;
            row.querySelector("[data-now-next-time]").textContent = time;
            const countdownElement = row.querySelector("[data-now-next-countdown]");
            if (countdownElement) {
                countdownElement.textContent = countdown;
            }
        }

        function update() {
            const now = new Date();
            const current = slots.find(function (slot) {
                return slot.startsAt <= now && now < slot.endsAt;
            }) || null;
            const following = slots.find(function (slot) { return slot.startsAt > now; }) || null;
            let countdown = "";
            if (following) {
                const minutes = Math.ceil((following.startsAt - now) / 60000);
                if (minutes <= COUNTDOWN_MINUTES) {
                    countdown = inMinutes(minutes);
                }
            }
            let sentence = "";
            if (!current && !following) {
                sentence = phrases.ended;
            } else if (!current && following === slots[0]) {
                sentence = onItsDay(following, now) ? phrases.begins_today : phrases.begins_on;
            }
            status.textContent = sentence;
            status.hidden = !sentence;
            fill(rows.now, current, current ? hhmm(current.starts) + "–" + hhmm(current.ends) : "");
            fill(rows.next, following, following ? hhmm(following.starts) : "", countdown);
            block.dataset.phase = current ? "during" : !following ? "ended" :
                following === slots[0] ? "before" : "between";
        }

        function noteAnotherZone() {
            // The times are Almaty's; a visitor whose device keeps another zone is told the
            // first item's start by their own clock.
            const note = block.querySelector("[data-local-time-note]");
            const first = slots[0].startsAt;
            const local = String(first.getHours()).padStart(2, "0") + ":" +
                String(first.getMinutes()).padStart(2, "0");
            if (note && local !== hhmm(slots[0].starts)) {
                note.textContent = phrases.another_zone.replace("{time}", local);
                note.hidden = false;
            }
        }

        update();
        noteAnotherZone();
        window.setInterval(update, INTERVAL);
    }

    document.querySelectorAll("[data-now-next]").forEach(setUp);
}());
