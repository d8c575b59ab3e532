/* Files in the feed composer: pick (button), drop or paste files; each is uploaded at once
 * to POST /api/v1/files with a progress bar and can be removed before posting. app.js asks
 * window.composerFiles.ids() for the file_ids to send with the post, and clear()s after;
 * window.socialnetFiles.render(files) draws the files of a post or comment that arrives live.
 */
(function () {
  "use strict";
  var MAX_FILES = 10;

  function sizeText(bytes) {
    if (bytes >= 1048576) return _("%(num)s MB", { num: i18n.number(Math.round(bytes / 104857.6) / 10) });
    return _("%(num)s KB", { num: i18n.number(Math.max(1, Math.ceil(bytes / 1024))) });
  }

  /* A file's page links (socialnet/views/files.py), not the API's: /files/{id}/{name}. */
  function fileHref(f) {
    return "/files/" + encodeURIComponent(f.id) + "/" + encodeURIComponent(f.name);
  }
  function thumbHref(f) {
    return "/files/" + encodeURIComponent(f.id) + "/thumb/640";
  }

  /* The files of a post or comment as templates/_files.html draws them (a grid of up to
   * four image thumbnails, then the other files with their sizes), built with textContent
   * only, for posts and comments that arrive live (app.js). Null when there are none. */
  function renderFiles(files) {
    if (!Array.isArray(files) || !files.length) return null;
    var holder = document.createElement("div");
    holder.className = "attachments";
    holder.dataset.field = "files";
    var images = files.filter(function (f) { return f.thumbnail_url; });
    var others = files.filter(function (f) { return !f.thumbnail_url; });
    if (images.length) {
      var grid = document.createElement("div");
      grid.className = "attachment-grid attachment-grid-" + Math.min(images.length, 4);
      images.slice(0, 4).forEach(function (f, i) {
        var link = document.createElement("a");
        link.className = "attachment-image";
        link.href = fileHref(f);
        link.target = "_blank";
        link.rel = "noopener";
        var img = document.createElement("img");
        img.src = thumbHref(f);
        img.alt = f.name;
        img.loading = "lazy";
        if (f.width && f.height) {
          img.width = f.width;
          img.height = f.height;
        }
        link.appendChild(img);
        if (i === 3 && images.length > 4) {
          var more = document.createElement("span");
          more.className = "attachment-more";
          more.textContent = _("+%(num)d more", { num: images.length - 4 });
          link.appendChild(more);
        }
        grid.appendChild(link);
      });
      holder.appendChild(grid);
    }
    if (others.length) {
      var list = document.createElement("ul");
      list.className = "attachment-list";
      others.forEach(function (f) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.className = "attachment-file";
        link.href = fileHref(f);
        link.setAttribute("download", "");
        link.textContent = f.name;
        var size = document.createElement("span");
        size.className = "attachment-size";
        size.textContent = sizeText(f.size);
        li.append(link, " ", size);
        list.appendChild(li);
      });
      holder.appendChild(list);
    }
    return holder;
  }

  window.socialnetFiles = { render: renderFiles };

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
