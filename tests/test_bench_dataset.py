"""The feed benchmark's bulk loader writes rows the app can read: a schema change that
the loader forgets (a new NOT NULL column) fails here, not in the middle of `make bench`."""

from __future__ import annotations

from sqlalchemy import func, select

from bench.dataset import VIEWER_ID, load
from socialnet import create_app
from socialnet.extensions import db
from socialnet.models import Post, User
from socialnet.text_keys import fold


def test_the_feed_bench_dataset_loads_and_people_are_findable_by_their_folded_keys(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bench.db'}",
            "SOCKETIO_ASYNC_MODE": "threading",
            "SECRET_KEY": "bench-dataset-test",
        }
    )
    with app.app_context():
        db.create_all()
        data = load(posts=300, users=40, progress=False)
        assert (data.posts, data.users) == (300, 40)
        assert db.session.scalar(select(func.count()).select_from(Post)) == 300
        viewer = db.session.get(User, VIEWER_ID)
        assert viewer.handle_key == fold(viewer.handle)
        found = db.session.scalars(select(User.id).where(User.handle_key == fold("USER7"))).all()
        assert found == [7]
        db.session.remove()
