/* The Share page: a share button asks the API for the tracked link and the network's
 * share page, then opens it in a new tab at once. Without this file each button posts
 * its form and the answer page holds the network's link. */
(() => {
  "use strict";

  const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const opens = document.querySelector('[data-field="my-opens"]');

  const say = (message) => {
    const flashes = document.querySelector(".flashes");
    if (!flashes) return;
    const line = document.createElement("p");
    line.className = "flash flash-error";
    line.textContent = message;
    flashes.replaceChildren(line);
  };

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest?.("form.share-form");
    if (!form) return;
    event.preventDefault();
    const card = form.closest("[data-shareable-id]");
    // Opened now, while the click still counts as the person's gesture (popup blockers).
    const tab = window.open("", "_blank");
    let data = null;
    let failure = null;
    try {
      const response = await fetch(`/api/v1/shareables/${card.dataset.shareableId}/shares`, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify({
          network: form.elements.network.value,
          language: form.elements.language.value,
        }),
      });
      data = await response.json().catch(() => null);
      if (!response.ok) failure = data?.message ?? _("This post can no longer be shared.");
    } catch {
      failure = _("Network problem: check your connection and try again.");
    }
    if (failure || !data) {
      tab?.close();
      say(failure ?? _("This post can no longer be shared."));
      return;
    }
    if (opens) opens.textContent = String(Number(opens.textContent) + 1);
    if (tab) {
      tab.opener = null;
      tab.location.href = data.intent_url;
    } else {
      window.location.href = data.intent_url;
    }
  });
})();
