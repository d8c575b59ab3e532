/* The browser's strings in the page's language (socialnet/i18n.py embeds them as
 * #i18n-catalog on every page) and dates, numbers and plurals through Intl, in the
 * page's language and the company's time zone.
 *
 *   _("Saved.")                                  a translated string
 *   _("%(name)s commented", {name: "Zoé"})        with named parameters
 *   ngettext("%(num)s comment", "%(num)s comments", n)   a plural; %(num)s is n, formatted
 *   i18n.dateTime(iso), i18n.date(iso), i18n.relative(iso), i18n.number(n)
 *   i18n.parse(iso) → a Date or null (a string without a zone is UTC)
 *
 * Every string a person reads is written as _("…") or ngettext(…) so that
 * `make messages` extracts it; a string missing from the catalogue shows in English.
 */
(function () {
  "use strict";
  var node = document.getElementById("i18n-catalog");
  var catalog = { language: document.documentElement.lang || "en", timezone: undefined, messages: {} };
  if (node) {
    try { catalog = JSON.parse(node.textContent); } catch (e) { /* keep English */ }
  }
  var lang = catalog.language || "en";
  var plural = new Intl.PluralRules(lang);
  var numberFormat = new Intl.NumberFormat(lang);

  function fill(text, params) {
    if (!params) return text;
    return text.replace(/%\(([a-z_0-9]+)\)[sd]/gi, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : whole;
    });
  }

  function gettext(msgid, params) {
    var text = catalog.messages[msgid];
    return fill(typeof text === "string" ? text : msgid, params);
  }
  var _ = gettext; // this file's own strings, extracted like the others'

  function ngettextImpl(singular, pluralText, n, params) {
    var forms = catalog.messages[singular];
    var one = plural.select(n) === "one";
    var text = Array.isArray(forms) ? forms[one ? 0 : 1] : (one ? singular : pluralText);
    var values = Object.assign({ num: numberFormat.format(n) }, params || {});
    return fill(text, values);
  }

  function parse(value) {
    if (value instanceof Date) return value;
    if (!value) return null;
    var text = String(value);
    // The API answers UTC; a naive date and time is UTC too, "T" or space between them
    // (a template printing a naive UTC datetime gives "2026-12-05 10:00:00.123456").
    var naive = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(:\d\d(\.\d+)?)?)$/.exec(text);
    if (naive) text = naive[1] + "T" + naive[2] + "Z";
    var d = new Date(text);
    return isNaN(d.getTime()) ? null : d;
  }

  function format(value, options) {
    var d = parse(value);
    if (!d) return "";
    var opts = Object.assign({ timeZone: catalog.timezone }, options);
    try { return new Intl.DateTimeFormat(lang, opts).format(d); }
    catch (e) { delete opts.timeZone; return new Intl.DateTimeFormat(lang, opts).format(d); }
  }

  var UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400],
               ["hour", 3600], ["minute", 60]];

  /* "just now" under 45 seconds either way, then "1 minute ago", "in 3 hours", "yesterday"… */
  function relative(value, now) {
    var d = parse(value);
    if (!d) return "";
    var seconds = Math.round((d.getTime() - (now || Date.now())) / 1000);
    if (Math.abs(seconds) < 45) return _("just now");
    var rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
    for (var i = 0; i < UNITS.length; i++) {
      var size = UNITS[i][1];
      if (Math.abs(seconds) >= size || UNITS[i][0] === "minute") {
        return rtf.format(Math.round(seconds / size), UNITS[i][0]);
      }
    }
    return "";
  }

  window._ = gettext;
  window.ngettext = ngettextImpl;
  window.i18n = {
    language: lang,
    timezone: catalog.timezone,
    dateTime: function (v) { return format(v, { dateStyle: "medium", timeStyle: "short" }); },
    date: function (v) { return format(v, { dateStyle: "long" }); },
    time: function (v) { return format(v, { timeStyle: "short" }); },
    relative: relative,
    parse: parse,
    number: function (n) { return numberFormat.format(n); },
    format: format,
  };
})();
