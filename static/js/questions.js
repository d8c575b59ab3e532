/* socialnet question composer: similar questions while the title is typed.
 *
 * After a pause in typing, asks /api/v1/questions/similar?q=<title> and lists up to five
 * questions already asked (links to them, "answered" marked) under the title, so people
 * find the answer before asking again. Built with textContent only; nothing the server
 * sends is inserted as HTML. Without this file the composer works the same.
 */
(() => {
  "use strict";

  const DELAY_MS = 300;
  const MIN_LENGTH = 4;

  function enhance(form) {
    const input = form.querySelector("input[name='title']");
    const box = form.querySelector("[data-similar-questions]");
    if (!input || !box) return;
    const list = box.querySelector("ul");
    let timer = null;
    let asked = 0; // the latest request: older answers arriving late are ignored

    function clear() {
      list.replaceChildren();
      box.hidden = true;
    }

    function show(items) {
      list.replaceChildren();
      for (const item of items) {
        const li = document.createElement("li");
        const link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.title;
        li.append(link);
        if (item.answered) {
          const badge = document.createElement("span");
          badge.className = "badge badge-answered";
          badge.textContent = _("✔ Answered");
          li.append(" ", badge);
        }
        list.append(li);
      }
      box.hidden = items.length === 0;
    }

    async function ask(text) {
      const mine = ++asked;
      let response;
      try {
        response = await fetch(`/api/v1/questions/similar?q=${encodeURIComponent(text)}`, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
      } catch {
        return; // offline: asking still works
      }
      if (mine !== asked) return;
      if (!response.ok) return clear();
      show((await response.json()).items || []);
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      const text = input.value.trim();
      if (text.length < MIN_LENGTH) {
        asked++;
        return clear();
      }
      timer = setTimeout(() => ask(text), DELAY_MS);
    });
  }

  document.querySelectorAll("form[data-question-composer]").forEach(enhance);
})();
