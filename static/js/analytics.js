/* The analytics dashboard's charts, drawn with the vendored Chart.js from the page's
 * JSON data island (#analytics-data). No inline script or style: CSP-safe and offline.
 * The tables on the page are rendered by the server; these charts only add pictures.
 */
(() => {
  "use strict";

  const island = document.getElementById("analytics-data");
  if (!island || typeof window.Chart === "undefined") return;
  const data = JSON.parse(island.textContent);
  const css = getComputedStyle(document.documentElement);
  const ink = css.getPropertyValue("--muted").trim() || "#666";
  const palette = ["#3b5bdb", "#f08c00", "#2f9e44", "#c2255c", "#7048e8", "#1098ad"];
  window.Chart.defaults.color = ink;
  window.Chart.defaults.animation = false;
  window.Chart.defaults.locale = window.i18n.language; // axis and tooltip numbers: "1 500" in French

  // "2026-12-01" → "1 Dec" / "1 déc." in the page's language (a calendar day: no time zone shift).
  const dayLabel = (day) => window.i18n.format(day, { day: "numeric", month: "short", timeZone: "UTC" }) || day;
  const days = data.overview.daily.map((d) => dayLabel(d.day));
  const draw = (id, type, labels, datasets, extra = {}) => {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    const coloured = datasets.map((set, i) => ({
      borderColor: palette[i % palette.length],
      backgroundColor: palette[i % palette.length],
      pointRadius: 0,
      borderWidth: 2,
      ...set,
    }));
    new window.Chart(canvas, {
      type,
      data: { labels, datasets: coloured },
      options: {
        responsive: true,
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        ...extra,
      },
    });
  };
  const series = (rows, key) => rows.map((row) => row[key]);

  draw("chart-active", "line", days, [
    { label: _("Active people"), data: series(data.overview.daily, "active") },
  ]);
  draw("chart-volume", "bar", days, [
    { label: _("Posts"), data: series(data.overview.daily, "posts") },
    { label: _("Comments"), data: series(data.overview.daily, "comments") },
    { label: _("Reactions"), data: series(data.overview.daily, "reactions") },
  ]);
  draw(
    "chart-kudos",
    "bar",
    data.kudos.items.map((v) => v.name),
    [{ label: _("Kudos"), data: series(data.kudos.items, "kudos") }],
    { indexAxis: "y", plugins: { legend: { display: false } } },
  );
  draw("chart-moderation", "bar", data.moderation.daily.map((d) => dayLabel(d.day)), [
    { label: _("Opened"), data: series(data.moderation.daily, "opened") },
    { label: _("Closed"), data: series(data.moderation.daily, "closed") },
  ]);
  document.documentElement.dataset.analyticsCharts = "drawn";
})();
