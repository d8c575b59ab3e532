"""Filters built once for a bound viewer select exactly what the filters built per person do.

The home feed's statement is built once per shape of reader (``policy.bound_viewer``)
with ``:viewer_id`` where the reader's id was. These tests build a company with every
kind of post a reader may or may not see and compare, for every kind of reader, the rows
of the bound form with the rows of the direct form, through the policy filters and
through the feed service itself.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from socialnet import policy
from socialnet.extensions import db
from socialnet.models import GroupMembership, ModerationState, Post, TopicFollow
from socialnet.services import feed
from tests.group_fixtures import announce


@pytest.fixture
def company(make_user, make_group, make_post, api, cm):
    """Readers of every kind and posts each sees differently."""
    ana = make_user("Ana Member")
    ben = make_user("Ben Outsider", department="Sales")
    gus = make_user(
        "Gus Guest", guest_company="Agency", guest_expires_on=date.today() + timedelta(days=30)
    )
    off = make_user("Olga Offboarded")
    public = make_group("Open", "public", members=(ana,))
    private = make_group("Closed", "private", members=(ana, gus))
    secret = make_group("Hidden", "secret", members=(ana,))
    posts = {
        "company": make_post(cm, "Company news"),
        "public": make_post(ana, "Open #quality talk", public),
        "private": make_post(ana, "Closed talk", private),
        "secret": make_post(ana, "Hidden talk", secret),
        "pending": make_post(ben, "Waiting for a moderator"),
        "hidden": make_post(ana, "Hidden by a moderator"),
    }
    posts["pending"].moderation_state = ModerationState.PENDING.value
    posts["hidden"].moderation_state = ModerationState.HIDDEN.value
    db.session.add(TopicFollow(user_id=ben.id, tag="quality"))
    off.active = False
    db.session.commit()
    announce(api(cm), "department", "Sales", title="For Sales only")
    readers = {"ana": ana, "ben": ben, "gus": gus, "off": off, "cm": cm}
    return readers, posts


def _ids(condition, params=None) -> list[int]:
    query = select(Post.id).where(condition).order_by(Post.id)
    return list(db.session.scalars(query, params or {}))


@pytest.mark.parametrize("reader", ["ana", "ben", "gus", "off", "cm"])
def test_bound_filters_select_what_the_direct_ones_do(company, reader):
    readers, _posts = company
    user = readers[reader]
    bound, params = policy.bound_viewer(user), policy.viewer_params(user)
    for build in (policy.home_feed_filter, policy.visible_posts_filter):
        direct = _ids(build(user))
        assert _ids(build(bound), params) == direct, (reader, build.__name__)


def test_the_readers_see_different_things(company):
    """Teeth: the comparison above would pass if every filter selected nothing."""
    readers, posts = company
    seen = {
        name: set(_ids(policy.home_feed_filter(policy.bound_viewer(u)), policy.viewer_params(u)))
        for name, u in readers.items()
    }
    assert posts["secret"].id in seen["ana"] and posts["secret"].id not in seen["ben"]
    assert posts["hidden"].id in seen["ana"] and posts["hidden"].id not in seen["cm"]
    assert posts["pending"].id in seen["ben"] and posts["pending"].id not in seen["ana"]
    assert posts["public"].id in seen["ben"]  # reached through the followed topic
    assert posts["private"].id in seen["gus"] and posts["company"].id not in seen["gus"]
    assert seen["off"] == set()
    announcement = max(seen["ben"])  # the last post: the announcement to Ben alone
    assert announcement not in seen["ana"] and announcement not in seen["gus"]


def test_one_statement_serves_every_reader_of_a_shape(company):
    """The statement is built once, yet each reader's page is their own, and the
    followed-topic mark reaches only the follower."""
    readers, posts = company
    ana_items, _ = feed.home_feed(readers["ana"], None, 50)
    ben_items, _ = feed.home_feed(readers["ben"], None, 50)
    info = feed._home_page_statement.cache_info()
    assert info.currsize >= 1 and info.hits >= 1
    ana_ids = {item["id"] for item in ana_items}
    ben_by_id = {item["id"]: item for item in ben_items}
    assert posts["secret"].id in ana_ids and posts["secret"].id not in ben_by_id
    assert ben_by_id[posts["public"].id].get("via_topic") == "quality"
    assert all("via_topic" not in item for item in ana_items)


def test_a_membership_change_shows_at_once(company):
    """Nothing of a reader is cached with the statement: joining a group opens it."""
    readers, posts = company
    ben = readers["ben"]
    before = {item["id"] for item in feed.home_feed(ben, None, 50)[0]}
    assert posts["secret"].id not in before
    db.session.add(GroupMembership(group_id=posts["secret"].group_id, user_id=ben.id))
    db.session.commit()
    after = {item["id"] for item in feed.home_feed(ben, None, 50)[0]}
    assert posts["secret"].id in after
