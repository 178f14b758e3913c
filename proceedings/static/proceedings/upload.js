/* Uploading a paper: drop the file on the form or choose it, press Save, and watch it go up.
 *
 * Enhances `form[data-upload]` (templates/proceedings/paper.html): the paper's one form, its
 * details and an optional file, which works without this script as a plain multipart form.
 * Here its file field becomes a drop zone; a Save with a file sends the whole form (the typed
 * details with the file) with XMLHttpRequest, asking for JSON, so that a <progress> bar follows
 * the upload; on success the page opens again with the new version and the details saved, on
 * refusal the server's message is shown in place and nothing typed is lost. A Save without a
 * file is the plain form's. The texts come from the form's data-* attributes, in the page's
 * language.
 */
(function () {
  "use strict";

  function enhance(form) {
    var input = form.querySelector('input[type="file"]');
    var progressBox = form.querySelector(".upload-progress");
    var progress = progressBox.querySelector("progress");
    var percent = progressBox.querySelector(".upload-percent");
    var status = form.querySelector(".upload-status");
    var error = form.querySelector(".upload-error");
    var button = form.querySelector('button[type="submit"]');
    var maxBytes = parseInt(form.dataset.maxBytes, 10) || 0;
    var busy = false;
    var dropped = null; // for browsers that do not let scripts set a file input

    // The drop zone holds the help text and the file input, which keeps working as it was.
    var zone = document.createElement("div");
    zone.className = "drop-zone";
    var hint = document.createElement("p");
    hint.className = "drop-hint";
    hint.textContent = form.dataset.dropText || "";
    input.parentNode.insertBefore(zone, input);
    zone.appendChild(hint);
    zone.appendChild(input);

    function over(event) {
      event.preventDefault();
      if (!busy) {
        zone.classList.add("drop-zone--over");
      }
    }
    function away() {
      zone.classList.remove("drop-zone--over");
    }
    zone.addEventListener("dragenter", over);
    zone.addEventListener("dragover", over);
    zone.addEventListener("dragleave", away);
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      away();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (busy || !files || !files.length) {
        return;
      }
      dropped = files[0];
      hint.textContent = dropped.name;
      try {
        input.files = files; // so that the input names the dropped file
      } catch (ignored) {
        // Older browsers do not let scripts set a file input; Save sends `dropped` regardless.
      }
    });
    input.addEventListener("change", function () {
      dropped = null;
      hint.textContent = form.dataset.dropText || "";
    });

    form.addEventListener("submit", function (event) {
      var file = input.files && input.files.length ? input.files[0] : dropped;
      if (!file) {
        return; // the details alone: the plain form's post
      }
      event.preventDefault();
      send(file);
    });

    function show(message) {
      error.textContent = message;
    }

    function finish() {
      busy = false;
      button.disabled = false;
      progressBox.hidden = true;
      status.textContent = "";
    }

    function send(file) {
      if (busy) {
        return;
      }
      show("");
      if (maxBytes && file.size > maxBytes) {
        show(form.dataset.tooLarge || "");
        return;
      }
      busy = true;
      button.disabled = true;
      progress.value = 0;
      percent.textContent = "0%";
      progressBox.hidden = false;
      status.textContent = form.dataset.uploadingText || "";

      var data = new FormData(form);
      data.set("file", file, file.name);
      var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      if (token) {
        request.setRequestHeader("X-CSRFToken", token.value);
      }
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          var done = Math.round((event.loaded * 100) / event.total);
          progress.value = done;
          percent.textContent = done + "%";
        }
      });
      request.addEventListener("load", function () {
        var answer = null;
        try {
          answer = JSON.parse(request.responseText);
        } catch (ignored) {
          answer = null;
        }
        if (answer && answer.ok) {
          progress.value = 100;
          percent.textContent = "100%";
          status.textContent = form.dataset.doneText || "";
          window.location.assign(answer.url);
          return;
        }
        finish();
        show(
          answer && answer.errors && answer.errors.length
            ? answer.errors.join(" ")
            : form.dataset.failedText || ""
        );
      });
      request.addEventListener("error", function () {
        finish();
        show(form.dataset.failedText || "");
      });
      request.send(data);
    }
  }

  document.querySelectorAll("form[data-upload]").forEach(enhance);
})();
