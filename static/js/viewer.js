/* The image viewer: a click on an image of a post's or comment's grid (templates/_files.html)
 * opens it large in a modal <dialog> instead of a new tab.
 *
 * Keyboard: ← and → walk the grid's images, Esc closes; the modal dialog keeps focus inside
 * (the rest of the page is inert) and focus returns to the thumbnail on close. Links keep
 * working with a modifier key (new tab) and without this file.
 */
(function () {
  "use strict";
  var dialog = null;
  var items = [];
  var index = 0;
  var opener = null;

  function button(className, label, text) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn viewer-btn " + className;
    b.setAttribute("aria-label", label);
    b.textContent = text;
    return b;
  }

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "viewer";
    dialog.id = "image-viewer";
    dialog.setAttribute("aria-label", _("Image viewer"));
    var figure = document.createElement("figure");
    figure.className = "viewer-figure";
    var img = document.createElement("img");
    img.className = "viewer-image";
    img.alt = "";
    var caption = document.createElement("figcaption");
    caption.className = "viewer-caption";
    caption.setAttribute("aria-live", "polite");
    figure.append(img, caption);
    var prev = button("viewer-prev", _("Previous image"), "‹");
    var next = button("viewer-next", _("Next image"), "›");
    var close = button("viewer-close", _("Close the viewer"), "×");
    var download = document.createElement("a");
    download.className = "btn viewer-btn viewer-open";
    download.target = "_blank";
    download.rel = "noopener";
    download.textContent = _("Open the original");
    dialog.append(close, prev, figure, next, download);
    prev.addEventListener("click", function () { show(index - 1); });
    next.addEventListener("click", function () { show(index + 1); });
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { event.preventDefault(); show(index - 1); }
      else if (event.key === "ArrowRight") { event.preventDefault(); show(index + 1); }
      else if (event.key === "Tab") trapTab(event);
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close(); // the backdrop
    });
    dialog.addEventListener("close", function () {
      if (opener && document.contains(opener)) opener.focus();
      opener = null;
    });
    document.body.appendChild(dialog);
  }

  /** Tab and Shift+Tab cycle through the dialog's visible controls only. */
  function trapTab(event) {
    var controls = Array.prototype.filter.call(
      dialog.querySelectorAll("button, a[href]"),
      function (el) { return !el.hidden; }
    );
    if (!controls.length) return;
    var at = controls.indexOf(document.activeElement);
    var step = event.shiftKey ? -1 : 1;
    event.preventDefault();
    controls[(at + step + controls.length) % controls.length].focus();
  }

  function show(i) {
    if (!items.length) return;
    index = (i + items.length) % items.length;
    var item = items[index];
    var img = dialog.querySelector(".viewer-image");
    img.src = item.href;
    img.alt = item.name;
    dialog.querySelector(".viewer-caption").textContent = items.length > 1
      ? _("%(name)s (%(index)s of %(count)s)", { name: item.name, index: index + 1, count: items.length })
      : item.name;
    dialog.querySelector(".viewer-open").href = item.href;
    var several = items.length > 1;
    dialog.querySelector(".viewer-prev").hidden = !several;
    dialog.querySelector(".viewer-next").hidden = !several;
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest ? event.target.closest("a.attachment-image") : null;
    if (!link) return;
    var grid = link.closest(".attachment-grid") || link.parentNode;
    var links = Array.prototype.slice.call(grid.querySelectorAll("a.attachment-image"));
    event.preventDefault();
    if (!dialog) build();
    items = links.map(function (a) {
      var thumb = a.querySelector("img");
      return { href: a.href, name: thumb ? thumb.alt : "" };
    });
    opener = link;
    show(links.indexOf(link));
    dialog.showModal();
    dialog.querySelector(".viewer-close").focus();
  });
})();
