"""What a socket connect costs the database (issue #16, reconnect storm).

Every open page reconnects after a server restart, so the handshake is counted: the
token and its person in one statement, the rooms and the head in another, the replay in
a third, whatever the number of groups; all read outside a transaction (PostgreSQL's
``BEGIN``/``ROLLBACK`` would be two more round trips). The rooms read in one statement
are the ones :func:`policy.rooms_for` allows, for every kind of reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from socialnet import policy
from socialnet.extensions import db
from socialnet.models import GroupMembership, Post
from socialnet.realtime.catchup import head_event_id, rooms_and_head
from socialnet.unit_of_work import read_only


@contextmanager
def statements() -> Iterator[list[tuple[str, str | None]]]:
    """The statements run inside the block, with the isolation level each ran at."""
    seen: list[tuple[str, str | None]] = []

    def record(conn, _cursor, statement, _params, _context, _many):
        seen.append((statement, conn.get_execution_options().get("isolation_level")))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture
def groups_of(make_group):
    """``groups_of(user, n)``: ``n`` groups of every visibility with ``user`` a member."""

    def make(user, n: int) -> None:
        for i in range(n):
            visibility = ("public", "private", "secret")[i % 3]
            make_group(f"Team {user.id}-{i}", visibility, members=(user,))

    return make


@pytest.mark.parametrize("groups", [0, 1, 9])
def test_a_token_connect_costs_two_statements_whatever_the_groups(
    employee, groups_of, token_for, socket_for, groups
):
    groups_of(employee, groups)
    token = token_for(employee)
    db.session.commit()
    with statements() as seen:
        sock = socket_for(None, token=token)
    assert sock.is_connected()
    assert len(seen) == 2, [s for s, _level in seen]
    assert {level for _s, level in seen} == {"AUTOCOMMIT"}
    assert not db.session().in_transaction()  # nothing left open by the handshake


def test_a_reconnect_with_nothing_missed_costs_one_statement_more(
    employee, groups_of, make_post, token_for, socket_for
):
    groups_of(employee, 4)
    make_post(employee, "before the drop")
    head = head_event_id()
    token = token_for(employee)
    db.session.commit()
    with statements() as seen:
        sock = socket_for(None, token=token, last_event_id=head)
    assert len(seen) == 3, [s for s, _level in seen]
    (catchup,) = [p["args"][0] for p in sock.get_received() if p["name"] == "catchup"]
    assert catchup == {"events": [], "head": head, "truncated": False}


def test_a_reconnect_replays_what_was_missed_with_its_head(
    employee, make_post, token_for, socket_for
):
    before = head_event_id()
    post = make_post(employee, "while the server was down")
    token = token_for(employee)
    sock = socket_for(None, token=token, last_event_id=before)
    (catchup,) = [p["args"][0] for p in sock.get_received() if p["name"] == "catchup"]
    assert [e["data"]["id"] for e in catchup["events"]] == [post.id]
    assert catchup["head"] == catchup["events"][-1]["id"] == head_event_id()


def test_a_replay_of_posts_reads_their_text_and_files_with_the_replay(
    employee, make_post, token_for, socket_for
):
    """Storm cost: the replay's statement carries each post as it is now, whether it has
    files, and its author as they are now (3 statements in all, was 6)."""
    before = head_event_id()
    posts = [make_post(employee, f"missed {i}") for i in range(3)]
    posts[0].body = "edited since"  # replayed as it reads now
    employee.display_name = "Emma Renamed"  # …and its author as named now
    db.session.commit()
    token = token_for(employee)
    with statements() as seen:
        sock = socket_for(None, token=token, last_event_id=before)
    (catchup,) = [p["args"][0] for p in sock.get_received() if p["name"] == "catchup"]
    replayed = {e["data"]["id"]: e["data"] for e in catchup["events"]}
    assert set(replayed) == {p.id for p in posts}
    assert replayed[posts[0].id]["body"] == "edited since"
    assert all(data["files"] == [] for data in replayed.values())
    assert {data["author"]["display_name"] for data in replayed.values()} == {"Emma Renamed"}
    assert {data["author"]["initials"] for data in replayed.values()} == {"ER"}
    assert len(seen) == 3, [s for s, _level in seen]


@pytest.fixture
def readers(request, make_user, make_group, make_post):
    """Personas, a guest, a deactivated colleague; groups of every kind; some events."""
    people = {name: request.getfixturevalue(name) for name in ("admin", "manager", "employee")}
    people["fred"] = request.getfixturevalue("fred")
    people["gone"] = make_user("Gone Colleague", active=False)
    people["guest"] = make_user(
        "Gabe Guest",
        email="gabe@agency.example",
        guest_company="Agency",
        guest_expires_on=date.today() + timedelta(days=30),
    )
    secret = make_group("Skunkworks", "secret", members=(people["manager"], people["guest"]))
    make_group("Board", "private", members=(people["employee"], people["manager"]))
    make_group("Runners", "public", members=(people["employee"],))
    db.session.add(GroupMembership(group_id=secret.id, user_id=people["gone"].id))
    make_post(people["manager"], "in the secret group", secret)
    make_post(people["employee"], "to the company")
    return people


@pytest.mark.parametrize("who", ["admin", "manager", "employee", "fred", "gone", "guest"])
def test_rooms_and_head_are_rooms_for_and_the_head(readers, who):
    user = readers[who]
    assert rooms_and_head(user) == (policy.rooms_for(user), head_event_id())


def test_a_guest_joins_only_their_groups_and_never_the_company(readers):
    guest = readers["guest"]
    rooms, _head = rooms_and_head(guest)
    assert policy.COMPANY_ROOM not in rooms
    assert all(r == f"user:{guest.id}" or r.startswith("group:") for r in rooms)


def test_read_only_inside_a_transaction_reads_within_it(employee):
    post = Post(author_id=employee.id, body="pending", body_html="<p>pending</p>")
    db.session.add(post)
    db.session.flush()
    with statements() as seen, read_only():
        assert db.session.get(Post, post.id, populate_existing=True) is post
        db.session.scalar(db.select(Post.id).where(Post.id == post.id))
    assert {level for _s, level in seen} != {"AUTOCOMMIT"}
    assert db.session().in_transaction()
    db.session.rollback()
    assert db.session.get(Post, post.id) is None  # still the caller's transaction to undo


def test_read_only_outside_a_transaction_leaves_none_open(employee):
    user_id = employee.id
    db.session.commit()
    with statements() as seen, read_only():
        assert db.session.scalar(db.select(Post.id).limit(1)) is None
    assert seen and {level for _s, level in seen} == {"AUTOCOMMIT"}
    assert not db.session().in_transaction()
    with statements() as seen:
        db.session.scalar(db.select(Post.id).where(Post.author_id == user_id))
    assert {level for _s, level in seen} != {"AUTOCOMMIT"}  # the next transaction is normal
