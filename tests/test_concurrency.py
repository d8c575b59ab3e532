"""Concurrent writers: counts stay exact and the last event carries the final figures."""

from concurrent.futures import ThreadPoolExecutor

from socialnet.extensions import db
from socialnet.models import Reaction


def test_simultaneous_reactions_are_all_counted_and_reported(
    api, make_user, make_post, employee, capture_events
):
    post_id = make_post(employee, "React all at once").id
    clients = [api(make_user(f"Reactor {i}")) for i in range(8)]

    def react(client):
        return client.put(f"/api/v1/posts/{post_id}/reactions/like").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(react, clients))

    assert statuses == [200] * 8
    db.session.expire_all()
    assert db.session.query(Reaction).filter_by(post_id=post_id).count() == 8
    events = sorted(
        (e.payload for e in capture_events.of_type("reaction.updated")), key=lambda p: p["id"]
    )
    assert len(events) == 8
    # Each event reports the count as of its own commit: 1, 2, …, 8, in event-id order.
    assert [e["data"]["reactions"]["like"] for e in events] == list(range(1, 9))
