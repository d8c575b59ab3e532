"""Security finding 1: the Host header never reaches an emailed link.

Links are built from the public URL only (``SOCIALNET_PUBLIC_URL``, or ``http://HOST:PORT``
when the server listens on loopback only); a request whose Host is not allowed is refused
with a clean 400; without a public URL no email with a link leaves, the person is told
why and the administrator is warned at start-up.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from socialnet.config import load_config
from socialnet.hosts import parse_allowed_hosts, public_url, trusted_hosts
from socialnet.services import password_reset
from tests.helpers import assert_error
from tests.test_openapi import Checker
from tests.web import csrf_from, html_of

RESET = "/api/v1/auth/password-reset"
SIGNUP = "/api/v1/auth/signup"
PUBLIC_URL = "https://social.lumen.example"
ATTACKER = "attacker.example"
ROOT = Path(__file__).resolve().parent.parent
#: ``make run``'s settings: none but the defaults.
MAKE_RUN = {"PUBLIC_URL": "", "ALLOWED_HOSTS": [], "HOST": "127.0.0.1", "PORT": 5000}


@pytest.fixture
def outbox(monkeypatch) -> list:
    """The messages handed to the mailer after commit (nothing leaves the machine)."""
    sent: list = []
    monkeypatch.setattr(password_reset, "send_in_background", lambda _app, msg: sent.append(msg))
    return sent


@pytest.fixture
def open_signup(app) -> None:
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]


def _links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def _deploy(app, **settings) -> None:
    """Change the deployment settings of the test app as create_app would derive them."""
    app.config.update(settings)
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)


# --- spoofed Host: refused ----------------------------------------------------------------


@pytest.mark.parametrize("host", [ATTACKER, f"{ATTACKER}:5000", "social.lumen.example.evil"])
def test_a_reset_asked_under_a_spoofed_host_is_refused_and_nothing_is_sent(
    client, employee, outbox, host
):
    response = client.post(RESET, json={"email": employee.email}, headers={"Host": host})
    body = assert_error(response, 400, "bad_request")
    assert "host" in body["message"].lower()
    assert outbox == []  # assert_error checked request_id against X-Request-ID


def test_a_sign_up_asked_under_a_spoofed_host_is_refused_and_nothing_is_sent(
    client, outbox, open_signup
):
    response = client.post(
        SIGNUP,
        json={"email": "newcomer@lumen.example", "display_name": "New Comer"},
        headers={"Host": ATTACKER},
    )
    assert_error(response, 400, "bad_request")
    assert outbox == []


def test_the_public_host_and_allowed_hosts_are_answered_others_refused(app, client, employee):
    _deploy(app, PUBLIC_URL=PUBLIC_URL, HOST="0.0.0.0", ALLOWED_HOSTS=[".lumen.example"])
    for host in ("social.lumen.example", "intranet.lumen.example:8443", "localhost"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
    for host in (ATTACKER, "lumen.example.attacker.example", "10.1.2.3"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 400, host


def test_a_refused_host_is_a_plain_400_page_outside_the_api_never_a_500(client):
    response = client.get("/sign-in", headers={"Host": ATTACKER})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    page = html_of(response)
    assert "does not answer to this address" in page
    assert response.headers["X-Request-ID"] in page
    assert response.headers["Content-Security-Policy"]


def test_engineio_requests_under_a_spoofed_host_are_refused(client):
    path = "/socket.io/?EIO=4&transport=polling"
    refused = client.get(path, headers={"Host": ATTACKER})
    assert_error(refused, 400, "bad_request")
    assert refused.headers["X-Request-ID"]
    assert client.get(path, headers={"Host": "127.0.0.1:5000"}).status_code == 200


def test_a_forwarded_host_is_ignored_without_trusted_proxies(app, client, employee, outbox):
    _deploy(app, **MAKE_RUN)
    response = client.post(
        RESET, json={"email": employee.email}, headers={"X-Forwarded-Host": ATTACKER}
    )
    assert response.status_code == 202
    assert [link.split("/password-reset")[0] for link in _links(outbox[0])] == [
        "http://127.0.0.1:5000"
    ]


# --- links: from the public URL only --------------------------------------------------------


def test_reset_link_uses_the_public_url_whatever_allowed_host_asked(app, client, employee, outbox):
    _deploy(app, PUBLIC_URL=PUBLIC_URL + "/", ALLOWED_HOSTS=["intranet.lumen.example"])
    for host in ("localhost:5000", "intranet.lumen.example"):
        response = client.post(RESET, json={"email": employee.email}, headers={"Host": host})
        assert response.status_code == 202, response.get_json()
    assert len(outbox) == 2
    for message in outbox:
        [link] = _links(message)
        assert link.startswith(f"{PUBLIC_URL}/password-reset/confirm?token="), link


def test_sign_up_links_use_the_public_url(app, client, employee, outbox, open_signup):
    _deploy(app, PUBLIC_URL=PUBLIC_URL, ALLOWED_HOSTS=["intranet.lumen.example"])
    headers = {"Host": "intranet.lumen.example"}
    for email in ("newcomer@lumen.example", employee.email):  # a new address; a taken one
        response = client.post(
            SIGNUP, json={"email": email, "display_name": "New Comer"}, headers=headers
        )
        assert response.status_code == 202, response.get_json()
    new, taken = outbox
    assert [link.split("?")[0] for link in _links(new)] == [f"{PUBLIC_URL}/sign-up/confirm"]
    assert _links(taken) and all(link.startswith(f"{PUBLIC_URL}/") for link in _links(taken))


def test_on_loopback_without_a_public_url_links_use_the_listening_address(
    app, client, employee, outbox
):
    """``make run``: HOST=127.0.0.1, PORT=5000, no settings; reached as localhost."""
    _deploy(app, **MAKE_RUN)
    response = client.post(
        RESET, json={"email": employee.email}, headers={"Host": "localhost:5000"}
    )
    assert response.status_code == 202
    [link] = _links(outbox[0])
    assert link.startswith("http://127.0.0.1:5000/password-reset/confirm?token="), link


# --- no public URL on a public interface: no link leaves --------------------------------------


def test_without_a_public_url_off_loopback_no_reset_email_and_a_clear_answer(
    app, client, employee, outbox
):
    _deploy(app, PUBLIC_URL="", HOST="0.0.0.0")
    body = assert_error(client.post(RESET, json={"email": employee.email}), 503, "unavailable")
    assert "SOCIALNET_PUBLIC_URL" in body["message"] and "administrator" in body["message"]
    # The same answer for an unknown address: nothing is told about accounts.
    unknown = client.post(RESET, json={"email": "nobody@lumen.example"})
    assert unknown.get_json()["message"] == body["message"]
    assert outbox == []


@pytest.mark.parametrize("email", ["newcomer@lumen.example", "emma.employee@lumen.example"])
def test_without_a_public_url_off_loopback_no_sign_up_email(
    app, client, employee, outbox, open_signup, email
):
    _deploy(app, PUBLIC_URL="", HOST="0.0.0.0")
    response = client.post(SIGNUP, json={"email": email, "display_name": "New Comer"})
    assert_error(response, 503, "unavailable")
    assert outbox == []


def test_without_a_public_url_the_reset_page_says_why(app, client, employee, outbox):
    _deploy(app, PUBLIC_URL="", HOST="0.0.0.0")
    token = csrf_from(client.get("/password-reset"))
    response = client.post("/password-reset", data={"email": employee.email, "csrf_token": token})
    assert response.status_code == 503
    assert "SOCIALNET_PUBLIC_URL" in html_of(response)
    assert outbox == []


def test_the_503_and_the_refused_host_answer_as_documented(app, client, open_signup):
    check = Checker(client.get("/api/v1/openapi.json").get_json())
    check(
        client.post(RESET, json={"email": "a@lumen.example"}, headers={"Host": ATTACKER}),
        "post",
        "/auth/password-reset",
    )
    _deploy(app, PUBLIC_URL="", HOST="0.0.0.0")
    check(client.post(RESET, json={"email": "a@lumen.example"}), "post", "/auth/password-reset")
    signup = {"email": "a@lumen.example", "display_name": "A Person"}
    check(client.post(SIGNUP, json=signup), "post", "/auth/signup")
    assert ("post", "/auth/signup", "503") in check.checked


def _start_up_log(tmp_path, **env: str) -> str:
    script = (
        "import logging; logging.basicConfig(level=logging.WARNING);"
        "from socialnet import create_app;"
        f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.db'}})"
    )
    base = {"PATH": "/usr/bin:/bin", "SOCKETIO_ASYNC_MODE": "threading", "SECRET_KEY": "k"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stderr


def test_start_up_warns_when_links_cannot_be_sent(tmp_path):
    log = _start_up_log(tmp_path, HOST="0.0.0.0")
    assert "WARNING:socialnet.hosts:" in log, log
    assert "SOCIALNET_PUBLIC_URL is not set" in log and "will not be sent" in log, log
    quiet = _start_up_log(tmp_path, HOST="0.0.0.0", SOCIALNET_PUBLIC_URL=PUBLIC_URL)
    assert "socialnet.hosts" not in quiet, quiet
    assert "socialnet.hosts" not in _start_up_log(tmp_path), "loopback: no warning"


# --- settings -----------------------------------------------------------------------------------


def test_allowed_hosts_setting_is_parsed():
    assert parse_allowed_hosts(" Social.Example.com, .lumen.example  10.0.0.5:5001,") == [
        "social.example.com",
        ".lumen.example",
        "10.0.0.5",
    ]
    assert parse_allowed_hosts("") == []
    assert parse_allowed_hosts(None) == []


@pytest.mark.parametrize(
    "bad", ["*", "https://social.example.com", "social.example.com/x", "a b/c"]
)
def test_a_malformed_allowed_host_stops_start_up_with_a_clear_message(bad):
    with pytest.raises(RuntimeError, match="SOCIALNET_ALLOWED_HOSTS"):
        parse_allowed_hosts(bad)


def test_allowed_hosts_and_public_url_from_the_environment_fill_trusted_hosts(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("SOCIALNET_ALLOWED_HOSTS", "intranet.lumen.example,10.0.0.5")
    monkeypatch.setenv("SOCIALNET_PUBLIC_URL", "https://Social.Lumen.example:8443/")
    monkeypatch.setenv("HOST", "0.0.0.0")
    config = load_config(tmp_path)
    assert config["ALLOWED_HOSTS"] == ["intranet.lumen.example", "10.0.0.5"]
    assert trusted_hosts(config) == [
        "social.lumen.example",
        "intranet.lumen.example",
        "10.0.0.5",
        "localhost",
        "127.0.0.1",
    ]


def test_the_app_trusts_what_its_settings_name(app):
    assert app.config["TRUSTED_HOSTS"] == trusted_hosts(app.config)
    assert {"localhost", "127.0.0.1"} <= set(app.config["TRUSTED_HOSTS"])
    assert trusted_hosts({**app.config, **MAKE_RUN}) == ["127.0.0.1", "localhost"]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:5000"),
        ("localhost", "http://localhost:5000"),
        ("127.0.0.2", "http://127.0.0.2:5000"),
        ("::1", "http://[::1]:5000"),
        ("0.0.0.0", ""),
        ("::", ""),
        ("10.0.0.5", ""),
        ("social.example.com", ""),
    ],
)
def test_loopback_listening_address_is_the_default_public_url(host, expected):
    assert public_url({"PUBLIC_URL": "", "HOST": host, "PORT": 5000}) == expected


def test_an_explicit_public_url_wins_and_loses_its_trailing_slash():
    config = {"PUBLIC_URL": "https://social.example.com/", "HOST": "127.0.0.1", "PORT": 5000}
    assert public_url(config) == "https://social.example.com"


@pytest.mark.parametrize("bad", ["social.example.com", "ftp://social.example.com", "https://"])
def test_a_malformed_public_url_stops_start_up(bad):
    with pytest.raises(RuntimeError, match="SOCIALNET_PUBLIC_URL"):
        trusted_hosts({"PUBLIC_URL": bad, "HOST": "127.0.0.1", "PORT": 5000, "ALLOWED_HOSTS": []})
