"""The moderation pages without JavaScript: reports, the queue, cases, watched words,
the audit log, notices and appeals, pins and features — with CSRF on, as in production.

Fred and an employee are refused every moderator page; bad input keeps what was typed.
"""

from __future__ import annotations

import re

import pytest

from socialnet.extensions import db
from socialnet.models import Comment, ModerationCase, Post, Report, WatchedWord
from socialnet.services.comments import do_create_comment
from socialnet.services.reports import do_report
from tests.moderation_fixtures import make_group_admin
from tests.web import CONFIG_RE, XSS, XSS_ESCAPED, form, html_of

THANKS = "Thanks — moderators will look at it."


def _case_of(target_type: str, target_id: int) -> ModerationCase:
    return (
        db.session.query(ModerationCase)
        .filter_by(target_type=target_type, target_id=target_id)
        .one()
    )


def _reported(reporter, post, reason="spam", text="") -> ModerationCase:
    _report, case = do_report(
        reporter, {"target_type": "post", "target_id": post.id, "reason": reason, "text": text}
    )
    db.session.commit()
    return case


def _flash_error(html: str) -> str:
    match = re.search(r'<p class="flash flash-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


# ------------------------------------------------------------------ reports


def test_report_a_post_from_the_feed(signed_in, employee, fred, make_post):
    post = make_post(fred, "Buy cheap watches")
    mine = make_post(employee, "My own words")
    me = signed_in(employee)
    html = html_of(me.get("/"))
    card = html.split(f'id="post-{post.id}"')[1].split("</article>")[0]
    assert 'action="/moderation/reports"' in card and 'value="harassment"' in card
    own = html.split(f'id="post-{mine.id}"')[1].split("</article>")[0]
    assert 'action="/moderation/reports"' not in own  # nobody reports themself

    response = form(
        me,
        "/moderation/reports",
        target_type="post",
        target_id=post.id,
        reason="spam",
        text="Third time today",
        next="/",
    )
    assert response.status_code == 302 and response.location == f"/#post-{post.id}"
    assert THANKS in html_of(me.get("/"))
    case = _case_of("post", post.id)
    assert case.report_count == 1
    assert db.session.query(Report).one().text == "Third time today"

    again = form(me, "/moderation/reports", target_type="post", target_id=post.id, reason="spam")
    assert again.status_code == 302
    assert "already reported" in _flash_error(html_of(me.get("/")))
    assert db.session.get(ModerationCase, case.id).report_count == 1


def test_a_refused_report_reopens_with_what_was_typed(signed_in, employee, fred, make_post):
    post = make_post(fred, "Hello")
    me = signed_in(employee)
    form(
        me,
        "/moderation/reports",
        target_type="post",
        target_id=post.id,
        reason="other",
        text="   ",
        next="/",
    )
    html = html_of(me.get("/"))
    assert "Tell us what is wrong." in _flash_error(html)
    card = html.split(f'id="post-{post.id}"')[1].split("</article>")[0]
    assert '<details class="report" data-field="report" open>' in card
    assert re.search(r'value="other" required\s+checked', card)

    form(
        me,
        "/moderation/reports",
        target_type="post",
        target_id=post.id,
        reason="",
        text=XSS,
        next="/",
    )
    html = html_of(me.get("/"))
    assert "reason must be one of" in _flash_error(html)
    assert XSS_ESCAPED in html and XSS not in html
    assert html_of(me.get("/")).count(" open>") == 0  # the draft is shown once
    assert db.session.query(Report).count() == 0


def test_report_a_comment_and_a_person(signed_in, employee, fred, make_post):
    post = make_post(employee, "Lunch?")
    comment = do_create_comment(fred, post.id, {"body": "rude words"})
    db.session.commit()
    me = signed_in(employee)
    page = html_of(me.get(f"/posts/{post.id}"))
    assert 'name="target_type" value="comment"' in page
    response = form(
        me,
        "/moderation/reports",
        target_type="comment",
        target_id=comment.id,
        reason="harassment",
        next=f"/posts/{post.id}",
    )
    assert response.location == f"/posts/{post.id}#comment-{comment.id}"
    assert _case_of("comment", comment.id).severity == 3

    profile = html_of(me.get(f"/people/{fred.id}"))
    assert "Report this person" in profile
    assert "Report this person" not in html_of(me.get(f"/people/{employee.id}"))
    form(
        me,
        "/moderation/reports",
        target_type="user",
        target_id=fred.id,
        reason="other",
        text="Spams everyone",
        next=f"/people/{fred.id}",
    )
    assert THANKS in html_of(me.get(f"/people/{fred.id}"))
    assert _case_of("user", fred.id).report_count == 1


def test_forms_need_the_csrf_token(signed_in, employee, fred, cm, make_post):
    post = make_post(fred)
    me = signed_in(employee)
    response = me.post(
        "/moderation/reports", data={"target_type": "post", "target_id": post.id, "reason": "spam"}
    )
    assert response.status_code == 400
    moderator = signed_in(cm)
    assert moderator.post("/moderation/watched-words", data={"pattern": "x"}).status_code == 400
    assert db.session.query(Report).count() == 0
    assert db.session.query(WatchedWord).count() == 0


# ------------------------------------------------------------------ who may open what


@pytest.mark.parametrize("path", ["/moderation", "/moderation/watched-words", "/moderation/audit"])
def test_moderator_pages_are_refused_to_fred_and_employees(
    signed_in, employee, fred, cm, admin, path
):
    for person in (employee, fred):
        response = signed_in(person).get(path)
        assert response.status_code == 403, (person.display_name, path)
        assert "Not allowed" in html_of(response)
    for person in (cm, admin):
        assert signed_in(person).get(path).status_code == 200, (person.display_name, path)


def test_case_pages_and_rows_are_refused_to_others(signed_in, employee, fred, cm, make_post):
    case = _reported(employee, make_post(fred, "spam spam"))
    for person in (employee, fred):
        client = signed_in(person)
        assert client.get(f"/moderation/cases/{case.id}").status_code == 403
        assert client.get(f"/moderation/cases/{case.id}/row").status_code == 404
        acted = form(client, f"/moderation/cases/{case.id}/actions", action="dismiss")
        assert acted.status_code == 403
    assert db.session.get(ModerationCase, case.id).status == "open"
    row = signed_in(cm).get(f"/moderation/cases/{case.id}/row")
    assert row.status_code == 200 and html_of(row).lstrip().startswith("<tr")


def test_nav_shows_moderation_to_moderators_and_group_admins(
    signed_in, employee, fred, cm, make_group
):
    assert ">Moderation</a>" in html_of(signed_in(cm).get("/"))
    assert ">Moderation</a>" not in html_of(signed_in(fred).get("/"))
    make_group_admin(employee, make_group("Night shift", "private", members=(employee,)))
    assert ">Moderation</a>" in html_of(signed_in(employee).get("/"))
    assert "My moderation notices" in html_of(signed_in(fred).get("/"))


def test_group_admins_see_their_groups_cases_only(
    signed_in, employee, fred, manager, make_group, make_post
):
    ours = make_group("Ours", "public", members=(employee, fred))
    theirs = make_group("Theirs", "public", members=(manager, fred))
    make_group_admin(employee, ours)
    mine = _reported(manager, make_post(fred, "in ours", group=ours))
    other = _reported(employee, make_post(fred, "in theirs", group=theirs))
    client = signed_in(employee)
    html = html_of(client.get("/moderation"))
    assert f'id="case-{mine.id}"' in html and f'id="case-{other.id}"' not in html
    assert client.get(f"/moderation/cases/{other.id}").status_code == 404
    page = html_of(client.get(f"/moderation/cases/{mine.id}"))
    assert 'value="hide"' in page and 'value="warn"' in page
    assert 'value="mute"' not in page and 'value="suspend"' not in page  # community managers'
    assert 'value="move"' not in page
    assert client.get("/moderation/watched-words").status_code == 403


# ------------------------------------------------------------------ the queue


def test_queue_lists_cases_by_severity_with_their_details(
    signed_in, employee, fred, manager, cm, make_post
):
    low = _reported(employee, make_post(fred, "off topic thing"), reason="off_topic")
    high = _reported(employee, make_post(fred, XSS), reason="harassment", text="mean")
    _reported(manager, db.session.get(Post, high.target_id), reason="spam")
    html = html_of(signed_in(cm).get("/moderation"))
    assert html.index(f'id="case-{high.id}"') < html.index(f'id="case-{low.id}"')
    row = html.split(f'id="case-{high.id}"')[1].split("</tr>")[0]
    assert XSS_ESCAPED in row and XSS not in html
    assert '<span class="case-count" title="Reports">2</span>' in row
    assert "Harassment" in row and "Spam" in row
    assert fred.display_name in row and "Unassigned" in row
    config = CONFIG_RE.search(html).group(1)
    assert '"page": "moderation-queue"' in config and '"status": "open"' in config
    assert "js/moderation.js" in html


def test_queue_filters(signed_in, employee, fred, cm, make_post):
    first = _reported(employee, make_post(fred, "first"))
    second = _reported(employee, make_post(fred, "second"))
    moderator = signed_in(cm)
    form(moderator, f"/moderation/cases/{first.id}/assign")
    assert db.session.get(ModerationCase, first.id).assignee_id == cm.id
    mine = html_of(moderator.get("/moderation?assignee=me"))
    assert f'id="case-{first.id}"' in mine and f'id="case-{second.id}"' not in mine
    form(moderator, f"/moderation/cases/{second.id}/actions", action="dismiss")
    closed = html_of(moderator.get("/moderation?closed=1"))
    assert f'id="case-{second.id}"' in closed and f'id="case-{first.id}"' not in closed
    flags = html_of(moderator.get("/moderation?kind=flag"))
    assert 'class="case-row' not in flags and "Nothing to review" in flags
    assert moderator.get("/moderation?kind=nonsense").status_code == 400


def test_bulk_action_form(signed_in, employee, fred, cm, make_post):
    cases = [_reported(employee, make_post(fred, f"junk {i}")) for i in range(3)]
    moderator = signed_in(cm)
    ids = [str(c.id) for c in cases[:2]]
    refused = moderator.post(
        "/moderation/bulk",
        data={
            "csrf_token": moderator.csrf,
            "case_ids": ids,
            "action": "warn",
            "next": "/moderation",
        },
    )
    assert refused.status_code == 302
    html = html_of(moderator.get("/moderation"))
    assert "A warning needs a message." in _flash_error(html)
    for case_id in ids:  # the selection survives the refusal
        assert re.search(rf'value="{case_id}" form="bulk-form" [^>]*checked', html)
    assert 'value="warn" selected' in html
    assert all(db.session.get(ModerationCase, c.id).status == "open" for c in cases)

    done = moderator.post(
        "/moderation/bulk",
        data={
            "csrf_token": moderator.csrf,
            "case_ids": ids,
            "action": "dismiss",
            "next": "/moderation",
        },
    )
    assert done.status_code == 302
    assert "Done: 2 cases updated." in html_of(moderator.get("/moderation"))
    db.session.expire_all()
    assert [db.session.get(ModerationCase, c.id).status for c in cases] == [
        "closed",
        "closed",
        "open",
    ]
    nothing = form(moderator, "/moderation/bulk", action="dismiss")
    assert nothing.status_code == 302
    assert "case_ids must be a list" in _flash_error(html_of(moderator.get("/moderation")))


# ------------------------------------------------------------------ a case


def test_hide_from_the_case_page(signed_in, employee, fred, cm, make_post, capture_events):
    post = make_post(fred, "Something confidential")
    case = _reported(employee, post, reason="confidential", text=XSS)
    moderator = signed_in(cm)
    page = html_of(moderator.get(f"/moderation/cases/{case.id}"))
    assert "Something confidential" in page
    assert XSS_ESCAPED in page and XSS not in page
    for action in ("dismiss", "hide", "delete", "warn", "mute", "suspend", "lock", "move"):
        assert f'name="action" value="{action}"' in page, action
    assert 'value="approve"' not in page and 'value="restore"' not in page

    response = form(moderator, f"/moderation/cases/{case.id}/actions", action="hide", message="")
    assert response.status_code == 302
    page = html_of(moderator.get(f"/moderation/cases/{case.id}"))
    assert "Hide: done." in page and "Hidden by moderation" in page
    assert "This case is closed" in page and "Something confidential" in page
    assert db.session.get(Post, post.id).moderation_state == "hidden"
    assert capture_events.rooms("post.hidden") == {"company"}

    assert "Something confidential" not in html_of(signed_in(employee).get("/"))
    author = signed_in(fred)
    own = html_of(author.get(f"/posts/{post.id}"))
    assert "Something confidential" in own
    assert re.search(r'data-field="mod-state"\s*>Hidden by moderation</span>', own)
    notices = html_of(author.get("/moderation/mine"))
    assert f"Case #{case.id}" in notices and "Appeal this decision" in notices


def test_a_refused_action_keeps_what_was_typed(signed_in, employee, fred, cm, make_post):
    case = _reported(employee, make_post(fred, "flood"))
    moderator = signed_in(cm)
    response = form(
        moderator,
        f"/moderation/cases/{case.id}/actions",
        action="mute",
        duration_hours="soon",
        message=f"Calm down {XSS}",
        keep_open="on",
    )
    assert response.status_code == 400
    html = html_of(response)
    assert "duration_hours must be a whole number" in _flash_error(html)
    assert 'value="soon"' in html
    assert '<details class="card action-fold" id="fold-mute" open>' in html
    assert '<details class="card action-fold" id="fold-hide" >' in html
    assert f"Calm down {XSS_ESCAPED}" in html and XSS not in html
    assert db.session.get(ModerationCase, case.id).status == "open"
    assert fred.muted_until is None

    done = form(
        moderator,
        f"/moderation/cases/{case.id}/actions",
        action="mute",
        duration_hours="24",
        message="Calm down",
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(ModerationCase, case.id).resolution == "mute"
    closed = form(moderator, f"/moderation/cases/{case.id}/actions", action="dismiss")
    assert closed.status_code == 409 and "already closed" in html_of(closed)


def test_notes_and_assignment(signed_in, employee, fred, cm, make_post):
    case = _reported(employee, make_post(fred, "hmm"))
    moderator = signed_in(cm)
    empty = form(moderator, f"/moderation/cases/{case.id}/notes", body="   ")
    assert empty.status_code == 400 and "body cannot be empty" in html_of(empty)
    added = form(moderator, f"/moderation/cases/{case.id}/notes", body=f"Seen before {XSS}")
    assert added.status_code == 302
    page = html_of(moderator.get(f"/moderation/cases/{case.id}"))
    assert f"Seen before {XSS_ESCAPED}" in page and XSS not in page
    assert "Assign to me" in page
    form(moderator, f"/moderation/cases/{case.id}/assign")
    page = html_of(moderator.get(f"/moderation/cases/{case.id}"))
    assert "Assigned to you." in page and "Unassign me" in page
    assert f"Camille Community assigned case #{case.id} to Camille Community." in page  # history
    form(moderator, f"/moderation/cases/{case.id}/assign", assignee="none")
    assert db.session.get(ModerationCase, case.id).assignee_id is None


def test_held_post_is_approved_from_its_case(signed_in, employee, fred, make_group, make_post):
    group = make_group("Careful", "public", members=(employee, fred))
    make_group_admin(employee, group)
    admin_client = signed_in(employee)
    edit = html_of(admin_client.get(f"/groups/{group.id}/edit"))
    assert "Pre-moderation" in edit
    response = form(admin_client, f"/moderation/groups/{group.id}/premoderation", premoderated="on")
    assert response.status_code == 302
    assert "Pre-moderation on" in html_of(admin_client.get(f"/groups/{group.id}/edit"))
    assert form(signed_in(fred), f"/moderation/groups/{group.id}/premoderation").status_code == 302
    db.session.expire_all()
    assert group.premoderated is True  # Fred is no admin: refused, unchanged

    post = make_post(fred, "Waiting for a yes", group=group)
    assert post.moderation_state == "pending"
    author = html_of(signed_in(fred).get(f"/groups/{group.id}"))
    assert re.search(r'data-field="mod-state"\s*>Pending approval</span>', author)
    case = _case_of("post", post.id)
    assert case.kind == "approval"
    page = html_of(admin_client.get(f"/moderation/cases/{case.id}"))
    assert "Held for approval" in page and 'value="approve"' in page
    assert 'name="action" value="dismiss"' not in page
    form(admin_client, f"/moderation/cases/{case.id}/actions", action="approve")
    db.session.expire_all()
    assert db.session.get(Post, post.id).moderation_state == "published"


def test_hidden_comment_is_marked_for_its_author_only(signed_in, employee, fred, cm, make_post):
    post = make_post(employee, "Question")
    comment = do_create_comment(fred, post.id, {"body": "snarky answer"})
    db.session.commit()
    _report, case = do_report(
        employee, {"target_type": "comment", "target_id": comment.id, "reason": "harassment"}
    )
    db.session.commit()
    form(signed_in(cm), f"/moderation/cases/{case.id}/actions", action="hide")
    assert db.session.get(Comment, comment.id).moderation_state == "hidden"
    assert "snarky answer" not in html_of(signed_in(employee).get(f"/posts/{post.id}"))
    own = html_of(signed_in(fred).get(f"/posts/{post.id}"))
    assert "snarky answer" in own and "Hidden by moderation" in own


# ------------------------------------------------------------------ notices and appeals


def test_appeal_once_from_my_notices(signed_in, employee, fred, cm, make_post):
    case = _reported(employee, make_post(fred, "borderline"))
    form(signed_in(cm), f"/moderation/cases/{case.id}/actions", action="delete", message="No")
    author = signed_in(fred)
    empty = form(author, f"/moderation/mine/{case.id}/appeal", text="")
    assert empty.status_code == 400 and "text cannot be empty" in html_of(empty)
    typed = form(author, f"/moderation/mine/{case.id}/appeal", text=f"{XSS} " + "x" * 2001)
    assert typed.status_code == 413
    assert XSS_ESCAPED in html_of(typed) and XSS not in html_of(typed)
    sent = form(author, f"/moderation/mine/{case.id}/appeal", text="It was a joke")
    assert sent.status_code == 302
    page = html_of(author.get("/moderation/mine"))
    assert "Your appeal is with the moderators." in page and "Appealed" in page
    assert f'action="/moderation/mine/{case.id}/appeal"' not in page
    again = form(author, f"/moderation/mine/{case.id}/appeal", text="Please")
    assert again.status_code == 409 and "already appealed" in html_of(again)
    assert (
        form(signed_in(employee), f"/moderation/mine/{case.id}/appeal", text="x").status_code == 404
    )
    appeal = db.session.query(ModerationCase).filter_by(kind="appeal").one()
    page = html_of(signed_in(cm).get(f"/moderation/cases/{appeal.id}"))
    assert "It was a joke" in page and 'value="restore"' in page
    assert "No moderation decisions about you" in html_of(
        signed_in(employee).get("/moderation/mine")
    )


# ------------------------------------------------------------------ watched words


def test_watched_words_add_refuse_and_delete(signed_in, cm):
    moderator = signed_in(cm)
    added = form(moderator, "/moderation/watched-words", pattern="ecole", action="flag")
    assert added.status_code == 302
    html = html_of(moderator.get("/moderation/watched-words"))
    assert "Watched word added." in html and ">ecole</code>" in html

    duplicate = form(moderator, "/moderation/watched-words", pattern="ecole", action="block")
    assert duplicate.status_code == 409
    html = html_of(duplicate)
    assert "already watched" in _flash_error(html)
    assert 'value="ecole"' in html and 'value="block" selected' in html

    catastrophic = form(
        moderator, "/moderation/watched-words", pattern="(a+)+$", regex="on", action="block"
    )
    assert catastrophic.status_code == 400
    html = html_of(catastrophic)
    assert "exponential time" in _flash_error(html)
    assert 'value="(a+)+$"' in html and 'name="regex" checked' in html

    xss = form(moderator, "/moderation/watched-words", pattern=XSS, regex="on", action="flag")
    assert xss.status_code in (302, 400)
    assert XSS not in html_of(moderator.get("/moderation/watched-words"))

    word = db.session.query(WatchedWord).filter_by(pattern="ecole").one()
    no_action = form(moderator, "/moderation/watched-words", pattern="x")
    assert no_action.status_code == 400 and "action must be one of" in html_of(no_action)
    deleted = form(moderator, f"/moderation/watched-words/{word.id}/delete")
    assert deleted.status_code == 302
    assert db.session.get(WatchedWord, word.id) is None
    assert "Watched word removed." in html_of(moderator.get("/moderation/watched-words"))


def test_employees_cannot_change_watched_words(signed_in, employee, cm):
    form(signed_in(cm), "/moderation/watched-words", pattern="secret", action="censor")
    word = db.session.query(WatchedWord).one()
    me = signed_in(employee)
    assert form(me, "/moderation/watched-words", pattern="x", action="flag").status_code == 403
    assert form(me, f"/moderation/watched-words/{word.id}/delete").status_code == 302
    assert "Only community managers" in _flash_error(html_of(me.get("/")))
    assert db.session.query(WatchedWord).count() == 1


# ------------------------------------------------------------------ audit log


def test_audit_log_page_filters_and_csv(signed_in, employee, fred, cm, make_post):
    case = _reported(employee, make_post(fred, "x"))
    moderator = signed_in(cm)
    form(moderator, f"/moderation/cases/{case.id}/actions", action="warn", message=XSS)
    form(moderator, "/moderation/watched-words", pattern="ecole", action="flag")
    html = html_of(moderator.get("/moderation/audit"))
    warned = "Camille Community warned Fred Interloper."
    added = "Camille Community added the watched word “ecole”."
    assert warned in html and added in html
    assert XSS_ESCAPED in html and XSS not in html

    filtered = html_of(moderator.get("/moderation/audit?action=case.&actor=camille"))
    assert warned in filtered and added not in filtered
    assert 'href="/api/v1/audit-log?format=csv&amp;action=case.&amp;actor=camille"' in filtered
    assert html_of(moderator.get("/moderation/audit?actor=fred")).count("<tr data-entry") == 0

    bad = moderator.get("/moderation/audit?from=soon&action=case.")
    assert bad.status_code == 400
    assert "from" in _flash_error(html_of(bad))
    assert 'value="soon"' in html_of(bad) and '<option value="case." selected>' in html_of(bad)

    csv = moderator.get(f"/api/v1/audit-log?format=csv&action=case.&actor_id={cm.id}")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "case.warn" in csv.get_data(as_text=True)
    assert "watched_word" not in csv.get_data(as_text=True)
    assert signed_in(employee).get("/api/v1/audit-log?format=csv").status_code == 403


def test_audit_log_paginates(signed_in, cm, monkeypatch):
    from socialnet.views import moderation

    monkeypatch.setattr(moderation, "AUDIT_PAGE", 2)
    moderator = signed_in(cm)
    for word in ("one", "two", "three"):
        form(moderator, "/moderation/watched-words", pattern=word, action="flag")
    first = html_of(moderator.get("/moderation/audit?action=watched_word.added"))
    assert first.count("added the watched word") == 2
    older = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "action=watched_word.added" in older
    second = html_of(moderator.get(older))
    assert second.count("added the watched word") == 1


# ------------------------------------------------------------------ pins and features


def test_pin_and_feature_from_the_feed(signed_in, employee, fred, cm, make_post):
    post = make_post(fred, "Canteen opens at 11:30")
    assert 'action="/moderation/posts/' not in html_of(signed_in(employee).get("/"))
    moderator = signed_in(cm)
    html = html_of(moderator.get("/"))
    assert f'action="/moderation/posts/{post.id}/pin"' in html
    assert f'action="/moderation/posts/{post.id}/feature"' in html

    assert (
        form(moderator, f"/moderation/posts/{post.id}/pin", pinned="1", next="/").status_code == 302
    )
    form(moderator, f"/moderation/posts/{post.id}/feature", featured="1", next="/")
    html = html_of(signed_in(employee).get("/"))
    pinned = html.split('id="pinned-posts"')[1].split("</section>")[0]
    featured = html.split('id="featured-posts"')[1].split("</section>")[0]
    assert "Canteen opens at 11:30" in pinned and "Canteen opens at 11:30" in featured
    assert html.count(f'id="post-{post.id}"') == 1  # the strips use their own cards
    assert "📌 Pinned</span>" in html and "★ Featured</span>" in html
    assert 'id="pinned-posts"' not in html_of(signed_in(employee).get("/?tag=x"))

    refused = form(signed_in(employee), f"/moderation/posts/{post.id}/pin", pinned="0")
    assert refused.status_code == 302
    db.session.expire_all()
    assert db.session.get(Post, post.id).pinned_at is not None
    form(moderator, f"/moderation/posts/{post.id}/pin", pinned="0", next="/")
    assert 'id="pinned-posts"' not in html_of(moderator.get("/"))


def test_group_admin_pins_in_their_group(signed_in, employee, fred, make_group, make_post):
    group = make_group("Line 3", "public", members=(employee, fred))
    make_group_admin(employee, group)
    post = make_post(fred, "Shift swap rules", group=group)
    company = make_post(fred, "Company news")
    admin_client = signed_in(employee)
    page = html_of(admin_client.get(f"/groups/{group.id}"))
    assert f'action="/moderation/posts/{post.id}/pin"' in page
    assert f'action="/moderation/posts/{post.id}/feature"' not in page
    home = html_of(admin_client.get("/"))
    assert f'action="/moderation/posts/{company.id}/pin"' not in home
    form(admin_client, f"/moderation/posts/{post.id}/pin", pinned="1", next=f"/groups/{group.id}")
    page = html_of(signed_in(fred).get(f"/groups/{group.id}"))
    strip = page.split('id="pinned-posts"')[1].split("</section>")[0]
    assert "Shift swap rules" in strip


def test_a_decision_on_an_appeal_is_final_on_my_notices(signed_in, employee, fred, cm, make_post):
    case = _reported(employee, make_post(fred, "again"))
    moderator = signed_in(cm)
    form(moderator, f"/moderation/cases/{case.id}/actions", action="hide")
    author = signed_in(fred)
    form(author, f"/moderation/mine/{case.id}/appeal", text="Please reconsider")
    appeal = db.session.query(ModerationCase).filter_by(kind="appeal").one()
    form(moderator, f"/moderation/cases/{appeal.id}/actions", action="warn", message="Stop it")
    page = html_of(author.get("/moderation/mine"))
    # the appeal's decision is final: it is not listed as something to appeal, and the
    # appealed decision offers no second appeal
    assert f"Case #{case.id}" in page and f"Case #{appeal.id}" not in page
    assert f'action="/moderation/mine/{appeal.id}/appeal"' not in page
    assert f'action="/moderation/mine/{case.id}/appeal"' not in page
