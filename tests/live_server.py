"""Start the real server (``python wsgi.py``, eventlet by default) in a subprocess.

Used by the end-to-end and browser tests: it runs migrations on a fresh
database, creates an admin through the ``flask users create`` command, serves
on a free loopback port, and waits until the API answers.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
ADMIN_EMAIL = "root.admin@lumen.example"
ADMIN_PASSWORD = "admin password 1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]
    process: subprocess.Popen
    log_path: Path
    log_file: object = None
    admin_token: str = ""
    extra: dict = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def api(self, method: str, path: str, token: str | None = None, **kw) -> requests.Response:
        headers = kw.pop("headers", {})
        if token or self.admin_token:
            headers["Authorization"] = f"Bearer {token or self.admin_token}"
        return requests.request(method, self.url + path, headers=headers, timeout=10, **kw)

    def create_user(
        self, email: str, name: str, password: str = "granite lantern 42", **fields
    ) -> dict:
        body = {"email": email, "display_name": name, "password": password, **fields}
        response = self.api("POST", "/api/v1/users", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def token_for(self, email: str, password: str = "granite lantern 42") -> str:
        session = requests.Session()
        login = session.post(
            self.url + "/api/v1/auth/login", json={"email": email, "password": password}, timeout=10
        )
        assert login.status_code == 200, login.text
        created = session.post(
            self.url + "/api/v1/tokens",
            json={"name": "e2e"},
            headers={"X-CSRFToken": login.json()["csrf_token"]},
            timeout=10,
        )
        assert created.status_code == 201, created.text
        return created.json()["token"]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log_file is not None:
            self.log_file.close()


def _flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run ``flask …`` (one-shot, threading mode) and fail with its output if it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def run_flask(server: LiveServer, *args: str) -> subprocess.CompletedProcess:
    """Run a ``flask`` command against ``server``'s database and message queue."""
    return _flask({**server.env, "SOCKETIO_ASYNC_MODE": "threading"}, *args)


def start_live_server(
    workdir: Path,
    *,
    database_url: str | None = None,
    async_mode: str = "eventlet",
    prepare: bool = True,
    demo_posts: int | None = None,
    **env_extra: str,
) -> LiveServer:
    """Migrate a fresh database, create the admin, serve, and wait until it answers.

    ``prepare=False`` serves a database another live server already prepared
    (a second process of the same cluster). ``demo_posts`` seeds the demo company
    (``flask seed-demo --posts N``, everyone's password ``demo password``) first.
    """
    port = free_port()
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "DATABASE_URL": database_url or f"sqlite:///{workdir / 'live.db'}",
        "SECRET_KEY": "live-server-test-secret",
        "SOCKETIO_ASYNC_MODE": async_mode,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "PYTHONWARNINGS": "ignore",
        # abuse limits are tested on their own (tests/test_rate_limits.py, e2e); bursts here
        # stand for many people
        "SOCIALNET_RATE_LIMITS": "0",
        # the company's public site that shareable posts may lead to (employee advocacy)
        "SOCIALNET_ADVOCACY_SITES": "lumen.example",
        **env_extra,
    }
    if prepare:
        _flask({**env, "SOCKETIO_ASYNC_MODE": "threading"}, "db", "upgrade")
        if demo_posts is not None:
            _flask(
                {**env, "SOCKETIO_ASYNC_MODE": "threading"}, "seed-demo", "--posts", str(demo_posts)
            )
        admin_args = ["--name", "Root Admin", "--password", ADMIN_PASSWORD, "--role", "admin"]
        cli_env = {**env, "SOCKETIO_ASYNC_MODE": "threading"}
        _flask(cli_env, "users", "create", ADMIN_EMAIL, *admin_args)
    log_path = workdir / f"server-{port}.log"
    log_file = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "wsgi.py"], cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
    )
    server = LiveServer(
        url=f"http://127.0.0.1:{port}",
        env=env,
        process=process,
        log_path=log_path,
        log_file=log_file,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log()}")
        try:
            if requests.get(server.url + "/api/v1/auth/csrf", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.1)
    else:
        server.stop()
        raise RuntimeError(f"server did not answer within 30 s:\n{server.log()}")
    server.admin_token = server.token_for(ADMIN_EMAIL, ADMIN_PASSWORD)
    return server
