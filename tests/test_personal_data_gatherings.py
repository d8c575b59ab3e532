"""Personal data (issues #7, #17, #19): the export holds the person's answers to events,
their calendar feed (never its secret), their pain-point votes and follows, the circles
they belong to, and their advocacy links — and nothing another person keeps private:
once they have left a secret group or circle, what others wrote there (an event's or a
pain point's title, a topic's) is listed by its id alone."""

from __future__ import annotations

import json

from socialnet.extensions import db
from socialnet.models import EventRsvp
from tests.circle_support import at, make_circle
from tests.group_fixtures import set_group_role
from tests.test_personal_data import EXPORT, archive_of

API = "/api/v1"
KNOWN_OUTSIDE_README = {"format_version", "exported_at"}


def _event(client, title: str, group_id: int | None = None, **extra) -> dict:
    body = {"title": title, "starts_at": at(days=3), "ends_at": at(days=3, hours=2), **extra}
    if group_id is not None:
        body["group_id"] = group_id
    answer = client.post(f"{API}/events", body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def _pain_point(client, title: str, group_id: int | None = None) -> dict:
    body = {"title": title, "description": "It hurts"}
    if group_id is not None:
        body["group_id"] = group_id
    answer = client.post(f"{API}/pain-points", body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_the_export_holds_answers_feed_votes_follows_and_circles(api, employee, manager, make_user):
    emma, marc = api(employee), api(manager)
    breakfast = _event(marc, "Trade breakfast", capacity=1)
    full = _event(marc, "Field day", capacity=1)
    assert (
        api(make_user("Zoé First"))
        .put(f"{API}/events/{full['id']}/rsvp", {"status": "going"})
        .status_code
        == 200
    )
    assert emma.put(f"{API}/events/{breakfast['id']}/rsvp", {"status": "going"}).status_code == 200
    assert emma.put(f"{API}/events/{full['id']}/rsvp", {"status": "going"}).status_code == 200
    feed = emma.post(f"{API}/me/calendar-feed")
    assert feed.status_code == 201
    secret_url = feed.get_json()["url"]
    vpn = _pain_point(marc, "Slow VPN")
    printer = _pain_point(marc, "Printer jams")
    assert emma.put(f"{API}/pain-points/{vpn['id']}/vote").status_code == 200
    assert emma.put(f"{API}/pain-points/{printer['id']}/follow").status_code == 200
    circle = make_circle(api, make_user)
    api(circle.facilitator).post(f"{API}/groups/{circle.id}/members", {"user_id": employee.id})

    data, readme, raw = archive_of(emma.get(EXPORT))

    rsvps = {r["event_id"]: r for r in data["event_rsvps"]}
    assert rsvps[breakfast["id"]]["status"] == "going"
    assert rsvps[breakfast["id"]]["title"] == "Trade breakfast"
    assert rsvps[breakfast["id"]]["cancelled"] is False
    assert rsvps[full["id"]]["status"] == "waiting" and rsvps[full["id"]]["waiting_position"] == 1
    assert data["calendar_feed"]["created_at"]
    token = secret_url.rsplit("/", 1)[-1].removesuffix(".ics")
    assert token not in raw.decode()
    assert [(v["pain_point_id"], v["title"]) for v in data["pain_point_votes"]] == [
        (vpn["id"], "Slow VPN")
    ]
    # a voice follows too (told of each status change); the printer is followed only
    assert [f["pain_point_id"] for f in data["pain_points_followed"]] == [vpn["id"], printer["id"]]
    assert data["circles"] == [
        {
            "circle_id": circle.id,
            "name": "Lyon comms circle",
            "cadence": "monthly",
            "facilitator": False,
            "joined_at": data["circles"][0]["joined_at"],
        }
    ]
    assert "leaderboard" in data["advocacy"] and data["advocacy"]["links"] == []
    # Zoé's answer is hers: not in Emma's export.
    assert len(data["event_rsvps"]) == 2 and "Zoé" not in raw.decode()


def test_the_readme_names_every_section(api, employee):
    data, readme, _ = archive_of(api(employee).get(EXPORT))
    missing = [key for key in data if key not in KNOWN_OUTSIDE_README and key not in readme]
    assert missing == []


def test_the_french_readme_names_every_section(api, employee):
    employee.language = "fr"
    db.session.commit()
    data, readme, _ = archive_of(api(employee).get(EXPORT))
    assert "Vos données" in readme
    missing = [key for key in data if key not in KNOWN_OUTSIDE_README and key not in readme]
    assert missing == []


def test_what_others_wrote_where_she_no_longer_belongs_stays_out(
    api, employee, fred, make_group, make_user
):
    """Emma answered, voted and followed in Fred's secret group and voted for a topic in
    a circle; both let her go. Her acts stay (ids, when), the others' words go."""
    emma, fred_api = api(employee), api(fred)
    orion = make_group("Projet Orion", "secret", members=(employee, fred))
    set_group_role(orion, fred)
    launch = _event(fred_api, "Orion launch party", orion.id)
    leak = _pain_point(fred_api, "Orion budget leak", orion.id)
    assert emma.put(f"{API}/events/{launch['id']}/rsvp", {"status": "maybe"}).status_code == 200
    assert emma.put(f"{API}/pain-points/{leak['id']}/vote").status_code == 200
    assert emma.put(f"{API}/pain-points/{leak['id']}/follow").status_code in (200, 409)
    circle = make_circle(api, make_user, name="Secret circle")
    boss = api(circle.facilitator)
    boss.post(f"{API}/groups/{circle.id}/members", {"user_id": employee.id})
    topic = api(circle.member).post(f"{circle.url}/topics", {"title": "Mia's private idea"})
    topic = topic.get_json()
    assert emma.put(f"{circle.url}/topics/{topic['id']}/vote").status_code == 200

    before, _readme, raw = archive_of(emma.get(EXPORT))
    assert "Orion launch party" in raw.decode() and "Mia's private idea" in raw.decode()
    assert [c["name"] for c in before["circles"]] == ["Secret circle"]

    assert fred_api.delete(f"{API}/groups/{orion.id}/members/{employee.id}").status_code == 204
    assert boss.delete(f"{API}/groups/{circle.id}/members/{employee.id}").status_code == 204
    data, _readme, raw = archive_of(emma.get(EXPORT))
    text = raw.decode()

    [rsvp] = data["event_rsvps"]
    assert rsvp["event_id"] == launch["id"] and rsvp["status"] == "maybe"
    assert rsvp["title"] is None and rsvp["starts_at"] is None
    [vote] = data["pain_point_votes"]
    assert vote == {"pain_point_id": leak["id"], "title": None, "voted_at": vote["voted_at"]}
    assert all(f["title"] is None for f in data["pain_points_followed"])
    [circle_vote] = data["circle_votes"]
    assert circle_vote["topic_id"] == topic["id"] and circle_vote["title"] is None
    assert data["circles"] == []
    for words in ("Orion launch party", "Orion budget leak", "Mia's private idea", "Secret circle"):
        assert words not in text, words
    assert fred.display_name not in json.dumps(data["event_rsvps"])
    assert db.session.query(EventRsvp).filter_by(user_id=employee.id).count() == 1
