"use strict";
// The timeline editor of a round table's day (templates/admin/roundtable/roundtable/timeline.html,
// rules in roundtable/timeline.py). Draws one column per room from the day's JSON, a block per
// item as tall as it is long; a block moves with the pointer (its bottom edge changes its end) or
// with the keys, snapping to the 5-minute grid, and says while it moves what it would overlap in
// its room and who it would put in two rooms at once. A move is saved by the server, which applies
// the same rules and answers with the day as it is now and the move that undoes it; a refusal
// comes with its message and, for a double booking, the nearest free time as a button. Items with
// no time yet wait above the grid, to be dragged onto a column or placed with the keys. Coming
// back to the page reads the day again from the data endpoint.
(function () {
    const PX_PER_MINUTE = 3;

    function setUp(root) {
        const phrases = JSON.parse(document.getElementById("timeline-phrases").textContent);
        const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
        const moveUrl = root.dataset.moveUrl;
        const part = function (name) {
            return root.querySelector('[data-timeline="' + name + '"]');
        };
        const grid = part("grid");
        const status = part("status");
        const undoButton = part("undo");
        const saveButton = part("save");
        const alertBox = part("alert");
        let day = JSON.parse(document.getElementById("timeline-day").textContent);
        let undos = [];
        let pending = null; // a keyboard move not yet saved: {id, start, end, room}
        let busy = false;

        function say(phrase, values) {
            return phrase.replace(/\{(\w+)\}/g, function (whole, name) {
                return values[name] === undefined ? whole : String(values[name]);
            });
        }

        function hhmm(minutes) {
            const h = Math.floor(minutes / 60);
            const m = minutes % 60;
            return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m;
        }

        function item(id) {
            return day.items.find(function (it) { return it.id === id; });
        }

        function untimedItem(id) {
            return day.untimed.find(function (it) { return it.id === id; });
        }

        function roomIndex(room) {
            return day.rooms.findIndex(function (r) { return r.id === room; });
        }

        function roomName(room) {
            return day.rooms[roomIndex(room)].name;
        }

        function peopleAt(it, room) {
            // The item's speakers and the chair of `room` (breaks are not chaired).
            const people = new Set(it.speakers);
            const chair = day.rooms[roomIndex(room)].chair;
            if (chair !== null && it.kind !== "break") {
                people.add(chair);
            }
            return people;
        }

        // --- Warnings: the rules of roundtable/timeline.py, for the place a block is dragged to.

        function warningsFor(it, place) {
            const found = {overlaps: [], doubles: []};
            const mine = peopleAt(it, place.room);
            day.items.forEach(function (other) {
                if (other.id === it.id || !(place.start < other.end && other.start < place.end)) {
                    return;
                }
                const values = {title: other.title.text, start: hhmm(other.start),
                    end: hhmm(other.end), room: roomName(other.room)};
                if (other.room === place.room) {
                    found.overlaps.push({other: other, text: say(phrases.overlaps, values)});
                    return;
                }
                other.people.forEach(function (person) {
                    if (mine.has(person)) {
                        values.person = day.people[person];
                        found.doubles.push({other: other, text: say(phrases.double, values)});
                    }
                });
            });
            return found;
        }

        function showLive(block, it, place, keyed) {
            const found = warningsFor(it, place);
            block.classList.toggle("is-overlapping", found.overlaps.length > 0);
            block.classList.toggle("is-double-booked", found.doubles.length > 0);
            const texts = found.overlaps.concat(found.doubles).map(function (w) { return w.text; });
            status.textContent = [say(keyed ? phrases.pending : phrases.place, {title: it.title.text,
                start: hhmm(place.start), end: hhmm(place.end), room: roomName(place.room)})]
                .concat(texts).join(" ");
        }

        // --- Drawing the day.

        function draw() {
            grid.replaceChildren();
            grid.style.gridTemplateColumns = "3.5rem repeat(" + day.rooms.length + ", minmax(0, 1fr))";
            const height = (day.to - day.from) * PX_PER_MINUTE;
            grid.style.setProperty("--timeline-step", day.step * PX_PER_MINUTE + "px");
            grid.appendChild(document.createElement("div"));
            day.rooms.forEach(function (room) {
                const head = document.createElement("div");
                head.className = "timeline-room-head";
                head.textContent = room.name;
                if (room.chair !== null) {
                    const chair = document.createElement("small");
                    chair.textContent = say(phrases.chair, {person: day.people[room.chair]});
                    head.appendChild(chair);
                }
                grid.appendChild(head);
            });
            const axis = document.createElement("div");
            axis.className = "timeline-axis";
            axis.style.height = height + "px";
            for (let minute = day.from; minute <= day.to; minute += 30) {
                const mark = document.createElement("span");
                mark.textContent = hhmm(minute);
                mark.style.top = (minute - day.from) * PX_PER_MINUTE + "px";
                axis.appendChild(mark);
            }
            grid.appendChild(axis);
            day.rooms.forEach(function (room, index) {
                const column = document.createElement("div");
                column.className = "timeline-column";
                column.dataset.room = index;
                column.style.height = height + "px";
                grid.appendChild(column);
            });
            day.items.forEach(function (it) {
                grid.querySelectorAll(".timeline-column")[roomIndex(it.room)]
                    .appendChild(blockFor(it));
            });
            const warned = new Set();
            const list = part("warnings");
            list.replaceChildren();
            day.warnings.forEach(function (warning) {
                warning.items.forEach(function (id) { warned.add(id); });
                const li = document.createElement("li");
                li.className = "warning";
                li.textContent = warning.message;
                list.appendChild(li);
            });
            warned.forEach(function (id) {
                const block = grid.querySelector('[data-item="' + id + '"]');
                if (block) {
                    block.classList.add("is-double-booked");
                }
            });
            drawTray();
            undoButton.disabled = undos.length === 0 || busy;
            saveButton.disabled = pending === null || busy;
        }

        function drawTray() {
            part("untimed").hidden = day.untimed.length === 0;
            const tray = part("tray");
            tray.replaceChildren();
            day.untimed.forEach(function (it) {
                const chip = movableFor(it, "timeline-chip", "timeline-tray-keys");
                chip.dataset.untimed = it.id;
                chip.append(titleOf(it), speakersOf(it));
                chip.addEventListener("pointerdown", function (event) {
                    startPlacing(event, chip, it);
                });
                chip.addEventListener("keydown", function (event) { onTrayKey(event, it); });
                const entry = document.createElement("li");
                entry.appendChild(chip);
                tray.appendChild(entry);
            });
        }

        function movableFor(it, className, describedBy) {
            // What a pointer drags and the keys move: a block on the grid or a chip in the tray.
            const movable = document.createElement("div");
            movable.className = className + " timeline-" + it.kind;
            movable.tabIndex = 0;
            movable.setAttribute("role", "button");
            movable.setAttribute("aria-describedby", describedBy);
            return movable;
        }

        function titleOf(it) {
            const title = document.createElement("span");
            title.className = "timeline-title";
            title.textContent = it.title.text;
            if (it.title.lang) {
                title.lang = it.title.lang;
            }
            return title;
        }

        function speakersOf(it) {
            const speakers = document.createElement("span");
            speakers.className = "timeline-speakers";
            speakers.textContent = it.speakers.map(function (p) { return day.people[p]; }).join(", ");
            return speakers;
        }

        function place(block, it, where) {
            block.style.top = (where.start - day.from) * PX_PER_MINUTE + "px";
            block.style.height = (where.end - where.start) * PX_PER_MINUTE + "px";
            block.querySelector(".timeline-time").textContent =
                hhmm(where.start) + "–" + hhmm(where.end);
        }

        function blockFor(it) {
            const block = movableFor(it, "timeline-item", "timeline-keys");
            block.dataset.item = it.id;
            const time = document.createElement("span");
            time.className = "timeline-time";
            const title = titleOf(it);
            const speakers = speakersOf(it);
            // The whole text on hover: a short item's block shows only its first line.
            block.title = it.title.text + (speakers.textContent ? " — " + speakers.textContent : "");
            const handle = document.createElement("span");
            handle.className = "timeline-resize";
            handle.setAttribute("aria-hidden", "true");
            block.append(time, title, speakers, handle);
            place(block, it, it);
            block.addEventListener("pointerdown", function (event) { startDrag(event, block, it); });
            block.addEventListener("keydown", function (event) { onKey(event, block, it); });
            return block;
        }

        // --- The pointer: drag a block to move it, its bottom edge to change its end.

        function snap(minutes) {
            return Math.round(minutes / day.step) * day.step;
        }

        function columnAt(x) {
            const columns = Array.from(grid.querySelectorAll(".timeline-column"));
            const found = columns.findIndex(function (column) {
                const box = column.getBoundingClientRect();
                return x >= box.left && x < box.right;
            });
            return found;
        }

        function columnUnder(x, y) {
            // The column under the pointer, or -1 off the grid (above it, say, over the tray).
            const index = columnAt(x);
            if (index < 0) {
                return -1;
            }
            const box = grid.querySelectorAll(".timeline-column")[index].getBoundingClientRect();
            return y >= box.top && y < box.bottom ? index : -1;
        }

        function clamp(where) {
            const length = where.end - where.start;
            if (where.start < day.from) {
                where.start = day.from;
                where.end = where.start + length;
            }
            if (where.end > day.to) {
                where.end = day.to;
                where.start = Math.max(day.from, where.end - length);
            }
            return where;
        }

        function follow(target, event, moved, dropped) {
            // The pointer's moves go to `moved` until it is released, then once to `dropped`.
            target.setPointerCapture(event.pointerId);
            function released(e) {
                target.removeEventListener("pointermove", moved);
                target.removeEventListener("pointerup", released);
                target.removeEventListener("pointercancel", released);
                dropped(e);
            }
            target.addEventListener("pointermove", moved);
            target.addEventListener("pointerup", released);
            target.addEventListener("pointercancel", released);
        }

        function startDrag(event, block, it) {
            if (busy || event.button !== 0) {
                return;
            }
            event.preventDefault();
            block.focus();
            if (pending && pending.id !== it.id) {
                putBack(pending.id);
            }
            pending = null;
            const resizing = event.target.classList.contains("timeline-resize");
            const startY = event.clientY;
            let where = {start: it.start, end: it.end, room: it.room};
            block.classList.add("is-dragging");

            function moved(e) {
                const delta = snap((e.clientY - startY) / PX_PER_MINUTE);
                if (resizing) {
                    where = {start: it.start, room: it.room,
                        end: Math.min(day.to, Math.max(it.start + day.step, it.end + delta))};
                } else {
                    const column = columnAt(e.clientX);
                    where = clamp({start: it.start + delta, end: it.end + delta,
                        room: column < 0 ? where.room : day.rooms[column].id});
                    const target = grid.querySelectorAll(".timeline-column")[roomIndex(where.room)];
                    if (block.parentNode !== target) {
                        target.appendChild(block);
                    }
                }
                place(block, it, where);
                showLive(block, it, where, false);
            }

            function dropped() {
                block.classList.remove("is-dragging");
                if (where.start === it.start && where.end === it.end && where.room === it.room) {
                    status.textContent = "";
                    return;
                }
                propose(it, where);
            }

            follow(block, event, moved, dropped);
        }

        // --- Items without a time: dragged from the tray onto a column, or placed with Enter.

        function startPlacing(event, chip, it) {
            if (busy || event.button !== 0) {
                return;
            }
            event.preventDefault();
            if (pending) {
                putBack(pending.id);
                pending = null;
                saveButton.disabled = true;
            }
            let block = null;
            let where = null;

            function moved(e) {
                const index = columnUnder(e.clientX, e.clientY);
                if (index < 0) {
                    if (block) {
                        block.remove();
                        block = null;
                        status.textContent = "";
                    }
                    return;
                }
                const column = grid.querySelectorAll(".timeline-column")[index];
                const start = day.from + snap((e.clientY - column.getBoundingClientRect().top) /
                    PX_PER_MINUTE);
                where = clamp({start: start, end: start + day.length, room: day.rooms[index].id});
                const shown = Object.assign({}, it, where);
                if (!block) {
                    block = blockFor(shown);
                    block.classList.add("is-dragging");
                }
                if (block.parentNode !== column) {
                    column.appendChild(block);
                }
                place(block, shown, where);
                showLive(block, it, where, false);
            }

            function dropped() {
                if (block) {
                    block.classList.remove("is-dragging");
                    propose(it, where);
                }
            }

            follow(chip, event, moved, dropped);
        }

        function onTrayKey(event, it) {
            if (busy || (event.key !== "Enter" && event.key !== " ")) {
                return;
            }
            event.preventDefault();
            if (pending) {
                putBack(pending.id);
            }
            // After the main hall's last item, as long as most talks; the keys take it on.
            const hall = day.rooms[0].id;
            const ends = day.items.filter(function (other) { return other.room === hall; })
                .map(function (other) { return other.end; });
            const start = ends.length ? Math.max.apply(null, ends) : day.from;
            const where = clamp({start: start, end: start + day.length, room: hall});
            const shown = Object.assign({}, it, where);
            const block = blockFor(shown);
            grid.querySelectorAll(".timeline-column")[0].appendChild(block);
            pending = Object.assign({id: it.id}, where);
            saveButton.disabled = false;
            block.focus();
            showLive(block, it, where, true);
        }

        function focusChip(id) {
            const chip = part("tray").querySelector('[data-untimed="' + id + '"]');
            if (chip) {
                chip.focus();
            }
        }

        // --- The keys.

        function putBack(id) {
            // A block moved by the keys and not saved, back where its item is.
            const it = item(id);
            const block = grid.querySelector('[data-item="' + id + '"]');
            if (block && !it && untimedItem(id)) {
                // Placed with the keys from the tray, not saved: back to the tray.
                block.remove();
                status.textContent = "";
                return;
            }
            if (!it || !block) {
                return;
            }
            grid.querySelectorAll(".timeline-column")[roomIndex(it.room)].appendChild(block);
            place(block, it, it);
            block.classList.remove("is-overlapping");
            block.classList.toggle("is-double-booked", warningsFor(it, it).doubles.length > 0);
        }

        function onKey(event, block, it) {
            if (busy) {
                return;
            }
            if (pending && pending.id !== it.id) {
                putBack(pending.id);
                pending = null;
            }
            const current = pending && pending.id === it.id ? pending : {
                id: it.id, start: it.start, end: it.end, room: it.room};
            let next = null;
            const step = day.step;
            if (event.key === "ArrowUp" || event.key === "ArrowDown") {
                const sign = event.key === "ArrowUp" ? -1 : 1;
                if (event.shiftKey) {
                    const end = current.end + sign * step;
                    next = {id: it.id, start: current.start, room: current.room,
                        end: Math.min(day.to, Math.max(current.start + step, end))};
                } else {
                    next = Object.assign(clamp({start: current.start + sign * step,
                        end: current.end + sign * step, room: current.room}), {id: it.id});
                }
            } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
                const index = roomIndex(current.room) + (event.key === "ArrowLeft" ? -1 : 1);
                if (index >= 0 && index < day.rooms.length) {
                    next = Object.assign({}, current, {room: day.rooms[index].id});
                }
            } else if ((event.key === "Enter" || event.key === " ") && pending) {
                event.preventDefault();
                saveKeyed();
                return;
            } else if (event.key === "Escape" && pending) {
                pending = null;
                status.textContent = "";
                saveButton.disabled = true;
                putBack(it.id);
                if (block.isConnected) {
                    block.focus();
                } else {
                    focusChip(it.id);
                }
                return;
            } else {
                return;
            }
            event.preventDefault();
            if (next === null) {
                return;
            }
            pending = next;
            saveButton.disabled = false;
            const column = grid.querySelectorAll(".timeline-column")[roomIndex(next.room)];
            if (block.parentNode !== column) {
                column.appendChild(block);
                block.focus();
            }
            place(block, it, next);
            showLive(block, it, next, true);
        }

        function saveKeyed() {
            if (pending === null) {
                return;
            }
            const where = pending;
            pending = null;
            propose(item(where.id) || untimedItem(where.id), where);
        }

        function focusItem(id) {
            const block = grid.querySelector('[data-item="' + id + '"]');
            if (block) {
                block.focus();
            }
        }

        // --- Saving, refusals, undo.

        function propose(it, where) {
            // Overlapping only items that begin at or after the new start: offer to push them.
            const overlaps = warningsFor(it, where).overlaps;
            const pushable = overlaps.length > 0 && overlaps.every(function (w) {
                return w.other.start >= where.start;
            });
            if (pushable) {
                const first = overlaps.map(function (w) { return w.other; })
                    .sort(function (a, b) { return a.start - b.start; })[0];
                ask(say(phrases.push, {title: it.title.text, other: first.title.text,
                    start: hhmm(first.start), end: hhmm(first.end), room: roomName(where.room)}),
                {later: function () { send(it, where, {later: true}); }});
                return;
            }
            send(it, where, {});
        }

        function ask(text, actions) {
            alertBox.hidden = false;
            part("alert-text").textContent = text;
            const later = part("later");
            const fix = part("fix");
            later.hidden = !actions.later;
            fix.hidden = !actions.fix;
            later.onclick = actions.later ? function () { closeAlert(); actions.later(); } : null;
            if (actions.fix) {
                fix.textContent = actions.fix.label;
                fix.onclick = function () { closeAlert(); actions.fix.apply(); };
            }
            (actions.later ? later : actions.fix ? fix : part("dismiss")).focus();
        }

        function closeAlert() {
            alertBox.hidden = true;
        }

        part("dismiss").addEventListener("click", function () {
            const focused = document.activeElement;
            closeAlert();
            draw();
            if (focused && focused.dataset && focused.dataset.item) {
                focusItem(Number(focused.dataset.item));
            }
        });

        function post(body) {
            busy = true;
            body.version = day.version;
            return fetch(moveUrl, {
                method: "POST",
                credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
                body: JSON.stringify(body),
            }).then(function (response) {
                return response.json().then(function (answer) {
                    return {ok: response.ok, answer: answer};
                });
            }).finally(function () {
                busy = false;
            });
        }

        function send(it, where, extra) {
            const body = Object.assign({item: it.id, start: where.start, end: where.end,
                room: where.room}, extra);
            post(body).then(function (result) {
                refused(result, it) || saved(result, it, phrases.saved, true);
            }, failed);
        }

        function refused(result, it) {
            if (result.ok) {
                return false;
            }
            if (result.answer.day) {
                day = result.answer.day;
            }
            status.textContent = "";
            draw();
            const fix = result.answer.fix;
            // A fix moves the item, or (a shift) pushes the items after it further.
            const pushed = fix && fix.shift ? item(fix.shift[0]) : null;
            ask(result.answer.error || phrases.failed, fix ? {fix: {
                label: pushed ? say(phrases.further, {time: hhmm(pushed.start + fix.shift[1])})
                    : say(phrases.fix, {time: hhmm(fix.start)}),
                apply: function () { send(it, fix, {later: fix.later, shift: fix.shift}); },
            }} : {});
            return true;
        }

        function saved(result, it, phrase, remember) {
            day = result.answer.day;
            if (remember) {
                undos.push(result.answer.undo);
            }
            closeAlert();
            draw();
            const now = item(it.id);
            if (!now) {
                // An item placed from the tray, taken off the timeline again by the undo.
                status.textContent = say(phrases.unplaced, {title: it.title.text});
                focusChip(it.id);
                return;
            }
            status.textContent = say(phrase, {title: now.title.text, start: hhmm(now.start),
                end: hhmm(now.end), room: roomName(now.room)});
            focusItem(it.id);
        }

        function failed() {
            draw();
            ask(phrases.failed, {});
        }

        function undo() {
            if (busy || undos.length === 0) {
                return;
            }
            const last = undos.pop();
            post(Object.assign({}, last)).then(function (result) {
                if (!result.ok) {
                    undos.push(last);
                }
                refused(result, item(last.item)) ||
                    saved(result, item(last.item), phrases.undone, false);
            }, function () {
                undos.push(last);
                failed();
            });
        }

        // Back on the page after a while: the day as it is now, with others' changes.
        document.addEventListener("visibilitychange", function () {
            if (document.visibilityState !== "visible" || busy || pending !== null) {
                return;
            }
            fetch(root.dataset.dataUrl, {credentials: "same-origin"}).then(function (response) {
                return response.ok ? response.json() : null;
            }).then(function (now) {
                if (now && !busy && pending === null && now.version !== day.version) {
                    day = now;
                    draw();
                }
            }, function () {});
        });
        undoButton.addEventListener("click", undo);
        saveButton.addEventListener("click", saveKeyed);
        document.addEventListener("keydown", function (event) {
            if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === "z") {
                event.preventDefault();
                undo();
            }
        });
        draw();
    }

    document.addEventListener("DOMContentLoaded", function () {
        const root = document.getElementById("timeline");
        if (root) {
            setUp(root);
        }
    });
}());
