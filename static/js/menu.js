/* On a narrow screen (CSS: max-width 760px) the top bar's main links fold behind a menu
 * button (aria-expanded); Escape or a click elsewhere closes it. Without this file the
 * links stay in the bar, wrapped. */
(() => {
  "use strict";

  const button = document.getElementById("menu-toggle");
  const topbar = button?.closest(".topbar");
  if (!button || !topbar) return;
  topbar.classList.add("has-menu");
  button.hidden = false;

  const set = (open) => {
    topbar.classList.toggle("menu-open", open);
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", () => set(button.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && topbar.classList.contains("menu-open")) {
      set(false);
      button.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (!topbar.contains(event.target)) set(false);
  });
})();
