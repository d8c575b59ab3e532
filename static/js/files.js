/* Files in the feed composer: pick (button), drop or paste files; each is uploaded at once
 * to POST /api/v1/files with a progress bar and can be removed before posting. app.js asks
 * window.composerFiles.ids() for the file_ids to send with the post, and clear()s after.
 */
(function () {
  "use strict";
  var MAX_FILES = 10;
  var form = document.getElementById("composer");
  if (!form) return;
  var actions = form.querySelector(".composer-actions") || form;
  var entries = []; // {id: number|null, xhr, li}
  var csrf = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  };

  var input = document.createElement("input");
  input.type = "file";
  input.multiple = true;
  input.hidden = true;
  input.id = "composer-file-input";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-quiet btn-sm composer-attach";
  button.textContent = _("Attach files");
  button.setAttribute("aria-controls", "composer-files");
  var list = document.createElement("ul");
  list.className = "composer-files";
  list.id = "composer-files";
  list.setAttribute("aria-live", "polite");
  actions.insertBefore(button, actions.firstChild);
  actions.appendChild(input);
  form.insertBefore(list, actions.nextSibling);

  function submitButton() {
    return form.querySelector('button[type="submit"]');
  }

  function refreshSubmit() {
    var busy = entries.some(function (e) { return e.id === null && !e.failed; });
    var submit = submitButton();
    if (submit) submit.disabled = busy;
  }

  function sizeText(bytes) {
    if (bytes >= 1048576) return _("%(num)s MB", { num: i18n.number(Math.round(bytes / 104857.6) / 10) });
    return _("%(num)s KB", { num: i18n.number(Math.max(1, Math.ceil(bytes / 1024))) });
  }

  function remove(entry) {
    if (entry.xhr && entry.id === null) entry.xhr.abort();
    entries = entries.filter(function (e) { return e !== entry; });
    entry.li.remove();
    refreshSubmit();
  }

  function fail(entry, message) {
    entry.failed = true;
    entry.progress.remove();
    var error = document.createElement("span");
    error.className = "file-error";
    error.textContent = message;
    entry.li.insertBefore(error, entry.removeButton);
    refreshSubmit();
  }

  function upload(file) {
    if (entries.length >= MAX_FILES) {
      window.alert(_("At most %(num)d files can be attached.", { num: MAX_FILES }));
      return;
    }
    var li = document.createElement("li");
    var name = document.createElement("span");
    name.textContent = file.name + " (" + sizeText(file.size) + ")";
    var progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute("aria-label", _("Uploading %(name)s", { name: file.name }));
    var removeButton = document.createElement("button");
    removeButton.type = "button";
    removeButton.className = "btn btn-quiet btn-sm";
    removeButton.textContent = _("Remove");
    removeButton.setAttribute("aria-label", _("Remove %(name)s", { name: file.name }));
    li.append(name, progress, removeButton);
    list.appendChild(li);
    var entry = { id: null, li: li, progress: progress, removeButton: removeButton, failed: false };
    removeButton.addEventListener("click", function () { remove(entry); });
    entries.push(entry);
    refreshSubmit();

    var body = new FormData();
    body.append("file", file, file.name || "pasted");
    var xhr = new XMLHttpRequest();
    entry.xhr = xhr;
    xhr.open("POST", "/api/v1/files");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrf());
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
    });
    xhr.addEventListener("load", function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status === 201 && data) {
        entry.id = data.id;
        progress.remove();
        refreshSubmit();
      } else {
        fail(entry, (data && data.message) || _("The upload failed. Try again."));
      }
    });
    xhr.addEventListener("error", function () {
      fail(entry, _("The upload failed. Check your connection and try again."));
    });
    xhr.send(body);
  }

  function take(files) {
    Array.prototype.forEach.call(files || [], upload);
  }

  button.addEventListener("click", function () { input.click(); });
  input.addEventListener("change", function () {
    take(input.files);
    input.value = "";
  });
  form.addEventListener("dragover", function (event) {
    if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
      event.preventDefault();
      form.classList.add("is-dragover");
    }
  });
  form.addEventListener("dragleave", function () { form.classList.remove("is-dragover"); });
  form.addEventListener("drop", function (event) {
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    event.preventDefault();
    form.classList.remove("is-dragover");
    take(event.dataTransfer.files);
  });
  form.addEventListener("paste", function (event) {
    var files = event.clipboardData && event.clipboardData.files;
    if (files && files.length) {
      event.preventDefault();
      take(files);
    }
  });

  window.composerFiles = {
    /** The ids of the files uploaded and not removed, in order. */
    ids: function () {
      return entries.filter(function (e) { return e.id !== null; }).map(function (e) { return e.id; });
    },
    /** Forget every file (after the post was sent). */
    clear: function () {
      entries.forEach(function (e) { e.li.remove(); });
      entries = [];
      refreshSubmit();
    },
  };
})();
