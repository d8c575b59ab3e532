/* socialnet top-bar search: a plain GET form to /search, enhanced with type-ahead.
 *
 * Typing asks /api/v1/search/suggest (people, groups, topics; at most 8 each) and shows
 * them as a listbox under the box (WAI-ARIA combobox pattern): ArrowDown/ArrowUp move the
 * active option, Enter opens it (or, with none active, submits the search), Escape closes
 * the list. Everything is built with textContent; nothing the server sends is inserted as
 * HTML. Without this file the form still searches.
 */
(() => {
  "use strict";

  const input = document.getElementById("topbar-search-q");
  const list = document.getElementById("topbar-search-list");
  if (!input || !list) return;
  const form = input.form;
  const DELAY_MS = 150;
  let timer = null;
  let asked = 0; // the latest request: older answers arriving late are ignored
  let active = -1;

  const options = () => Array.from(list.querySelectorAll("[role='option']"));

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function setActive(index) {
    const all = options();
    if (!all.length) return;
    active = (index + all.length) % all.length;
    all.forEach((el, i) => el.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  function option(label, detail, href, kind) {
    const li = document.createElement("li");
    li.id = `topbar-search-option-${list.children.length}`;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.className = `suggestion suggestion-${kind}`;
    li.dataset.href = href;
    const name = document.createElement("span");
    name.className = "suggestion-label";
    name.textContent = label;
    li.append(name);
    if (detail) {
      const more = document.createElement("span");
      more.className = "suggestion-detail muted small";
      more.textContent = detail;
      li.append(more);
    }
    li.addEventListener("mousedown", (event) => {
      event.preventDefault(); // keep focus in the box until we navigate
      window.location.assign(href);
    });
    return li;
  }

  function heading(text) {
    const li = document.createElement("li");
    li.setAttribute("role", "presentation");
    li.className = "suggestion-heading muted small";
    li.textContent = text;
    return li;
  }

  const topicDetail = (count) => ngettext("%(num)s post", "%(num)s posts", Number(count) || 0);

  function show(answer) {
    list.replaceChildren();
    const groups = [
      [_("People"), answer.people, (p) => option(p.display_name, p.job_title, `/people/${p.id}`, "person")],
      [_("Groups"), answer.groups, (g) => option(g.name, "", `/groups/${g.id}`, "group")],
      [_("Topics"), answer.topics, (t) => option(`#${t.tag}`, topicDetail(t.post_count), t.url, "topic")],
    ];
    for (const [title, items, build] of groups) {
      if (!items || !items.length) continue;
      list.append(heading(title));
      for (const item of items) list.append(build(item));
    }
    active = -1;
    if (!options().length) return close();
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  async function ask(text) {
    const mine = ++asked;
    let response;
    try {
      response = await fetch(`/api/v1/search/suggest?q=${encodeURIComponent(text)}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch {
      return; // offline: the form still searches
    }
    if (mine !== asked) return;
    if (!response.ok) return close(); // e.g. nothing to look for yet
    show(await response.json());
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (!text) {
      asked++;
      return close();
    }
    timer = setTimeout(() => ask(text), DELAY_MS);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (list.hidden) return;
      event.preventDefault();
      setActive(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Escape") {
      if (!list.hidden) {
        event.preventDefault();
        close();
      }
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(options()[active].dataset.href);
    }
  });

  input.addEventListener("blur", () => setTimeout(close, 100));
  if (form) form.addEventListener("submit", () => close());
})();
