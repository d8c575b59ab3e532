/* socialnet web client: progressive enhancement of the server-rendered pages.
 *
 * Every form works without this file. With it:
 *  - the composer, comment, reaction and delete forms call the JSON API (fetch + X-CSRFToken);
 *  - a Socket.IO connection applies live events (new posts, comments, reactions, edits, deletes).
 *
 * Safety rule: DOM is built with textContent; the only HTML ever inserted is `body_html`,
 * which the server has already sanitized, and a poll block rendered (escaped) by the server's
 * /polls/<id>/fragment (the page's CSP forbids inline scripts anyway).
 *
 * Event protocol (see socialnet/realtime/sockets.py): connect with auth.last_event_id = the
 * head id embedded in the page; buffer live events until `catchup`; apply catchup events,
 * then buffered ones above `head`, then live ones whose id is new. Reload if truncated.
 */
(() => {
  "use strict";

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const configEl = document.getElementById("live-config");
  const config = configEl ? JSON.parse(configEl.textContent) : null;
  const REACTION_KINDS = ["like", "celebrate", "support", "insightful", "funny"];

  // ---------------------------------------------------------------- helpers

  const csrfToken = () => $('meta[name="csrf-token"]')?.content ?? "";

  class ApiError extends Error {
    constructor(message, status) {
      super(message);
      this.status = status;
    }
  }

  async function api(method, path, body) {
    const options = {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch {
      throw new ApiError(_("Network problem: check your connection and try again."), 0);
    }
    let data = null;
    if (response.status !== 204) {
      try {
        data = await response.json();
      } catch {
        data = null;
      }
    }
    if (!response.ok) {
      const fallback = _("Something went wrong (%(status)s).", { status: response.status });
      throw new ApiError(data?.message || fallback, response.status);
    }
    return data;
  }

  /** "Guest · Company" after a guest's name (issue #19), like _avatar.html's guest_badge. */
  function markGuest(authorEl, person) {
    authorEl.parentNode.querySelector(":scope > .guest-badge")?.remove();
    if (!person || !person.is_guest) return;
    const badge = document.createElement("span");
    badge.className = "guest-badge";
    badge.textContent = _("Guest · %(company)s", { company: person.guest_company || "" });
    authorEl.after(badge);
  }

  let announcer = null;
  function announce(message) {
    if (!announcer) {
      announcer = document.createElement("div");
      announcer.className = "sr-only";
      announcer.setAttribute("aria-live", "polite");
      document.body.append(announcer);
    }
    announcer.textContent = "";
    window.setTimeout(() => {
      announcer.textContent = message;
    }, 50);
  }

  let toastTimer = 0;
  function toast(message) {
    let box = $("#toast");
    if (!box) {
      box = document.createElement("div");
      box.id = "toast";
      box.className = "toast";
      box.setAttribute("role", "alert");
      document.body.append(box);
    }
    box.textContent = message;
    box.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(() => {
      box.hidden = true;
    }, 6000);
  }

  function showFormError(el, message) {
    if (!el) return toast(message);
    el.textContent = message;
    el.hidden = !message;
  }

  // ---------------------------------------------------------------- time

  // In the page's language and the company's time zone (static/js/i18n.js).
  const SLOT_FORMAT = {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  };

  /** A <time datetime>: "just now", "5 minutes ago", "in 2 days", older than a week its date. */
  function formatTime(el) {
    const value = el.getAttribute("datetime");
    if (!value || !value.includes("T")) return;
    const date = i18n.parse(value);
    if (!date) return;
    const abs = Math.abs(date.getTime() - Date.now()) / 1000;
    let text;
    if (el.dataset.format === "absolute") text = i18n.format(date, SLOT_FORMAT);
    else if (abs < 7 * 86400) text = i18n.relative(date);
    else text = i18n.dateTime(date);
    el.textContent = text;
    el.title = i18n.dateTime(date);
  }

  const formatTimes = (root = document) => $$("time[datetime]", root).forEach(formatTime);
  // Another script swapped server-rendered HTML in (circles.js): its times read like the rest.
  document.addEventListener("socialnet:replaced", (event) => formatTimes(event.detail));

  // ---------------------------------------------------------------- post cards

  const postEl = (id) => document.getElementById(`post-${id}`);
  const here = () => location.pathname + location.search;

  function setCounts(el, reactions, changedKind) {
    if (!reactions) return;
    for (const kind of REACTION_KINDS) {
      const button = $(`button.reaction[data-kind="${kind}"]`, el);
      const count = button && $('[data-field="count"]', button);
      if (!count) continue;
      const value = Number(reactions[kind] ?? 0);
      if (count.textContent !== String(value) && kind === changedKind) {
        button.classList.remove("bump");
        void button.offsetWidth; // restart the animation
        button.classList.add("bump");
      }
      count.textContent = String(value);
      count.toggleAttribute("data-zero", value === 0);
    }
  }

  function setPressed(el, kind, on) {
    const form = $(`form.reaction-form[data-kind="${kind}"]`, el);
    if (!form) return;
    $("button", form).setAttribute("aria-pressed", on ? "true" : "false");
    const active = $('input[name="active"]', form);
    if (active) active.value = on ? "0" : "1";
  }

  function setCommentCount(el, count) {
    const number = $('[data-field="comment-count"]', el);
    const label = $('[data-field="comment-label"]', el);
    if (!number) return;
    const value = Math.max(0, count);
    number.textContent = String(value);
    if (label) label.textContent = ngettext("comment", "comments", value);
  }

  const commentCount = (el) => Number($('[data-field="comment-count"]', el)?.textContent || 0);

  /** Update the parts of a card that can change: body, edited marker, counts, own reactions. */
  function fillPost(el, post) {
    const body = $('[data-field="body"]', el);
    if (body && typeof post.body_html === "string") body.innerHTML = post.body_html; // sanitized
    const edited = $('[data-field="edited"]', el);
    if (edited) {
      edited.hidden = !post.edited_at;
      if (post.edited_at) edited.title = _("Edited %(when)s", { when: i18n.dateTime(post.edited_at) });
    }
    setCounts(el, post.reactions);
    if (Array.isArray(post.my_reactions)) {
      for (const kind of REACTION_KINDS) setPressed(el, kind, post.my_reactions.includes(kind));
    }
    if (typeof post.comment_count === "number") setCommentCount(el, post.comment_count);
    if (typeof post.moderation_state === "string") markModerated(el, post.moderation_state);
    if (Array.isArray(post.files)) setFiles(el, post.files);
  }

  /** Draw ``files`` on a post card (after its body, poll or event) or a comment. */
  function setFiles(el, files) {
    const current = el.querySelector(':scope > [data-field="files"], :scope > .comment-main > [data-field="files"]');
    const fresh = window.socialnetFiles?.render(files) ?? null; // static/js/files.js
    if (current) {
      if (fresh) current.replaceWith(fresh);
      else current.remove();
      return;
    }
    if (!fresh) return;
    $('[data-field="body"]', el)?.after(fresh); // polls and events carry no files
  }

  /** A new card from the server-rendered <template>, filled with textContent. */
  function buildPost(post) {
    const template = document.getElementById("post-template");
    if (!template) return null;
    const el = template.content.firstElementChild.cloneNode(true);
    const id = Number(post.id);
    const authorId = Number(post.author.id);
    const permalink = `/posts/${id}`;
    el.id = `post-${id}`;
    el.dataset.postId = String(id);
    el.dataset.authorId = String(authorId);
    el.setAttribute("aria-labelledby", `post-${id}-author`);
    const author = $('[data-field="author"]', el);
    author.id = `post-${id}-author`;
    author.href = `/people/${authorId}`;
    author.textContent = post.author.display_name;
    markGuest(author, post.author);
    const avatar = $('[data-field="avatar"]', el);
    avatar.href = `/people/${authorId}`;
    avatar.textContent = post.author.initials;
    window.socialnetAvatars?.fill(avatar, post.author); // avatars.js: the photo, if any
    $('[data-field="job"]', el).textContent = post.author.job_title || "";
    $('[data-field="permalink"]', el).href = permalink;
    const created = $('[data-field="created"]', el);
    created.setAttribute("datetime", post.created_at || "");
    created.textContent = post.created_at || "";
    for (const form of $$("form.reaction-form", el)) {
      form.action = `${permalink}/reactions/${form.dataset.kind}`;
      $('input[name="next"]', form).value = here();
    }
    $('[data-field="comments-link"]', el).href = `${permalink}#comments`;
    const viewAll = $('[data-field="view-all"]', el);
    if (viewAll) viewAll.href = `${permalink}#comments`;
    const reply = $('[data-field="reply-form"]', el);
    if (reply) {
      reply.action = `${permalink}/comments`;
      $('[data-field="reply-body"]', reply).id = `reply-${id}`;
      $('[data-field="reply-label"]', reply).htmlFor = `reply-${id}`;
      if (post.comments_enabled === false) reply.remove();
    }
    const title = $('[data-field="title"]', el);
    if (title) {
      $('[data-field="title-text"]', title).textContent = post.title || "";
      title.hidden = !post.title;
    }
    const group = $('[data-field="group"]', el);
    const groupName = post.group_id ? config.groups?.[String(post.group_id)] : null;
    if (group && groupName && config.page !== "group") {
      const link = $('[data-field="group-link"]', group);
      link.href = `/groups/${Number(post.group_id)}`;
      link.textContent = groupName;
      group.hidden = false;
    }
    const mine = authorId === config.me;
    const edit = $('[data-field="edit"]', el);
    if (mine) edit.href = `${permalink}/edit`;
    else edit.remove();
    const del = $('[data-field="delete"]', el);
    if (mine || config.moderator) {
      del.action = `${permalink}/delete`;
      $('input[name="next"]', del).value = here();
    } else {
      del.remove();
    }
    fillModerationControls(el, "post", id, mine);
    fillPost(el, post);
    formatTimes(el);
    return el;
  }

  /** A comment's text, "edited" mark and files, from its dict (``comment.updated`` too). */
  function fillComment(el, comment) {
    $('[data-field="body"]', el).innerHTML = comment.body_html; // sanitized by the server
    const edited = $('[data-field="edited"]', el);
    if (edited) {
      edited.hidden = !comment.edited_at;
      if (comment.edited_at) edited.title = _("Edited %(when)s", { when: i18n.dateTime(comment.edited_at) });
    }
    if (Array.isArray(comment.files)) setFiles(el, comment.files);
  }

  /** The comment is its question's best answer (the card's best-answer block names it). */
  function isBestAnswer(comment) {
    if (typeof comment.is_best_answer === "boolean") return comment.is_best_answer;
    const block = postEl(comment.post_id)?.querySelector('[data-field="best-answer"]');
    return Boolean(block?.dataset.bestAnswerId) && Number(block.dataset.bestAnswerId) === Number(comment.id);
  }

  function buildComment(comment) {
    const template = document.getElementById("comment-template");
    if (!template) return null;
    const el = template.content.firstElementChild.cloneNode(true);
    const id = Number(comment.id);
    const authorId = Number(comment.author.id);
    el.id = `comment-${id}`;
    el.dataset.commentId = String(id);
    const avatar = $('[data-field="avatar"]', el);
    avatar.href = `/people/${authorId}`;
    avatar.textContent = comment.author.initials;
    window.socialnetAvatars?.fill(avatar, comment.author);
    const author = $('[data-field="author"]', el);
    author.href = `/people/${authorId}`;
    author.textContent = comment.author.display_name;
    markGuest(author, comment.author);
    const created = $('[data-field="created"]', el);
    created.setAttribute("datetime", comment.created_at || "");
    fillComment(el, comment);
    const badge = $('[data-field="best-answer-badge"]', el);
    if (badge) badge.hidden = !isBestAnswer(comment);
    el.dataset.authorId = String(authorId);
    const edit = $('[data-field="edit"]', el);
    if (authorId === config.me) edit.href = `/comments/${id}/edit`;
    else edit.remove();
    fillModerationControls(el, "comment", id, authorId === config.me);
    const del = $('[data-field="delete"]', el);
    const postAuthor = Number(postEl(comment.post_id)?.dataset.authorId);
    if (authorId === config.me || postAuthor === config.me || config.moderator) {
      del.action = `/comments/${id}/delete`;
      $('input[name="next"]', del).value = here();
    } else {
      del.remove();
    }
    formatTimes(el);
    return el;
  }

  // ---------------------------------------------------------------- moderation

  /** A card built from a <template>: its "Report" form names this post/comment (none on one's own). */
  function fillModerationControls(el, type, id, mine) {
    const report = $('[data-field="report"]', el);
    if (!report) return;
    if (mine) {
      report.remove();
      return;
    }
    $('[data-field="report-target"]', report).value = String(id);
    $('[data-field="report-next"]', report).value = here();
    const text = $('[data-field="report-text"]', report);
    text.id = `report-text-${type}-${id}`;
    $('[data-field="report-label"]', report).htmlFor = text.id;
  }

  /** Show the author "Hidden by moderation" on their own content instead of removing it
   * ("Pending approval" while held; nothing once published, e.g. approved or restored). */
  function markModerated(el, state) {
    const badge = $('[data-field="mod-state"]', el);
    if (!badge) return;
    if (state === "published") {
      badge.hidden = true;
      el.classList.remove("is-moderated");
      return;
    }
    badge.textContent = state === "pending" ? _("Pending approval") : _("Hidden by moderation");
    badge.classList.toggle("badge-hidden", state !== "pending");
    badge.hidden = false;
    el.classList.add("is-moderated");
  }

  function removeHighlights(id) {
    $$(`[data-highlight-post-id="${Number(id)}"]`).forEach((card) => {
      const strip = card.closest(".highlights");
      card.remove();
      if (strip && !$("[data-highlight-post-id]", strip)) strip.remove();
    });
  }

  // ---------------------------------------------------------------- live feed insertion

  const feed = $("[data-live-feed]");
  const newPostsButton = $("#new-posts");
  let pending = [];

  function belongsHere(post) {
    if (!feed || !config) return false;
    if (config.first_page === false) return false;
    if (config.page === "profile") return Number(post.author.id) === config.author_id;
    if (config.page === "group") return post.group_id === config.group_id;
    if (config.page !== "feed") return false;
    // The home feed: the company space and my groups (a public group I left may still talk).
    if (post.group_id && !(String(post.group_id) in (config.groups || {}))) return false;
    if (!config.tag) return true;
    const scratch = document.createElement("template");
    scratch.innerHTML = post.body_html; // inert: template content never runs or loads anything
    return $$("a.hashtag", scratch.content).some((a) => {
      const url = new URL(a.getAttribute("href") || "", location.origin);
      return (url.searchParams.get("tag") || "").toLowerCase() === config.tag;
    });
  }

  function scrolledAway() {
    if (!feed) return false;
    const topbar = $(".topbar")?.offsetHeight ?? 0;
    return feed.getBoundingClientRect().top < topbar - 1;
  }

  function insertPost(post, { highlight = true } = {}) {
    if (postEl(post.id)) return postEl(post.id);
    const el = buildPost(post);
    if (!el) return null;
    $("[data-empty]", feed)?.remove();
    if (highlight) el.classList.add("is-new");
    feed.prepend(el);
    if (post.kind === "poll" && post.poll) refreshPoll(post.poll.id, el);
    if (["kudos", "celebration", "question"].includes(post.kind)) refreshCard(post.id);
    return el;
  }

  function updateNewPostsButton() {
    if (!newPostsButton) return;
    const n = pending.length;
    newPostsButton.hidden = n === 0;
    newPostsButton.textContent = ngettext("%(num)s new post ↑", "%(num)s new posts ↑", n);
  }

  function revealPending() {
    const posts = pending;
    pending = [];
    updateNewPostsButton();
    posts.sort((a, b) => a.id - b.id).forEach((post) => insertPost(post));
    // The feed starts below the pinned announcements and the composers: scrolling to the
    // page's top would leave the new posts under the fold. Bring the newest one into view.
    const first = feed?.firstElementChild;
    if (first) {
      bringIntoView(first);
      first.setAttribute("tabindex", "-1");
      first.focus({ preventScroll: true });
    }
  }

  /** Scroll ``el`` to just under the sticky top bar (.feed > * has a scroll-margin-top). */
  function bringIntoView(el) {
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    el.scrollIntoView({ block: "start", behavior: reduce ? "auto" : "smooth" });
  }

  /** True when ``el`` is wholly visible under the sticky top bar. */
  function inView(el) {
    const box = el.getBoundingClientRect();
    const topbar = $(".topbar")?.offsetHeight ?? 0;
    return box.top >= topbar && box.top < window.innerHeight - 40;
  }

  newPostsButton?.addEventListener("click", revealPending);

  // ---------------------------------------------------------------- event handlers

  const countedComments = new Set(); // comment ids already added to a count on this page
  const removedComments = new Set(); // comment ids already subtracted

  function addComment(comment) {
    if (countedComments.has(comment.id)) return;
    countedComments.add(comment.id);
    const card = postEl(comment.post_id);
    if (card) setCommentCount(card, commentCount(card) + 1);
    const pendingPost = pending.find((p) => p.id === comment.post_id);
    if (pendingPost) pendingPost.comment_count += 1;
    if (card) appendToCard(card, comment);
    const list = $("#comment-list");
    const morePages = $(".comments-card .pager");
    if (list && Number(list.dataset.postId) === comment.post_id && !morePages) {
      if (!document.getElementById(`comment-${comment.id}`)) {
        const el = buildComment(comment);
        if (el) {
          el.classList.add("is-new");
          list.append(el);
          $("#no-comments")?.setAttribute("hidden", "");
        }
      }
    }
  }

  function removeComment(id, postId) {
    document.getElementById(`comment-${id}`)?.remove();
    if (removedComments.has(id)) return;
    removedComments.add(id);
    const card = postEl(postId);
    if (card) setCommentCount(card, commentCount(card) - 1);
    if (card) updateViewAll(card);
    const list = $("#comment-list");
    if (list && !list.children.length) $("#no-comments")?.removeAttribute("hidden");
  }

  // ---------------------------------------------------------------- a feed card's comments

  /** "View all N comments" shows while the card lists fewer comments than the post has. */
  function updateViewAll(card) {
    const link = $('[data-field="view-all"]', card);
    const list = $('[data-field="card-comment-list"]', card);
    if (!link || !list) return;
    const total = commentCount(card);
    link.textContent = ngettext("View all %(num)d comment", "View all %(num)d comments", total);
    link.hidden = total <= list.children.length;
  }

  function appendToCard(card, comment) {
    const list = $('[data-field="card-comment-list"]', card);
    if (!list || document.getElementById(`comment-${comment.id}`)) return updateViewAll(card);
    const el = buildComment(comment);
    if (el) {
      el.classList.add("is-new");
      list.append(el);
    }
    updateViewAll(card);
  }

  /** Every comment of the post in place of the latest two, oldest first (pages of 100). */
  async function showAllComments(link) {
    const card = link.closest("[data-post-id]");
    const list = $('[data-field="card-comment-list"]', card);
    const postId = Number(card.dataset.postId);
    link.setAttribute("aria-busy", "true");
    try {
      const items = [];
      let cursor = "";
      do {
        const page = await api(
          "GET",
          `/api/v1/posts/${postId}/comments?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        );
        items.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      const built = items.map((c) => buildComment({ ...c, post_id: postId })).filter(Boolean);
      list.replaceChildren(...built);
      for (const c of items) countedComments.add(c.id);
      setCommentCount(card, Math.max(commentCount(card), items.length));
      link.hidden = true;
      built[0]?.setAttribute("tabindex", "-1");
      built[0]?.focus({ preventScroll: true });
      announce(ngettext("%(num)d comment shown.", "%(num)d comments shown.", items.length));
    } catch (err) {
      if (err.status === 404) removePost(postId);
      toast(err.message);
    } finally {
      link.removeAttribute("aria-busy");
    }
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest?.('[data-field="view-all"]');
    if (!link || !window.fetch || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    showAllComments(link);
  });

  async function submitReply(form) {
    const card = form.closest("[data-post-id]");
    const postId = Number(card.dataset.postId);
    const textarea = $("textarea", form);
    const error = $('[data-field="reply-error"]', form);
    const button = $('button[type="submit"]', form);
    button.disabled = true;
    showFormError(error, "");
    try {
      const comment = await api("POST", `/api/v1/posts/${postId}/comments`, {
        body: textarea.value,
      });
      textarea.value = "";
      addComment(comment);
      announce(_("Comment added."));
    } catch (err) {
      showFormError(error, err.message);
    } finally {
      button.disabled = false;
    }
  }

  function removePost(id) {
    pending = pending.filter((p) => p.id !== id);
    updateNewPostsButton();
    postEl(id)?.remove();
    if (config?.page === "post" && config.post_id === id) {
      $("#post-gone")?.removeAttribute("hidden");
      $("#comments")?.setAttribute("hidden", "");
    }
  }

  const handlers = {
    "user.updated"(person) {
      // names and avatars on the open page: avatars.js applies it
      document.dispatchEvent(new CustomEvent("socialnet:user-updated", { detail: person }));
    },
    "post.created"(post) {
      const existing = postEl(post.id);
      if (existing) return fillPost(existing, post);
      if (!belongsHere(post)) return;
      if (pending.some((p) => p.id === post.id)) return;
      if (scrolledAway()) {
        pending.push(post);
        updateNewPostsButton();
      } else {
        insertPost(post);
        announce(_("New post from %(name)s", { name: post.author.display_name }));
      }
    },
    "post.updated"(post) {
      const el = postEl(post.id);
      if (el) fillPost(el, post);
      pending = pending.map((p) => (p.id === post.id ? post : p));
    },
    "post.deleted"(data) {
      removePost(data.id);
    },
    "comment.created"(comment) {
      addComment(comment);
    },
    "comment.updated"(comment) {
      const el = document.getElementById(`comment-${Number(comment.id)}`);
      if (el) fillComment(el, comment); // elsewhere (not shown here): nothing to count
    },
    "comment.deleted"(data) {
      removeComment(data.id, data.post_id);
    },
    "post.hidden"(data) {
      // Moderation took a post out of sight ("moved": it reappears where it now lives).
      removeHighlights(data.id);
      const el = postEl(data.id);
      const own = el && Number(el.dataset.authorId) === config.me;
      if (own && data.moderation_state === "hidden") return markModerated(el, "hidden");
      const gone = $("#post-gone");
      if (gone && config.page === "post" && config.post_id === data.id) {
        gone.textContent = data.moderation_state === "moved"
          ? _("A moderator moved this post: reload to see it in its new place.")
          : _("This post is no longer available.");
      }
      removePost(data.id);
    },
    "comment.hidden"(data) {
      // A question showing this comment as its best answer shows it no more.
      const best = document.querySelector(`[data-best-answer-id="${Number(data.id)}"]`);
      if (best && typeof data.post_id === "number") refreshCard(data.post_id);
      const el = document.getElementById(`comment-${Number(data.id)}`);
      const own = el && Number(el.dataset.authorId) === config.me;
      if (own && data.moderation_state === "hidden") markModerated(el, "hidden");
      else removeComment(data.id, data.post_id);
    },
    "circle.updated"(data) {
      // An open circle page re-reads itself for this viewer (circles.js listens).
      document.dispatchEvent(new CustomEvent("socialnet:circle-changed", { detail: data }));
    },
    "circle.topic.changed"(data) {
      handlers["circle.updated"](data);
    },
    "circle.session.changed"(data) {
      handlers["circle.updated"](data);
    },
    "member.joined"(data) {
      // A circle is a group: its members are the group's.
      if (data && typeof data.group_id === "number") {
        handlers["circle.updated"]({ circle_id: data.group_id });
      }
    },
    "member.left"(data) {
      handlers["member.joined"](data);
    },
    "case.updated"(data) {
      // The review queue's script (moderation.js) listens for this.
      document.dispatchEvent(new CustomEvent("socialnet:case-updated", { detail: data }));
    },
    "announcement.created"(data) {
      insertPinned(data);
    },
    "notification.created"(data) {
      bell.onNotification(data);
    },
    "kudos.created"(data) {
      if (data?.post) handlers["post.created"]({ ...data.post, kudos: data.kudos });
    },
    "celebration.created"(data) {
      if (data?.post) handlers["post.created"]({ ...data.post, celebration: data.celebration });
    },
    "question.answered"(data) {
      // The card shows the best answer: the server renders it (escaped) for this viewer.
      if (data && typeof data.post_id === "number" && postEl(data.post_id)) refreshCard(data.post_id);
    },
    "question.unanswered"(data) {
      handlers["question.answered"](data);
    },
    "event.updated"(data) {
      // Counts and seats, live on every block showing this event; one's own answer and
      // waiting position come with the next page load (the event is the public view).
      if (!data || typeof data.id !== "number") return;
      const c = data.counts || {};
      const parts = [
        ngettext("%(num)d going", "%(num)d going", c.going || 0),
        ngettext("%(num)d maybe", "%(num)d maybe", c.maybe || 0),
      ];
      if (c.waiting) parts.push(ngettext("%(num)d waiting", "%(num)d waiting", c.waiting));
      if (typeof data.seats_left === "number") {
        parts.push(ngettext("%(num)d seat left", "%(num)d seats left", data.seats_left));
      }
      let answered = false;
      for (const block of document.querySelectorAll(`[data-event-id="${data.id}"]`)) {
        const counts = block.querySelector("[data-field='event-counts']");
        if (counts) counts.textContent = parts.join(" · ");
        if (block.querySelector("[data-field='event-mine']")) answered = true;
      }
      // Someone else's answer may move one's own place in line: re-read it.
      if (answered) refreshMyAnswer(data.id);
      // A circle page showing this event as a session (its time, place) re-reads itself.
      const session = document.querySelector(`[data-circle-id] [data-session-event="${data.id}"]`);
      if (session) {
        const circleId = Number(session.closest("[data-circle-id]").dataset.circleId);
        handlers["circle.updated"]({ circle_id: circleId });
      }
    },
    "pain_point.updated"(data) {
      // Voices, status and time at stake, live on every block showing this pain point
      // (the public view: one's own vote shows with the next page load).
      if (!data || typeof data.id !== "number") return;
      const labels = {
        new: _("New"),
        acknowledged: _("Acknowledged"),
        in_progress: _("In progress"),
        solved: _("Solved"),
        wont_fix: _("Won't fix"),
      };
      let voices = ngettext("%(num)d person affected", "%(num)d people affected", data.votes);
      if (data.recent_votes) {
        voices += " · " + ngettext("%(num)d this week", "%(num)d this week", data.recent_votes);
      }
      const hours = [];
      if (typeof data.hours_per_week === "number") {
        hours.push(_("%(hours)s h a week per person", { hours: data.hours_per_week }));
        if (data.hours_at_stake) {
          hours.push(_("%(hours)s h a week at stake", { hours: data.hours_at_stake }));
        }
        if (data.hours_given_back) {
          hours.push(_("%(hours)s h a week given back", { hours: data.hours_given_back }));
        }
      }
      for (const block of document.querySelectorAll(`[data-pain-point-id="${data.id}"]`)) {
        const votes = block.querySelector("[data-field='pp-votes']");
        if (votes) votes.textContent = voices;
        const status = block.querySelector("[data-field='pp-status']");
        if (status && Object.hasOwn(labels, data.status)) {
          status.textContent = labels[data.status];
          status.className = `badge badge-status-${data.status}`;
        }
        const time = block.querySelector("[data-field='pp-hours']");
        if (time && hours.length) time.textContent = hours.join(" · ");
      }
    },
    "poll.updated"(data) {
      if (data && typeof data.poll_id === "number") refreshPoll(data.poll_id);
    },
    "reaction.updated"(data) {
      const el = postEl(data.post_id);
      const pendingPost = pending.find((p) => p.id === data.post_id);
      if (pendingPost) pendingPost.reactions = data.reactions;
      if (!el) return;
      setCounts(el, data.reactions, data.kind);
      if (data.user_id === config.me) setPressed(el, data.kind, data.active);
    },
  };

  /** One's own answer to an event, in words (as templates/_event.html says it). */
  function myAnswerText(mine) {
    if (mine.status === "going") return _("You are going.");
    if (mine.status === "maybe") return _("You might go.");
    if (mine.status === "declined") return _("You are not going.");
    return _("You are on the waiting list, number %(num)s.", { num: mine.waiting_position });
  }

  async function refreshMyAnswer(eventId) {
    let event;
    try {
      event = await api("GET", `/api/v1/events/${eventId}`);
    } catch {
      return; // gone from sight, or offline: the next page load tells
    }
    if (!event || !event.my_rsvp) return;
    for (const block of document.querySelectorAll(`[data-event-id="${eventId}"]`)) {
      const mine = block.querySelector("[data-field='event-mine']");
      if (mine) mine.textContent = myAnswerText(event.my_rsvp);
    }
  }

  // ---------------------------------------------------------------- socket protocol

  /** Applied ids remembered above the floor; past this, ids far below the newest are dropped. */
  const SEEN_MAX = 2000;

  // When a server restarts, every open page loses its socket at the same instant. Each
  // reconnects after a growing delay (1.5 s, 3 s, 6 s … capped at 30 s), each delay
  // drawn at random within ±50 %, so thousands of pages arrive spread over seconds
  // rather than in one burst, and keep backing off while the server is still down.
  const RECONNECT = {
    reconnectionDelay: 1500,
    reconnectionDelayMax: 30000,
    randomizationFactor: 0.5,
  };

  /** The delay before retry number `attempt` (0 first): growing to the cap, then drawn
   * within ±50 % of it, so retries stay spread however long the server stays busy. */
  function reconnectDelay(attempt) {
    const grown = RECONNECT.reconnectionDelay * 2 ** Math.min(attempt, 10);
    const delay = Math.min(grown, RECONNECT.reconnectionDelayMax);
    return delay + (Math.random() * 2 - 1) * RECONNECT.randomizationFactor * delay;
  }

  function connectLive() {
    if (!config || typeof window.io !== "function") return;
    // Pages without a live list carry no head: the server then replays nothing and
    // the first `catchup` gives the head from which reconnects resume.
    const hasHead = typeof config.head === "number";
    // Live events may arrive out of id order (each is emitted after its own commit), so
    // applied ids are remembered in `seen`; every id up to `floor` counts as applied
    // (in the page, in a catchup, or so far below the newest that it cannot be late).
    // `lastEventId`, the newest id applied, is where a reconnect's catchup resumes.
    let lastEventId = hasHead ? config.head : 0;
    let floor = lastEventId;
    let caughtUp = false;
    let buffered = [];
    const seen = new Set();
    const socket = window.io({
      auth: hasHead ? { last_event_id: lastEventId } : {},
      ...RECONNECT,
    });

    function raiseFloor(id) {
      if (id <= floor) return;
      floor = id;
      for (const old of seen) if (old <= floor) seen.delete(old);
    }

    function apply(event) {
      if (!event || typeof event.id !== "number") return;
      if (event.id <= floor || seen.has(event.id)) return;
      seen.add(event.id);
      lastEventId = Math.max(lastEventId, event.id);
      socket.auth.last_event_id = lastEventId;
      if (seen.size > SEEN_MAX) raiseFloor(lastEventId - SEEN_MAX / 2);
      const handler = handlers[event.type];
      if (!handler) return;
      try {
        handler(event.data);
      } catch (error) {
        console.error("socialnet: could not apply", event.type, error);
      }
    }

    function onLive(event) {
      if (caughtUp) apply(event);
      else buffered.push(event);
    }

    socket.on("catchup", (payload) => {
      if (payload.truncated) {
        location.reload();
        return;
      }
      payload.events.forEach(apply);
      const head = Number(payload.head) || 0;
      buffered
        .filter((event) => event.id > head)
        .sort((a, b) => a.id - b.id)
        .forEach(apply);
      buffered = [];
      raiseFloor(head); // the catchup held every event up to its head
      if (head > lastEventId) {
        lastEventId = head;
        socket.auth.last_event_id = lastEventId;
      }
      caughtUp = true;
      if (config.page === "group" && config.readable && !config.member) {
        // A public group's reader who is not a member listens while the page is open.
        socket.emit("join", { room: `group:${config.group_id}` }, () => {
          document.body.dataset.live = "on";
        });
        return;
      }
      document.body.dataset.live = "on";
    });

    socket.on("disconnect", () => {
      caughtUp = false;
      buffered = [];
      socket.auth.last_event_id = lastEventId;
      document.body.dataset.live = "off";
    });

    socket.io.on("reconnect_attempt", () => {
      socket.auth.last_event_id = lastEventId;
    });

    // A server too busy to take the connection now (a restart's storm) refuses it with
    // `retry`. socket.io-client never retries a refusal by itself, so the page does, by
    // the same rules as a lost connection; any other refusal (signed out) is final.
    let refusals = 0;
    socket.on("connect_error", (error) => {
      if (socket.active || !(error && error.data && error.data.retry)) return;
      setTimeout(() => socket.connect(), reconnectDelay(refusals++));
    });
    socket.on("connect", () => {
      refusals = 0;
    });

    for (const type of Object.keys(handlers)) socket.on(type, onLive);
  }

  // ---------------------------------------------------------------- polls

  /** Re-render a poll as this viewer sees it (the server applies the results rule). */
  const pollRefreshes = new Map();
  function refreshPoll(pollId, card = null) {
    const id = Number(pollId);
    if (pollRefreshes.has(id)) {
      pollRefreshes.set(id, true); // one more pass once the current fetch ends
      return;
    }
    pollRefreshes.set(id, false);
    (async () => {
      try {
        do {
          pollRefreshes.set(id, false);
          const response = await fetch(
            `/polls/${id}/fragment?next=${encodeURIComponent(here())}`,
            { credentials: "same-origin", headers: { Accept: "text/html" } },
          );
          if (!response.ok) return;
          const html = await response.text();
          const current = document.getElementById(`poll-${id}`);
          const wrap = document.createElement("div");
          wrap.innerHTML = html.trim(); // server-rendered, escaped by Jinja
          const fresh = wrap.firstElementChild;
          if (!fresh) return;
          if (current) {
            current.replaceWith(fresh);
          } else if (card) {
            $('[data-field="body"]', card)?.after(fresh);
          }
          formatTimes(fresh);
        } while (pollRefreshes.get(id));
      } finally {
        pollRefreshes.delete(id);
      }
    })();
  }

  /** Swap a card for the server's rendering (kudos and celebrations carry attachments). */
  async function refreshCard(postId) {
    const id = Number(postId);
    const group = config?.page === "group" ? "&group=0" : "";
    const withComments = postEl(id)?.querySelector("[data-card-comments]") ? "&comments=1" : "";
    let response;
    try {
      response = await fetch(`/posts/${id}/card?next=${encodeURIComponent(here())}${group}${withComments}`, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
    } catch {
      return;
    }
    if (!response.ok) return;
    const wrap = document.createElement("div");
    wrap.innerHTML = (await response.text()).trim(); // server-rendered, escaped by Jinja
    const fresh = wrap.firstElementChild;
    const current = postEl(id);
    if (!fresh || !current) return;
    if (current.classList.contains("is-new")) fresh.classList.add("is-new");
    current.replaceWith(fresh);
    formatTimes(fresh);
  }

  async function submitPollVote(form) {
    const pollId = Number(form.dataset.pollId);
    const button = $('button[type="submit"]', form);
    if (button) button.disabled = true;
    try {
      let body;
      if (form.classList.contains("poll-date-form")) {
        const answers = {};
        for (const input of $$('input[type="radio"]:checked', form)) {
          answers[input.name.replace("answer-", "")] = input.value;
        }
        body = { answers };
      } else {
        body = { option_ids: $$('input[name="option_id"]:checked', form).map((i) => Number(i.value)) };
      }
      await api("PUT", `/api/v1/polls/${pollId}/vote`, body);
      announce(_("Your vote is saved."));
      refreshPoll(pollId);
    } catch (err) {
      toast(err.message);
      if (button) button.disabled = false;
    }
  }

  const pollComposer = $("[data-poll-composer]");
  if (pollComposer) {
    const kinds = $$('input[name="kind"]', pollComposer);
    const showKind = () => {
      const kind = kinds.find((k) => k.checked)?.value || "choice";
      for (const set of $$("[data-kind-fields]", pollComposer)) {
        set.hidden = set.dataset.kindFields !== kind;
      }
    };
    kinds.forEach((k) => k.addEventListener("change", showKind));
    showKind();
    for (const list of $$("[data-option-list], [data-slot-list]", pollComposer)) {
      const isSlot = list.hasAttribute("data-slot-list");
      const rows = () => $$("li", list);
      const renumber = () => rows().forEach((li, i) => {
        const input = $("input", li);
        const label = isSlot
          ? _("Slot %(num)s", { num: i18n.number(i + 1) })
          : _("Option %(num)s", { num: i18n.number(i + 1) });
        if (!isSlot) input.placeholder = label;
        input.setAttribute("aria-label", label);
      });
      const addRemove = (li) => {
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-quiet btn-sm poll-remove";
        remove.textContent = _("Remove");
        remove.addEventListener("click", () => {
          if (rows().length > 2) li.remove();
          else $("input", li).value = "";
          renumber();
        });
        li.append(remove);
      };
      rows().forEach(addRemove);
      // Two rows to start; more on demand.
      rows().slice(isSlot ? 2 : 3).forEach((li) => li.remove());
      const add = document.createElement("button");
      add.type = "button";
      add.className = "btn btn-secondary btn-sm poll-add";
      add.textContent = isSlot ? _("Add slot") : _("Add option");
      add.addEventListener("click", () => {
        if (rows().length >= 20) return toast(_("A poll has at most 20 options."));
        const li = rows()[0].cloneNode(true);
        $("button", li)?.remove();
        const input = $("input", li);
        input.value = "";
        input.id = "";
        $("label", li)?.remove();
        list.append(li);
        addRemove(li);
        renumber();
        input.focus();
      });
      list.after(add);
      renumber();
    }
    pollComposer.addEventListener("submit", () => {
      const tz = $("[data-tz-offset-poll]", pollComposer);
      const when = pollComposer.elements.namedItem("closes_at")?.value
        || $('input[name="slot"]', pollComposer)?.value;
      const date = when ? new Date(when) : new Date();
      if (tz) tz.value = String(Number.isNaN(date.getTime()) ? 0 : date.getTimezoneOffset());
      for (const set of $$("[data-kind-fields]", pollComposer)) {
        for (const input of $$("input", set)) input.disabled = set.hidden;
      }
    });
  }

  // ---------------------------------------------------------------- people picker

  /** A field of @handles: the word being typed is looked up in the directory. */
  for (const picker of $$("[data-people-picker]")) {
    const input = $("[data-people-input]", picker);
    const list = $("[data-people-suggestions]", picker);
    if (!input || !list) continue; // a picker without its field is a plain search form
    let timer = null;
    let asked = "";
    const lastWord = () => input.value.split(/[\s,]+/).pop() || "";
    const hide = () => {
      list.hidden = true;
      list.replaceChildren();
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const word = lastWord().replace(/^@/, "");
      if (word.length < 2) return hide();
      timer = setTimeout(async () => {
        asked = word;
        let data;
        try {
          data = await api("GET", `/api/v1/users?limit=6&q=${encodeURIComponent(word)}`);
        } catch {
          return hide();
        }
        if (asked !== word) return;
        list.replaceChildren();
        for (const person of data?.items || []) {
          const li = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = `${person.display_name} (@${person.handle})`;
          button.addEventListener("click", () => {
            const words = input.value.split(/([\s,]+)/);
            words[words.length - 1] = `@${person.handle} `;
            input.value = words.join("");
            hide();
            input.focus();
          });
          li.append(button);
          list.append(li);
        }
        list.hidden = list.children.length === 0;
      }, 200);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") hide();
      if (event.key === "ArrowDown" && !list.hidden) {
        event.preventDefault();
        $("button", list)?.focus();
      }
    });
  }

  // ---------------------------------------------------------------- forms → API

  async function submitComposer(form) {
    const textarea = $("textarea", form);
    const error = $("#composer-error");
    const button = $('button[type="submit"]', form);
    button.disabled = true;
    showFormError(error, "");
    try {
      const payload = { body: textarea.value };
      const groupField = form.elements.namedItem("group_id");
      if (groupField && groupField.value) payload.group_id = Number(groupField.value);
      const fileIds = window.composerFiles?.ids() ?? []; // static/js/files.js
      if (fileIds.length) payload.file_ids = fileIds;
      const post = await api("POST", "/api/v1/posts", payload);
      textarea.value = "";
      window.composerFiles?.clear();
      if (belongsHere(post)) {
        // one's own post shows at once, even when the composers push the feed below the fold
        const el = insertPost(post);
        if (el && !inView(el)) bringIntoView(el);
      } else toast(_("Posted. It does not match this filter, so it is not listed here."));
      announce(_("Your post is live."));
    } catch (err) {
      showFormError(error, err.message);
    } finally {
      button.disabled = false;
    }
  }

  async function submitComment(form) {
    const textarea = $("textarea", form);
    const error = $("#comment-error");
    const button = $('button[type="submit"]', form);
    const postId = Number($("#comment-list")?.dataset.postId);
    button.disabled = true;
    showFormError(error, "");
    try {
      const comment = await api("POST", `/api/v1/posts/${postId}/comments`, {
        body: textarea.value,
      });
      textarea.value = "";
      addComment(comment);
      announce(_("Comment added."));
    } catch (err) {
      showFormError(error, err.message);
    } finally {
      button.disabled = false;
    }
  }

  async function submitReaction(form) {
    const card = form.closest("[data-post-id]");
    const postId = Number(card.dataset.postId);
    const kind = form.dataset.kind;
    const button = $("button", form);
    const wasOn = button.getAttribute("aria-pressed") === "true";
    button.disabled = true;
    try {
      const state = await api(wasOn ? "DELETE" : "PUT", `/api/v1/posts/${postId}/reactions/${kind}`);
      setCounts(card, state.reactions, kind);
      setPressed(card, kind, state.active);
    } catch (err) {
      if (err.status === 404) removePost(postId);
      toast(err.message);
    } finally {
      button.disabled = false;
    }
  }

  async function submitDelete(form) {
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    const comment = form.closest("[data-comment-id]");
    try {
      if (comment) {
        const id = Number(comment.dataset.commentId);
        await api("DELETE", `/api/v1/comments/${id}`);
        const card = comment.closest("[data-card-comments]")?.closest("[data-post-id]");
        removeComment(id, Number(card?.dataset.postId ?? $("#comment-list")?.dataset.postId));
        announce(_("Comment deleted."));
      } else {
        const id = Number(form.closest("[data-post-id]").dataset.postId);
        await api("DELETE", `/api/v1/posts/${id}`);
        if (config?.page === "post") {
          location.assign("/");
          return;
        }
        removePost(id);
        announce(_("Post deleted."));
      }
    } catch (err) {
      toast(err.message);
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !window.fetch) return;
    let action = null;
    // files chosen in the post page's comment form: the form itself sends them
    const chosen = $('input[type="file"][name="files"]', form)?.files?.length;
    if (form.id === "comment-form" && chosen) return;
    if (form.id === "composer") action = submitComposer;
    else if (form.id === "comment-form") action = submitComment;
    else if (form.classList.contains("reply-form")) action = submitReply;
    else if (form.classList.contains("reaction-form")) action = submitReaction;
    else if (form.classList.contains("delete-form")) action = submitDelete;
    else if (form.classList.contains("ack-form")) action = submitAck;
    else if (form.classList.contains("poll-form")) action = submitPollVote;
    if (!action) {
      if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
      return;
    }
    event.preventDefault();
    action(form);
  });

  // ---------------------------------------------------------------- pinned announcements

  const pinnedList = $("#pinned");

  function insertPinned(data) {
    const { announcement, post } = data || {};
    if (!pinnedList || !announcement || !post) return;
    if (announcement.sender_id === config.me) return; // senders are not recipients
    if (document.getElementById(`pinned-${announcement.id}`)) return;
    const template = document.getElementById("pinned-template");
    if (!template) return;
    const el = template.content.firstElementChild.cloneNode(true);
    const id = Number(announcement.id);
    el.id = `pinned-${id}`;
    el.dataset.announcementId = String(id);
    el.setAttribute("aria-labelledby", `pinned-${id}-title`);
    const title = $('[data-field="title"]', el);
    title.id = `pinned-${id}-title`;
    title.textContent = announcement.title;
    const author = $('[data-field="author"]', el);
    author.href = `/people/${Number(post.author.id)}`;
    author.textContent = post.author.display_name;
    $('[data-field="created"]', el).setAttribute("datetime", post.created_at || "");
    $('[data-field="body"]', el).innerHTML = post.body_html; // sanitized by the server
    const ack = $('[data-field="ack"]', el);
    ack.action = `/announcements/${id}/ack`;
    $('input[name="next"]', ack).value = here();
    const open = $('[data-field="permalink"]', el);
    open.href = `/posts/${Number(post.id)}`;
    open.textContent = announcement.comments_enabled ? _("Open and comment") : _("Open");
    formatTimes(el);
    el.classList.add("is-new");
    pinnedList.prepend(el);
    pinnedList.hidden = false;
    announce(_("New announcement: %(title)s", { title: announcement.title }));
  }

  async function submitAck(form) {
    const card = form.closest("[data-announcement-id]");
    const button = $("button", form);
    button.disabled = true;
    try {
      await api("POST", `/api/v1/announcements/${Number(card.dataset.announcementId)}/ack`);
      card.remove();
      if (pinnedList && !pinnedList.children.length) pinnedList.hidden = true;
      announce(_("Marked as read."));
    } catch (err) {
      toast(err.message);
      button.disabled = false;
    }
  }

  // ---------------------------------------------------------------- notification bell

  const bell = (() => {
    const link = $("#bell");
    const badge = $("#bell-count");
    const panel = $("#bell-panel");
    const list = $("#bell-list");
    const empty = $("#bell-empty");
    const readAll = $("#bell-read-all");
    let loaded = false;

    function setCount(count, { bump = false } = {}) {
      if (!badge || !link) return;
      const value = Math.max(0, Number(count) || 0);
      badge.dataset.count = String(value);
      badge.textContent = value > 99 ? `${i18n.number(99)}+` : i18n.number(value);
      badge.hidden = value === 0;
      const label = value
        ? ngettext("Notifications, %(num)s unread", "Notifications, %(num)s unread", value)
        : _("Notifications");
      link.setAttribute("aria-label", label);
      if (bump) {
        badge.classList.remove("bump");
        void badge.offsetWidth;
        badge.classList.add("bump");
      }
    }

    function buildItem(n) {
      const li = document.createElement("li");
      li.className = n.read_at ? "notif" : "notif is-unread";
      li.dataset.notificationId = String(n.id);
      const avatar = document.createElement("span");
      avatar.className = "avatar avatar-sm";
      avatar.setAttribute("aria-hidden", "true");
      avatar.textContent = n.actor?.initials || "·";
      const main = document.createElement("div");
      main.className = "notif-main";
      const text = document.createElement(n.url ? "a" : "p");
      text.className = "notif-text";
      text.textContent = n.summary;
      if (n.url) text.href = n.url;
      main.append(text);
      if (n.preview && n.type !== "moderation") {
        const preview = document.createElement("p");
        preview.className = "notif-preview";
        preview.textContent = n.preview;
        main.append(preview);
      }
      const when = document.createElement("p");
      when.className = "muted small";
      const time = document.createElement("time");
      time.setAttribute("datetime", n.created_at || "");
      when.append(time);
      main.append(when);
      li.append(avatar, main);
      formatTimes(li);
      return li;
    }

    function showEmpty() {
      if (empty && list) empty.hidden = list.children.length > 0;
    }

    async function load() {
      try {
        const data = await api("GET", "/api/v1/notifications?limit=10");
        list.replaceChildren(...data.items.map(buildItem));
        setCount(data.unread_count);
        loaded = true;
        showEmpty();
      } catch (err) {
        toast(err.message);
      }
    }

    function open() {
      panel.hidden = false;
      link.setAttribute("aria-expanded", "true");
      load();
    }

    function close({ focus = false } = {}) {
      if (panel.hidden) return;
      panel.hidden = true;
      link.setAttribute("aria-expanded", "false");
      if (focus) link.focus();
    }

    if (link && panel && window.fetch) {
      link.setAttribute("aria-expanded", "false");
      link.setAttribute("aria-controls", "bell-panel");
      link.addEventListener("click", (event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey) return; // open the page instead
        event.preventDefault();
        if (panel.hidden) open();
        else close();
      });
      document.addEventListener("click", (event) => {
        if (!event.target.closest?.("#bell-wrap")) close();
      });
      document.addEventListener("keydown", (event) => {
        if (event.key === "Escape") close({ focus: true });
      });
      list.addEventListener("click", async (event) => {
        const a = event.target.closest("a.notif-text");
        const item = a?.closest("[data-notification-id]");
        if (!a || !item?.classList.contains("is-unread")) return;
        event.preventDefault();
        try {
          await api("POST", "/api/v1/notifications/read", {
            ids: [Number(item.dataset.notificationId)],
          });
        } catch {
          /* navigate anyway: the page shows it */
        }
        location.assign(a.href);
      });
      readAll?.addEventListener("click", async () => {
        try {
          const data = await api("POST", "/api/v1/notifications/read", { all: true });
          setCount(data.unread_count);
          $$(".notif.is-unread", list).forEach((li) => li.classList.remove("is-unread"));
          announce(_("All notifications marked as read."));
        } catch (err) {
          toast(err.message);
        }
      });
    }

    return {
      onNotification(n) {
        setCount(n.unread_count, { bump: true });
        if (!list || !loaded) return;
        list.querySelector(`[data-notification-id="${Number(n.id)}"]`)?.remove();
        list.prepend(buildItem(n));
        showEmpty();
      },
    };
  })();

  // ---------------------------------------------------------------- announcement composer

  const tzOffset = $("[data-tz-offset]");
  if (tzOffset) {
    const hint = $("[data-tz-hint]");
    if (hint) hint.textContent = _("Leave empty to publish now. Times are in your time zone.");
    tzOffset.form.addEventListener("submit", () => {
      const when = tzOffset.form.elements.namedItem("publish_at")?.value;
      const date = when ? new Date(when) : new Date();
      tzOffset.value = String(Number.isNaN(date.getTime()) ? 0 : date.getTimezoneOffset());
    });
  }

  // Ctrl/Cmd+Enter sends the composer or a comment.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    const form = event.target.closest?.("#composer, #comment-form");
    if (form) form.requestSubmit();
  });

  // ---------------------------------------------------------------- start

  formatTimes();
  window.setInterval(() => formatTimes(), 60_000);
  $$("button.reaction .count").forEach((c) => c.toggleAttribute("data-zero", c.textContent.trim() === "0"));
  connectLive();
})();
