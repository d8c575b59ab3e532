"""Realtime: who may connect, who receives what, after-commit delivery and catch-up."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, func, select, text

from socialnet.extensions import db, socketio
from socialnet.models import Event, Post
from socialnet.realtime import publisher
from socialnet.services.accounts import do_deactivate
from socialnet.services.posts import do_create_post
from socialnet.services.reactions import do_set_reaction
from tests.conftest import received_events
from tests.helpers import count_rows

PERSONAS = ("admin", "cm", "manager", "employee", "fred")


@pytest.fixture
def everyone(request):
    """Every persona, by name."""
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture
def sockets(everyone, socket_for):
    """A connected socket per persona, with the connect-time packets drained."""
    opened = {}
    for name, user in everyone.items():
        sock = socket_for(user)
        assert sock.is_connected(), name
        sock.get_received()
        opened[name] = sock
    return opened


def _join(sock, room) -> dict:
    return sock.emit("join", {"room": room}, callback=True)


def _emitted(capture) -> list:
    """Captured room events, without the connect-time ``catchup`` sent to one socket."""
    return [e for e in capture.events if e.type != "catchup"]


def _catchup(sock) -> dict:
    packets = [p for p in sock.get_received() if p["name"] == "catchup"]
    assert len(packets) == 1, packets
    return packets[0]["args"][0]


# --- connecting -------------------------------------------------------------------------


def test_unauthenticated_connect_is_refused(app):
    for auth in (None, {}, {"token": ""}, {"token": None}, "token", {"last_event_id": 0}):
        assert not socketio.test_client(app, auth=auth).is_connected(), auth


def _refusal_of(app, monkeypatch, auth) -> dict | None:
    """The ``connect_error`` payload the server sends for a connect with ``auth`` (None
    when it accepts): what socket.io-client reads as ``err.message`` and ``err.data``."""
    sent: list = []
    client = socketio.test_client(app, auth=None)  # refused; installs the packet mocks
    deliver = socketio.server._send_packet

    def capture(eio_sid, pkt):
        sent.append(pkt)
        return deliver(eio_sid, pkt)

    monkeypatch.setattr(socketio.server, "_send_packet", capture)
    client.connect(auth=auth)
    refusals = [p.data for p in sent if p.packet_type == 4]  # CONNECT_ERROR
    return refusals[0] if refusals else None


def test_a_refusal_says_why_in_a_form_the_browser_reads(app, monkeypatch, employee, token_for):
    refusal = _refusal_of(app, monkeypatch, {"token": "snt_bogus"})
    assert refusal == {
        "message": "Sign in or give a valid token.",
        "data": {"error": "unauthenticated", "message": "Sign in or give a valid token."},
    }
    refusal = _refusal_of(app, monkeypatch, {"token": token_for(employee), "last_event_id": "x"})
    assert refusal["data"]["error"] == "invalid" and "retry" not in refusal["data"]


@pytest.mark.parametrize("failure", ["pool exhausted", "database unreachable"])
def test_a_database_too_busy_for_a_connect_refuses_it_with_retry(
    app, monkeypatch, employee, token_for, failure
):
    """A reconnect storm can exhaust PostgreSQL's pool: the handshake must be answered
    (the client retries after its backoff) instead of left hanging until its timeout."""
    from sqlalchemy import exc

    from socialnet.ops.metrics import SOCKETS_REFUSED_BUSY

    error = (
        exc.TimeoutError("QueuePool limit reached")
        if failure == "pool exhausted"
        else exc.OperationalError("SELECT", {}, Exception("connection refused"))
    )

    def busy(*_args, **_kwargs):
        raise error

    monkeypatch.setattr("socialnet.realtime.sockets.rooms_and_head", busy)
    before = SOCKETS_REFUSED_BUSY._value.get()
    refusal = _refusal_of(app, monkeypatch, {"token": token_for(employee)})
    assert refusal["data"] == {
        "error": "busy",
        "retry": True,
        "message": "The server is busy: reconnecting in a moment.",
    }
    assert SOCKETS_REFUSED_BUSY._value.get() == before + 1
    monkeypatch.undo()  # the database answers again: the same person connects
    assert socketio.test_client(app, auth={"token": token_for(employee)}).is_connected()


def test_an_unexpected_failure_refuses_the_connect_instead_of_leaving_it_open(
    app, monkeypatch, employee, token_for
):
    """Python-socketio answers nothing when a connect handler raises: the socket would stay
    half-open in the rooms it had joined. It is refused (not to be retried) instead."""

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    def in_own_room() -> int:
        return len(socketio.server.manager.rooms.get("/", {}).get(f"user:{employee.id}", {}))

    token = token_for(employee)
    before = in_own_room()
    monkeypatch.setattr("socialnet.realtime.sockets.catchup_events", broken)
    refusal = _refusal_of(app, monkeypatch, {"token": token, "last_event_id": 0})
    assert refusal["data"] == {"error": "error", "message": "The connection failed."}
    assert in_own_room() == before  # the rooms it had joined were left


def test_bad_or_revoked_token_is_refused(app, api, employee, token_for):
    for token in ("snt_bogus", "bogus", "snt_" + "x" * 200, 12345):
        assert not socketio.test_client(app, auth={"token": token}).is_connected(), token
    token = token_for(employee)
    client = api(employee)
    items = client.get("/api/v1/tokens").get_json()["items"]
    token_id = next(t["id"] for t in items if t["name"] == "socket")
    assert client.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert not socketio.test_client(app, auth={"token": token}).is_connected()


def test_valid_token_connects_and_gets_a_catchup_head(app, employee, make_post, socket_for):
    make_post(employee)
    sock = socket_for(employee)
    assert sock.is_connected()
    catchup = _catchup(sock)
    assert catchup["events"] == [] and catchup["truncated"] is False
    db.session.rollback()
    assert catchup["head"] == db.session.scalar(db.select(db.func.max(Event.id)))


def test_foreign_origin_is_refused(app, auth, employee, token_for):
    token = token_for(employee)
    evil = {"Origin": "http://evil.example"}
    assert not socketio.test_client(app, headers=evil, auth={"token": token}).is_connected()
    cookie_client = auth.login(employee)
    assert not socketio.test_client(
        app, headers=evil, flask_test_client=cookie_client
    ).is_connected()
    same = {"Origin": "http://localhost"}
    assert socketio.test_client(app, headers=same, auth={"token": token}).is_connected()
    assert socketio.test_client(app, auth={"token": token}).is_connected()  # no Origin: no browser


def test_configured_origins_are_the_allowed_ones(app, employee, token_for):
    token = token_for(employee)
    app.config["SOCKETIO_CORS_ORIGINS"] = ["https://social.lumen.example"]
    ok = {"Origin": "https://social.lumen.example"}
    assert socketio.test_client(app, headers=ok, auth={"token": token}).is_connected()
    bad = {"Origin": "http://localhost"}
    assert not socketio.test_client(app, headers=bad, auth={"token": token}).is_connected()


def test_cookie_session_connects(app, auth, employee):
    sock = socketio.test_client(app, flask_test_client=auth.login(employee))
    assert sock.is_connected()
    assert _join(sock, f"user:{employee.id}") == {"ok": True, "room": f"user:{employee.id}"}


@pytest.mark.parametrize("last_event_id", ["abc", -1, True, 1.5, [1], 10**30])
def test_invalid_last_event_id_is_refused(app, employee, token_for, last_event_id):
    auth = {"token": token_for(employee), "last_event_id": last_event_id}
    assert not socketio.test_client(app, auth=auth).is_connected()


# --- who receives what ------------------------------------------------------------------


def test_company_post_reaches_every_connected_active_user_once(
    api, employee, sockets, capture_events
):
    post = api(employee).post("/api/v1/posts", {"body": "all hands"}).get_json()
    for name, sock in sockets.items():
        got = received_events(sock)
        assert [e["type"] for e in got] == ["post.created"], name
        assert got[0]["data"]["id"] == post["id"]
        assert "my_reactions" not in got[0]["data"]  # per-viewer fields are never broadcast
    assert [(e.room, e.type) for e in _emitted(capture_events)] == [("company", "post.created")]


def test_private_group_post_reaches_members_only(
    api, employee, manager, make_group, sockets, capture_events
):
    board = make_group("Board", "private", members=(employee, manager))
    for sock in sockets.values():  # nobody may listen in by joining
        sock.emit("join", {"room": f"group:{board.id}"})
        sock.get_received()
    post = api(employee).post("/api/v1/posts", {"body": "board", "group_id": board.id})
    post_id = post.get_json()["id"]
    api(manager).post(f"/api/v1/posts/{post_id}/comments", {"body": "ok"})
    api(manager).put(f"/api/v1/posts/{post_id}/reactions/like")

    expected = ["post.created", "comment.created", "reaction.updated"]
    assert [e["type"] for e in received_events(sockets["manager"])] == expected
    # the author also hears, in their own room, of the reply and the reaction
    assert [e["type"] for e in received_events(sockets["employee"])] == [
        "post.created",
        "comment.created",
        "notification.created",
        "reaction.updated",
        "notification.created",
    ]
    for name in ("admin", "cm", "fred"):
        assert sockets[name].get_received() == [], name
    assert {e.room for e in _emitted(capture_events)} == {
        f"group:{board.id}",
        f"user:{employee.id}",
    }


def test_public_group_post_reaches_members_and_joiners(
    api, employee, fred, cm, make_group, sockets
):
    runners = make_group("Runners", "public", members=(employee,))
    assert _join(sockets["employee"], f"group:{runners.id}")["ok"]  # member since connecting
    assert _join(sockets["fred"], f"group:{runners.id}") == {
        "ok": True,
        "room": f"group:{runners.id}",
    }
    api(employee).post("/api/v1/posts", {"body": "run", "group_id": runners.id})
    for name in ("employee", "fred"):
        assert [e["type"] for e in received_events(sockets[name])] == ["post.created"], name
    for name in ("admin", "cm", "manager"):
        assert sockets[name].get_received() == [], name


def test_socket_of_a_user_who_joins_a_group_later(api, employee, fred, make_group, socket_for):
    board = make_group("Board", "private", members=(employee,))
    sock = socket_for(fred)
    sock.get_received()
    assert _join(sock, f"group:{board.id}") == {"error": "not_found", "message": "No such room."}
    api(employee).post("/api/v1/posts", {"body": "no fred", "group_id": board.id})
    assert sock.get_received() == []


# --- joining rooms ----------------------------------------------------------------------


def test_join_rules(api, employee, fred, make_group, socket_for):
    board = make_group("Board", "private", members=(employee,))
    secret = make_group("Skunkworks", "secret", members=(employee,))
    member = socket_for(employee)
    outsider = socket_for(fred)
    not_found = {"error": "not_found", "message": "No such room."}

    assert _join(member, f"group:{board.id}") == {"ok": True, "room": f"group:{board.id}"}
    assert _join(outsider, f"group:{board.id}") == not_found
    assert _join(outsider, f"group:{secret.id}") == not_found
    assert _join(outsider, "group:424242") == not_found  # the same answer as a hidden group
    assert _join(outsider, f"user:{employee.id}") == not_found
    assert _join(outsider, f"user:{fred.id}") == {"ok": True, "room": f"user:{fred.id}"}
    assert _join(outsider, "company") == {"ok": True, "room": "company"}
    for room in (
        "group:abc",
        "group:",
        "group:-1",
        "group: 1",
        "group:99999999999999999999",
        "group:²",
        "group:١",
        "admin",
        "",
        None,
        5,
    ):
        assert _join(outsider, room) == not_found, room
    for payload in (None, "group:1", ["group:1"], {"rooms": "x"}):
        assert outsider.emit("join", payload, callback=True) == not_found, payload


def test_leave_cannot_drop_the_personal_or_company_room(employee, socket_for):
    sock = socket_for(employee)
    for room in ("company", f"user:{employee.id}"):
        ack = sock.emit("leave", {"room": room}, callback=True)
        assert ack["error"] == "invalid"


# --- the events themselves --------------------------------------------------------------


def test_events_are_json_and_ids_strictly_increase(api, employee, fred, socket_for):
    sock = socket_for(fred)
    sock.get_received()
    me = api(employee)
    post_id = me.post("/api/v1/posts", {"body": "v1"}).get_json()["id"]
    me.patch(f"/api/v1/posts/{post_id}", {"body": "v2"})
    comment_id = me.post(f"/api/v1/posts/{post_id}/comments", {"body": "c"}).get_json()["id"]
    api(fred).put(f"/api/v1/posts/{post_id}/reactions/funny")
    api(fred).put(f"/api/v1/posts/{post_id}/reactions/funny")  # unchanged: no event
    api(fred).delete(f"/api/v1/posts/{post_id}/reactions/funny")
    api(fred).delete(f"/api/v1/posts/{post_id}/reactions/funny")  # unchanged: no event
    me.delete(f"/api/v1/comments/{comment_id}")
    me.delete(f"/api/v1/posts/{post_id}")

    events = received_events(sock)
    assert [e["type"] for e in events] == [
        "post.created",
        "post.updated",
        "comment.created",
        "reaction.updated",
        "reaction.updated",
        "comment.deleted",
        "post.deleted",
    ]
    for event in events:
        assert set(event) == {"type", "id", "data"}
        assert json.loads(json.dumps(event)) == event
    ids = [e["id"] for e in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert events[1]["data"]["body"] == "v2" and events[1]["data"]["edited_at"]
    assert events[3]["data"]["reactions"]["funny"] == 1
    assert events[4]["data"]["active"] is False and events[4]["data"]["reactions"]["funny"] == 0
    assert events[6]["data"] == {"id": post_id}


def test_events_after_rollback_are_not_emitted(employee, socket_for, capture_events):
    sock = socket_for(employee)
    sock.get_received()
    publisher.publish("post.created", {"id": 1}, room="company")
    db.session.rollback()
    do_create_post(employee, {"body": "never committed"})
    db.session.rollback()
    assert _emitted(capture_events) == []
    assert sock.get_received() == []
    assert count_rows(Event) == 0 and count_rows(Post) == 0


def test_a_rollback_right_after_publishing_outside_a_transaction_drops_the_event(
    capture_events,
):
    """``publish`` opens the transaction if none is open (it writes nothing itself): else a
    rollback would have nothing to roll back, and the queued event would leave with the
    next commit."""
    db.session.commit()
    assert not db.session().in_transaction()
    publisher.publish("post.created", {"id": 1}, room="company")
    db.session.rollback()
    db.session.commit()
    assert _emitted(capture_events) == [] and count_rows(Event) == 0


def test_a_released_savepoint_does_not_emit_before_the_commit(
    employee, fred, make_post, socket_for, capture_events
):
    post = make_post(employee)
    capture_events.events.clear()
    sock = socket_for(fred)
    sock.get_received()
    do_create_post(employee, {"body": "pending"})
    with db.session.begin_nested():  # a savepoint, released
        do_set_reaction(fred, post, "like", active=True)
    assert _emitted(capture_events) == []  # nothing before COMMIT
    db.session.rollback()
    assert _emitted(capture_events) == [] and sock.get_received() == []


def test_a_rolled_back_savepoint_keeps_earlier_events_and_drops_its_own(
    employee, fred, make_post, capture_events
):
    post = make_post(employee)
    do_set_reaction(fred, post, "like", active=True)
    db.session.commit()
    capture_events.events.clear()

    created = do_create_post(employee, {"body": "kept"})
    do_set_reaction(fred, post, "like", active=True)  # a duplicate: changes nothing
    with pytest.raises(RuntimeError), db.session.begin_nested():
        publisher.publish("post.created", {"id": -1}, room="company")
        raise RuntimeError("the savepoint fails")
    db.session.commit()

    assert [(e.type, e.payload["data"]["id"]) for e in _emitted(capture_events)] == [
        ("post.created", created.id)
    ]
    assert count_rows(Event) == 4  # post, reaction and its notification earlier, one now


def test_event_rows_are_written_by_the_commit_under_a_short_lock(employee, fred, capture_events):
    """A post's work before COMMIT (its response included) neither writes event rows nor
    holds the event log's lock (PostgreSQL), so concurrent writers do not queue behind it;
    the commit writes them, in publish order, and emits them. (Notifying takes the lock
    early: the unread counts it sends must be serialized.)"""
    event_lock = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
        "AND pid = pg_backend_pid() AND objid = :key"
    )
    created = do_create_post(employee, {"body": "a post"})
    second = do_create_post(fred, {"body": "another"})
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0
    if db.engine.dialect.name == "postgresql":
        assert db.session.scalar(event_lock, {"key": publisher.EVENT_LOCK_KEY}) == 0
    db.session.commit()

    emitted = _emitted(capture_events)
    assert [(e.type, e.payload["data"]["id"]) for e in emitted] == [
        ("post.created", created.id),
        ("post.created", second.id),
    ]
    rows = db.session.execute(select(Event.id, Event.type).order_by(Event.id)).all()
    assert [(e.payload["id"], e.type) for e in emitted] == [tuple(row) for row in rows]


def test_events_about_what_the_transaction_then_deleted_are_dropped_not_fatal(
    employee, make_group, capture_events
):
    """Its row would have gone with the post or group (ON DELETE CASCADE); the commit
    must still succeed and send the other events: an ORM delete of a group (whose posts
    go by cascade in the database) and a DELETE statement on posts alike."""
    club = make_group("Club", members=(employee,))
    do_create_post(employee, {"body": "in the club", "group_id": club.id})
    doomed = do_create_post(employee, {"body": "doomed"})
    kept = do_create_post(employee, {"body": "kept"})
    db.session.delete(club)
    db.session.execute(delete(Post).where(Post.id == doomed.id))
    db.session.commit()

    emitted = _emitted(capture_events)
    assert [(e.type, e.payload["data"]["id"]) for e in emitted] == [("post.created", kept.id)]
    assert db.session.scalars(select(Event.post_id)).all() == [kept.id]


# --- catch-up on reconnect --------------------------------------------------------------


def test_catchup_replays_exactly_the_visible_missed_events(
    api, employee, fred, manager, make_group, socket_for
):
    board = make_group("Board", "private", members=(employee, manager))
    before = socket_for(fred)
    last_seen = _catchup(before)["head"]
    before.disconnect()

    me = api(employee)
    kept = me.post("/api/v1/posts", {"body": "kept"}).get_json()["id"]
    me.post("/api/v1/posts", {"body": "board", "group_id": board.id})
    gone = me.post("/api/v1/posts", {"body": "gone"}).get_json()["id"]
    api(manager).post(f"/api/v1/posts/{kept}/comments", {"body": "c"})
    api(manager).put(f"/api/v1/posts/{gone}/reactions/like")
    me.delete(f"/api/v1/posts/{gone}")
    api(manager).put(f"/api/v1/posts/{kept}/reactions/like")

    sock = socket_for(fred, last_event_id=last_seen)
    catchup = _catchup(sock)
    events = catchup["events"]
    assert [(e["type"], e["data"].get("post_id", e["data"].get("id"))) for e in events] == [
        ("post.created", kept),
        ("comment.created", kept),
        ("post.deleted", gone),
        ("reaction.updated", kept),
    ]
    ids = [e["id"] for e in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(i > last_seen for i in ids)
    assert catchup["head"] == ids[-1] and catchup["truncated"] is False
    assert all(json.loads(json.dumps(e)) == e for e in events)

    member = socket_for(employee, last_event_id=last_seen)
    member_types = [e["type"] for e in _catchup(member)["events"]]
    # kept and board, not gone; nor the reaction to gone, nor its notification
    assert member_types == [
        "post.created",
        "post.created",
        "comment.created",
        "notification.created",
        "post.deleted",
        "reaction.updated",
        "notification.created",
    ]

    again = socket_for(fred, last_event_id=catchup["head"])
    assert _catchup(again)["events"] == []


def test_catchup_does_not_replay_a_deleted_comments_text(
    api, employee, fred, make_post, socket_for
):
    post = make_post(employee)
    before = socket_for(fred)
    last_seen = _catchup(before)["head"]
    before.disconnect()
    url = f"/api/v1/posts/{post.id}/comments"
    removed = api(employee).post(url, {"body": "oops, the password is hunter2"}).get_json()["id"]
    kept = api(employee).post(url, {"body": "fine"}).get_json()["id"]
    assert api(employee).delete(f"/api/v1/comments/{removed}").status_code == 204

    events = _catchup(socket_for(fred, last_event_id=last_seen))["events"]
    assert [(e["type"], e["data"]["id"]) for e in events] == [
        ("comment.created", kept),
        ("comment.deleted", removed),
    ]
    assert "hunter2" not in json.dumps(events)


def test_catchup_is_truncated_past_the_limit(app, api, employee, fred, socket_for):
    app.config["CATCHUP_MAX_EVENTS"] = 2
    for i in range(3):
        api(employee).post("/api/v1/posts", {"body": f"p{i}"})
    catchup = _catchup(socket_for(fred, last_event_id=0))
    assert catchup["truncated"] is True
    assert len(catchup["events"]) == 2


def test_catchup_from_beyond_the_head(employee, make_post, socket_for):
    make_post(employee)
    catchup = _catchup(socket_for(employee, last_event_id=10_000))
    assert catchup["events"] == [] and catchup["head"] == 10_000


# --- deactivation -----------------------------------------------------------------------


def test_deactivated_users_socket_is_disconnected(api, admin, employee, fred, socket_for):
    sock = socket_for(employee)
    other = socket_for(fred)
    assert api(admin).patch(f"/api/v1/users/{employee.id}", {"active": False}).status_code == 200
    assert not sock.is_connected()
    assert other.is_connected()


def test_a_socket_missed_by_the_disconnect_can_no_longer_join(
    app, auth, monkeypatch, employee, manager, make_group, socket_for
):
    # A socket held by another process is not disconnected by this one: it must still be inert.
    monkeypatch.setattr("socialnet.services.accounts.disconnect_user_sockets", lambda _id: 0)
    board = make_group("Board", "private", members=(employee, manager))
    token_socket = socket_for(employee)
    cookie_socket = socketio.test_client(app, flask_test_client=auth.login(employee))
    do_deactivate(employee)
    db.session.commit()
    for sock in (token_socket, cookie_socket):
        assert sock.is_connected()
        ack = _join(sock, f"group:{board.id}")
        assert ack["error"] == "unauthenticated"
        assert not sock.is_connected()
