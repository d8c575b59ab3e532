/* Avatars and live profile changes.
 *
 *  - window.socialnetAvatars.fill(el, person): put a person's photo (their `avatar_url`) or
 *    their initials in an avatar element; app.js calls it for posts and comments it builds.
 *  - `user.updated` (app.js re-dispatches it as the DOM event "socialnet:user-updated") is
 *    applied to the open page: every avatar of that person ([data-user-avatar]) and the name
 *    and job title on their posts and comments ([data-author-id]) and profile ([data-user-name]).
 *  - The profile edit page's photo forms go to PUT/DELETE /api/v1/me/avatar (the pages'
 *    own routes answer them without JavaScript).
 *
 * Safety: DOM built with textContent and attributes only; URLs come from the server's dicts
 * and must be our own avatar route.
 */
(function () {
  "use strict";
  var AVATAR_PATH = /^\/api\/v1\/users\/\d+\/avatar\/\d+\/\d+$/;

  function sized(url, px) {
    if (!url || !AVATAR_PATH.test(url)) return null;
    return url.replace(/\/\d+$/, "/" + px);
  }

  function fill(el, person) {
    if (!el || !person) return;
    var px = Number(el.dataset.px) || (el.classList.contains("avatar-lg") ? 160 : 64);
    el.dataset.userAvatar = String(person.id);
    el.dataset.px = String(px);
    var src = sized(person.avatar_url, px);
    el.textContent = "";
    if (src) {
      var img = document.createElement("img");
      img.src = src;
      img.alt = "";
      img.width = px;
      img.height = px;
      img.decoding = "async";
      el.appendChild(img);
    } else {
      el.textContent = person.initials || "·";
    }
  }

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  function applyUser(person) {
    if (!person || typeof person.id !== "number") return;
    var id = String(person.id);
    each('[data-user-avatar="' + id + '"]', function (el) { fill(el, person); });
    each('[data-author-id="' + id + '"]', function (card) {
      var name = card.querySelector('[data-field="author"]');
      if (name) name.textContent = person.display_name;
      var job = card.querySelector('[data-field="job"]');
      if (job) job.textContent = person.job_title || "";
    });
    each('[data-user-name="' + id + '"]', function (el) { el.textContent = person.display_name; });
  }

  window.socialnetAvatars = { fill: fill, apply: applyUser };
  document.addEventListener("socialnet:user-updated", function (event) {
    applyUser(event.detail);
  });

  // ------------------------------------------------------------ the profile edit page

  var form = document.getElementById("avatar-form");
  var removeForm = document.getElementById("avatar-remove-form");
  var status = document.getElementById("avatar-status");
  if (!form || !status) return;

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function send(method, body) {
    status.textContent = method === "PUT" ? _("Uploading your photo…") : _("Removing your photo…");
    return fetch("/api/v1/me/avatar", {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf() },
      body: body,
    })
      .then(function (response) {
        return response.json().then(
          function (data) { return { ok: response.ok, data: data }; },
          function () { return { ok: false, data: null }; }
        );
      })
      .then(function (answer) {
        if (!answer.ok) {
          status.textContent = (answer.data && answer.data.message) || _("Something went wrong: try again.");
          return;
        }
        applyUser(answer.data);
        if (removeForm) removeForm.hidden = !answer.data.avatar_url;
        status.textContent = answer.data.avatar_url
          ? _("Your photo is updated.")
          : _("Your photo is removed: your initials show instead.");
        form.reset();
      })
      .catch(function () {
        status.textContent = _("Network problem: check your connection and try again.");
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = form.querySelector('input[type="file"]');
    if (!input || !input.files.length) return;
    var body = new FormData();
    body.append("file", input.files[0]);
    send("PUT", body);
  });
  if (removeForm) {
    removeForm.addEventListener("submit", function (event) {
      event.preventDefault();
      send("DELETE");
    });
  }
})();
