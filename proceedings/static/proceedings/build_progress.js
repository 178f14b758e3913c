"use strict";
// The book panel on a proceedings' admin page (templates/admin/proceedings/proceedings/
// change_form.html). While a build is queued or running, ask the server for its state about
// once a second and show it: status, stage, the progress bar, duration, pages, the error.
// When it ends, the link to the book is updated in place; the page is never reloaded, so
// unsaved edits in the form stay. Loaded in the head (the admin's form media): it starts once
// the page is parsed.
document.addEventListener("DOMContentLoaded", function () {
    const panel = document.getElementById("book-build");
    if (!panel || panel.dataset.active !== "true") {
        return;
    }
    const INTERVAL = 1000;
    const RETRY_AFTER_ERROR = 5000;

    function part(name) {
        return panel.querySelector('[data-build="' + name + '"]');
    }

    function setText(name, text) {
        const element = part(name);
        if (element) {
            element.textContent = text;
        }
    }

    function show(state) {
        const build = state.build;
        if (build) {
            setText("status", build.status_display);
            setText("stage", build.stage_display);
            setText("percent", build.progress + "%");
            setText("duration", build.duration || "–");
            setText("pages", build.page_count === null ? "–" : String(build.page_count));
            setText("error", build.error);
            const progress = part("progress");
            if (progress) {
                progress.value = build.progress;
                progress.textContent = build.progress + "%";
            }
            const errorRow = part("error-row");
            if (errorRow) {
                errorRow.hidden = !build.error;
            }
        }
        const button = part("button");
        if (button) {
            button.disabled = state.active;
        }
        const gaps = part("gaps");
        if (gaps) {
            gaps.replaceChildren(...state.gaps.map(function (text) {
                const item = document.createElement("li");
                item.className = "warning";
                item.textContent = text;
                return item;
            }));
            gaps.hidden = state.gaps.length === 0;
        }
        const book = state.book;
        const link = part("book-link");
        if (book && link) {
            link.href = book.url;
            link.textContent = book.label;
            part("book").hidden = false;
            const noBook = part("no-book");
            if (noBook) {
                noBook.hidden = true;
            }
        }
    }

    function poll() {
        fetch(panel.dataset.statusUrl, {
            credentials: "same-origin",
            headers: { Accept: "application/json" },
        })
            .then(function (response) {
                if (!response.ok) {
                    throw new Error("status " + response.status);
                }
                return response.json();
            })
            .then(function (state) {
                show(state);
                if (state.active) {
                    window.setTimeout(poll, INTERVAL);
                }
            })
            .catch(function () {
                window.setTimeout(poll, RETRY_AFTER_ERROR);
            });
    }

    window.setTimeout(poll, INTERVAL);
});
