/* The review queue, live: app.js's socket passes each `case.updated` event on as a
 * "socialnet:case-updated" DOM event; this script updates, adds or removes the row.
 *
 * Rows are rendered (and escaped) by the server (/moderation/cases/<id>/row), never built
 * from event strings, so the queue looks the same live as after a reload.
 */
(() => {
  "use strict";

  const configEl = document.getElementById("live-config");
  const config = configEl ? JSON.parse(configEl.textContent) : null;
  const rows = document.getElementById("case-rows");
  if (!config || config.page !== "moderation-queue" || !rows) return;
  const empty = document.getElementById("no-cases");

  /** Does the case belong in the list as filtered on this page? */
  function matches(c) {
    if (c.status !== config.status) return false;
    if (config.kind && c.kind !== config.kind) return false;
    if (config.assignee === "me" && c.assignee?.id !== config.me) return false;
    if (config.group_id && c.group_id !== config.group_id) return false;
    return true;
  }

  /** Open cases: most severe first, then oldest (lowest id) first; closed: newest first. */
  function comesBefore(a, row) {
    const id = Number(row.dataset.caseId);
    if (config.status !== "open") return a.id > id;
    const severity = Number(row.dataset.severity);
    return a.severity > severity || (a.severity === severity && a.id < id);
  }

  function showEmpty() {
    if (empty) empty.hidden = rows.children.length > 0;
  }

  const latest = new Map(); // case id → the newest updated_at applied, against reordering

  async function apply(c) {
    const id = Number(c.id);
    const current = document.getElementById(`case-${id}`);
    if (!matches(c)) {
      current?.remove();
      showEmpty();
      return;
    }
    const stamp = `${c.updated_at || ""}`;
    latest.set(id, stamp);
    let response;
    try {
      response = await fetch(`/moderation/cases/${id}/row`, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
    } catch {
      return;
    }
    if (!response.ok || latest.get(id) !== stamp) return;
    const holder = document.createElement("tbody");
    holder.innerHTML = (await response.text()).trim(); // server-rendered, escaped by Jinja
    const fresh = holder.querySelector("tr");
    if (!fresh) return;
    const existing = document.getElementById(`case-${id}`);
    const checked = existing?.querySelector('input[name="case_ids"]')?.checked;
    if (checked) {
      const box = fresh.querySelector('input[name="case_ids"]');
      if (box) box.checked = true;
    }
    if (existing) {
      existing.replaceWith(fresh);
    } else {
      const before = Array.from(rows.children).find((row) => comesBefore(c, row));
      rows.insertBefore(fresh, before || null);
      fresh.classList.add("is-new");
    }
    fresh.querySelectorAll("time[datetime]").forEach((t) => {
      const when = window.i18n.dateTime(t.getAttribute("datetime"));
      if (when) t.title = when;
    });
    showEmpty();
  }

  document.addEventListener("socialnet:case-updated", (event) => {
    if (event.detail && typeof event.detail.id === "number") apply(event.detail);
  });
})();
