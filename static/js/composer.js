/* One composer with kinds (templates/_composer.html): the tabs above the feed's post form
 * show one form at a time — a post, a question, a poll, kudos, a team success — instead of
 * a stack of cards. A WAI-ARIA tablist: ArrowLeft/ArrowRight/Home/End move between kinds,
 * each form is its tab's tabpanel. A form that came back with a draft (a refused
 * submission) is the one shown. Without this script every form stays on the page.
 */
(() => {
  "use strict";

  const tablist = document.querySelector("[data-kind-tabs]");
  if (!tablist) return;
  const tabs = Array.from(tablist.querySelectorAll('[role="tab"]'));
  const panels = new Map(tabs.map((tab) => [tab, document.getElementById(tab.getAttribute("aria-controls"))]));
  for (const [tab, panel] of panels) {
    if (!panel) {
      tab.remove();
      panels.delete(tab);
      continue;
    }
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", tab.id);
    panel.classList.add("kind-panel");
    if (panel instanceof HTMLDetailsElement) {
      panel.querySelector(":scope > summary")?.setAttribute("hidden", "");
    }
  }
  const live = Array.from(panels.keys());

  function select(tab, focus) {
    for (const [other, panel] of panels) {
      const on = other === tab;
      other.setAttribute("aria-selected", on ? "true" : "false");
      other.tabIndex = on ? 0 : -1;
      panel.hidden = !on;
      if (on && panel instanceof HTMLDetailsElement) panel.open = true;
    }
    if (focus) tab.focus();
  }

  tablist.addEventListener("click", (event) => {
    const tab = event.target.closest('[role="tab"]');
    if (tab && panels.has(tab)) select(tab, false);
  });
  tablist.addEventListener("keydown", (event) => {
    const index = live.indexOf(document.activeElement);
    if (index < 0) return;
    const moves = {
      ArrowRight: (index + 1) % live.length,
      ArrowLeft: (index - 1 + live.length) % live.length,
      Home: 0,
      End: live.length - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    select(live[moves[event.key]], true);
  });

  // the event form's times are in the browser's zone: the server needs its offset
  const eventForm = document.querySelector("[data-event-composer]");
  eventForm?.addEventListener("submit", () => {
    const when = new Date(eventForm.elements.namedItem("starts_at")?.value || Date.now());
    const offset = Number.isNaN(when.getTime()) ? 0 : when.getTimezoneOffset();
    eventForm.querySelector("[data-tz-offset-event]").value = String(offset);
  });

  const drafted = live.find((tab) => panels.get(tab) instanceof HTMLDetailsElement && panels.get(tab).open);
  tablist.hidden = false;
  tablist.closest("[data-composer-box]")?.classList.add("is-tabbed");
  select(drafted || live[0], false);
})();
