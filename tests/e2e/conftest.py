"""Fixtures for tests that run the real server in a subprocess."""

import pytest

from tests.live_server import start_live_server


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The production setup: ``python wsgi.py`` on eventlet."""
    server = start_live_server(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()
