/* Mentions and topics as you type, in every composer and comment box.
 *
 * Typing "@ju" offers people, then the groups the writer may name, "#qua" offers topics
 * (GET /api/v1/search/suggest, which only answers what the reader may see). The box is a WAI-ARIA combobox, as in search.js:
 * ArrowDown/ArrowUp move the active option, Enter or Tab writes it in, Escape closes the
 * list; the list is built with textContent only. A handle that matches nobody is named
 * under the box before posting ("it will stay plain text"), instead of silently staying text.
 * A group is offered (and its handle known) as policy.mentionable_groups_filter links it:
 * a public group, or one of the writer's own; a secret one only in a box posting inside it.
 */
(() => {
  "use strict";

  const BOXES =
    "#composer-body, #comment-body, #question-body, #kudos-message, #team-message, " +
    "#edit-body, #ann-body, textarea[data-mentions]";
  const DELAY_MS = 150;
  // what markup.py's MENTION_RE and HASHTAG_RE accept, typed up to the caret
  const TYPING = /(^|[^\p{L}\p{N}_@#/&])([@#])([\p{L}\p{N}_][\p{L}\p{N}_.-]{0,62})$/u;
  const HANDLES = /(?:^|[^\p{L}\p{N}_@#/&])@([A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?)/gu;
  const fold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  const known = new Map(); // "<group here>:<folded handle>" → true | false | a Promise
  let serial = 0;

  async function suggest(text) {
    const response = await fetch(`/api/v1/search/suggest?q=${encodeURIComponent(text)}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return { people: [], groups: [], topics: [] };
    return response.json();
  }

  // the group a box posts in (a group page's composer, the audience chosen), or 0
  const groupHere = (box) => Number(box.form?.elements.namedItem("group_id")?.value) || 0;

  // what socialnet/policy/groups.mentionable_groups_filter lets the writer name
  function nameable(group, here) {
    if (!group.handle) return false;
    if (group.type === "public") return true;
    return Boolean(group.my_role) && (group.type !== "secret" || group.id === here);
  }

  function handleExists(handle, here) {
    const handleKey = fold(handle);
    const key = `${here}:${handleKey}`;
    if (!known.has(key)) {
      known.set(
        key,
        suggest(handle.replace(/[._-]+/g, " "))
          .then(
            (answer) =>
              (answer.people || []).some((p) => fold(p.handle || "") === handleKey) ||
              (answer.groups || []).some(
                (g) => fold(g.handle || "") === handleKey && nameable(g, here),
              ),
          )
          .catch(() => true) // offline: say nothing rather than something wrong
          .then((found) => {
            known.set(key, found);
            return found;
          }),
      );
    }
    return known.get(key);
  }

  function enhance(box) {
    if (box.dataset.mentionsReady) return;
    box.dataset.mentionsReady = "1";
    const n = ++serial;
    const list = document.createElement("ul");
    list.id = `mention-list-${n}`;
    list.className = "mention-list card";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", _("Suggestions"));
    list.hidden = true;
    const warning = document.createElement("p");
    warning.id = `mention-warning-${n}`;
    warning.className = "mention-warning small";
    warning.setAttribute("role", "status");
    warning.hidden = true;
    box.after(list, warning);
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("aria-controls", list.id);
    const described = (box.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    box.setAttribute("aria-describedby", [...described, warning.id].join(" "));

    let timer = null;
    let checkTimer = null;
    let asked = 0;
    let active = -1;
    let token = null; // {start, end, sign}: the @word or #word being typed

    const options = () => Array.from(list.querySelectorAll("[role='option']"));

    function close() {
      list.hidden = true;
      list.replaceChildren();
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      const all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach((el, i) => el.setAttribute("aria-selected", String(i === active)));
      box.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function choose(el) {
      if (!token) return close();
      const text = `${token.sign}${el.dataset.value} `;
      box.setRangeText(text, token.start, token.end, "end");
      token = null;
      close();
      box.focus();
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function option(label, detail, value) {
      const li = document.createElement("li");
      li.id = `${list.id}-option-${list.children.length}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.className = "suggestion";
      li.dataset.value = value;
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
        event.preventDefault(); // keep the caret in the box
        choose(li);
      });
      return li;
    }

    function show(sign, answer) {
      list.replaceChildren();
      if (sign === "@") {
        for (const p of answer.people || []) {
          if (p.handle) list.append(option(p.display_name, `@${p.handle}`, p.handle));
        }
        const here = groupHere(box);
        for (const g of answer.groups || []) {
          if (nameable(g, here)) {
            list.append(option(g.name, _("Group · @%(handle)s", { handle: g.handle }), g.handle));
          }
        }
      } else {
        for (const t of answer.topics || []) {
          const uses = ngettext("%(num)s post", "%(num)s posts", Number(t.post_count) || 0);
          list.append(option(`#${t.tag}`, uses, t.tag));
        }
      }
      active = -1;
      if (!options().length) return close();
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
    }

    async function checkHandles() {
      const handles = [...new Set([...box.value.matchAll(HANDLES)].map((m) => m[1]))];
      const here = groupHere(box);
      const found = await Promise.all(handles.map((h) => handleExists(h, here)));
      const nobody = handles.filter((_h, i) => !found[i]);
      warning.hidden = nobody.length === 0;
      warning.textContent = nobody.length
        ? ngettext(
            "Nobody has the handle %(handles)s: it will stay plain text.",
            "Nobody has the handles %(handles)s: they will stay plain text.",
            nobody.length,
            { handles: nobody.map((h) => `@${h}`).join(", ") },
          )
        : "";
    }

    box.addEventListener("input", () => {
      clearTimeout(timer);
      clearTimeout(checkTimer);
      checkTimer = setTimeout(checkHandles, 400);
      const caret = box.selectionStart;
      const match = box.selectionEnd === caret ? TYPING.exec(box.value.slice(0, caret)) : null;
      if (!match) {
        token = null;
        asked++;
        return close();
      }
      const [, , sign, word] = match;
      token = { start: caret - word.length - 1, end: caret, sign };
      const mine = ++asked;
      timer = setTimeout(async () => {
        let answer;
        try {
          answer = await suggest(sign === "@" ? word.replace(/[._-]+/g, " ") : word);
        } catch {
          return close();
        }
        if (mine === asked) show(sign, answer);
      }, DELAY_MS);
    });

    box.addEventListener("keydown", (event) => {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        setActive(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        choose(options()[active]);
      }
    });

    box.addEventListener("blur", () => setTimeout(close, 150));
    box.form?.addEventListener("submit", close);
    if (box.value) checkHandles();
  }

  document.querySelectorAll(BOXES).forEach(enhance);
  // boxes that arrive later (a live feed card's reply box) on their first focus
  document.addEventListener("focusin", (event) => {
    if (event.target instanceof HTMLTextAreaElement && event.target.matches(BOXES)) {
      enhance(event.target);
    }
  });
})();
