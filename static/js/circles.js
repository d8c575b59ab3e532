/* The circle page, live (issue #17).
 *
 * app.js relays the socket's circle events (`circle.updated`, `circle.topic.changed`,
 * `circle.session.changed`, the group's `member.joined` / `member.left`, and
 * `event.updated` for a session's event) as the DOM event "socialnet:circle-changed".
 * The events are thin (ids, states, counts), so the page re-reads itself from the server,
 * which renders it for this viewer (their votes, what they may do), and swaps in each
 * part marked `data-circle-part`. A part someone is typing in is left alone until focus
 * leaves it. No HTML but the server's own (escaped by Jinja) is ever inserted.
 */
(() => {
  "use strict";

  const page = document.querySelector("[data-circle-id]");
  if (!page) return;
  const circleId = Number(page.dataset.circleId);
  const stale = new Set();
  let running = false;
  let again = false;

  function typingIn(part) {
    const active = document.activeElement;
    return Boolean(active && part.contains(active) && active.matches("input, textarea, select"));
  }

  async function readPage() {
    let response;
    try {
      response = await fetch(location.pathname, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
    } catch {
      return null; // offline: the next event or page load catches up
    }
    if (response.status === 404) {
      location.reload(); // no longer a member: the page says so
      return null;
    }
    if (!response.ok) return null;
    return new DOMParser().parseFromString(await response.text(), "text/html");
  }

  function swap(fresh) {
    const facilitating = fresh.querySelector("[data-circle-id]")?.dataset.facilitating;
    if (facilitating && facilitating !== page.dataset.facilitating) {
      location.reload(); // the facilitator changed: this viewer's forms are not the same
      return;
    }
    for (const part of document.querySelectorAll("[data-circle-part]")) {
      const name = part.dataset.circlePart;
      const next = fresh.querySelector(`[data-circle-part="${name}"]`);
      if (!next) continue;
      if (typingIn(part)) {
        stale.add(name);
        continue;
      }
      stale.delete(name);
      const node = document.importNode(next, true);
      part.replaceWith(node);
      document.dispatchEvent(new CustomEvent("socialnet:replaced", { detail: node }));
    }
    document.body.dataset.circleRefreshed = String(Date.now());
  }

  async function refresh() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const fresh = await readPage();
        if (fresh) swap(fresh);
      } while (again);
    } finally {
      running = false;
    }
  }

  document.addEventListener("socialnet:circle-changed", (event) => {
    if (Number(event.detail?.circle_id) === circleId) refresh();
  });
  page.addEventListener("focusout", () => {
    if (stale.size) setTimeout(refresh, 0); // focus has moved on by then
  });
})();
