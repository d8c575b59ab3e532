"""Against the real database (SQLite or TEST_DATABASE_URL's PostgreSQL): a manager relaying
a briefing six times at once relays it once — one announcement, five clear 409s — and two
sends at once brief the managers once."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from socialnet.extensions import db
from socialnet.models import Announcement, BriefingRecipient, Notification
from tests.briefing_support import API, briefing_body, build_org, lift_embargo, sent_briefing


@pytest.fixture
def org(make_user, make_group, cm, fred):
    return build_org(make_user, make_group, cm, fred)


def test_a_relay_sent_six_times_at_once_is_relayed_once(api, org):
    briefing = sent_briefing(api, org.cm)
    lift_embargo(briefing["id"])
    url = f"{API}/briefings/{briefing['id']}/relay"
    clients = [api(org.manager) for _ in range(6)]

    def relay(client):
        answer = client.post(url, {})
        return answer.status_code, answer.get_json()

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(relay, clients))

    assert sorted(status for status, _body in answers) == [201] + [409] * 5, answers
    assert all(body["message"] for status, body in answers if status == 409)
    db.session.expire_all()
    assert db.session.query(Announcement).count() == 1


def test_two_sends_at_once_brief_each_manager_once(api, org):
    draft = api(org.cm).post(f"{API}/briefings", briefing_body()).get_json()
    url = f"{API}/briefings/{draft['id']}/send"
    clients = [api(org.cm) for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda c: c.post(url).status_code, clients))
    assert sorted(statuses) == [200] + [409] * 3, statuses
    db.session.expire_all()
    assert db.session.query(BriefingRecipient).count() == 4
    assert db.session.query(Notification).filter_by(type="briefing").count() == 4
