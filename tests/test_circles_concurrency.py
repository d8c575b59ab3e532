"""Against the real database (SQLite or TEST_DATABASE_URL's PostgreSQL): the scribe and
the facilitator publishing one synthesis at once give one synthesis, one post, and a
clear 409 to the other; eight votes at once by one member count once."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from socialnet.extensions import db
from socialnet.models import CircleSynthesis, CircleTopicVote, Post
from socialnet.models._time import utcnow
from tests.circle_support import SYNTHESIS, make_circle, move_session, plan_session


def test_a_synthesis_published_twice_at_once_is_published_once(api, make_user):
    circle = make_circle(api, make_user)
    session = plan_session(api, circle)
    move_session(session["id"], utcnow() - timedelta(hours=2))
    url = f"{circle.url}/sessions/{session['id']}/synthesis"
    clients = [api(circle.scribe), api(circle.facilitator)] * 3

    def publish(client):
        answer = client.post(url, SYNTHESIS)
        return answer.status_code, answer.get_json()

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(publish, clients))

    assert sorted(status for status, _body in answers) == [201] + [409] * 5, answers
    assert all(body["message"] for status, body in answers if status == 409)
    db.session.expire_all()
    assert db.session.query(CircleSynthesis).count() == 1
    assert db.session.query(Post).filter_by(kind="synthesis").count() == 1


def test_votes_at_once_count_once(api, make_user):
    circle = make_circle(api, make_user)
    topic = api(circle.member).post(f"{circle.url}/topics", {"title": "Podcast"}).get_json()
    url = f"{circle.url}/topics/{topic['id']}/vote"
    clients = [api(circle.member) for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda c: c.put(url).status_code, clients))
    assert sorted(statuses) == [200] + [409] * 7, statuses
    db.session.expire_all()
    assert db.session.query(CircleTopicVote).count() == 1
