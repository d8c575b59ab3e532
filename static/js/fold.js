/* Long posts fold in lists: a body taller than about ten lines shows its first ten and a
 * "See more" button (aria-expanded, aria-controls) that unfolds it in place. A post's own
 * page (/posts/N) never folds. Posts added live are folded as they arrive.
 */
(() => {
  "use strict";

  const LINES = 10;
  let serial = 0;

  function fold(body) {
    if (body.dataset.folding) return;
    const lineHeight = parseFloat(getComputedStyle(body).lineHeight) || 24;
    const limit = Math.round(lineHeight * LINES);
    if (body.scrollHeight <= limit + lineHeight * 2) return; // two more lines: not worth it
    body.dataset.folding = "on";
    if (!body.id) body.id = `post-body-${++serial}`;
    body.style.setProperty("--fold-height", `${limit}px`);
    body.classList.add("is-folded");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-quiet btn-sm see-more";
    button.setAttribute("aria-controls", body.id);
    button.setAttribute("aria-expanded", "false");
    button.textContent = _("See more");
    button.addEventListener("click", () => {
      const folded = body.classList.toggle("is-folded");
      button.setAttribute("aria-expanded", String(!folded));
      button.textContent = folded ? _("See more") : _("See less");
      if (folded) body.closest("article")?.scrollIntoView({ block: "nearest" });
    });
    body.after(button);
  }

  function foldAll(root) {
    root.querySelectorAll("article.post .post-body").forEach(fold);
  }

  for (const feed of document.querySelectorAll(".feed")) {
    foldAll(feed);
    new MutationObserver((changes) => {
      for (const change of changes) {
        for (const node of change.addedNodes) {
          if (node.nodeType === Node.ELEMENT_NODE) foldAll(node.parentNode || node);
        }
      }
    }).observe(feed, { childList: true });
  }
})();
