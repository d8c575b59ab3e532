"""A real SMTP server (aiosmtpd) on a free local port, for tests that read sent emails
as a person reads their inbox. ``from tests.mail_sink import smtp`` makes the fixture
available in a test module."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
import time
from email.header import decode_header, make_header
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

PUBLIC_URL = "https://social.lumen.example"


class Sink:
    """What the local SMTP server received, in order."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.delay = 0.0  # seconds the server waits before accepting a message

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"{len(self.messages)} emails, expected {count}"
        return self.messages


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    """The sink; the app's MAIL_SERVER/MAIL_PORT point at it while the test runs."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": controller.port,
        "MAIL_USE_TLS": False,
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_DEFAULT_SENDER": "socialnet@lumen.example",
        "PUBLIC_URL": PUBLIC_URL,
    }
    saved = {name: app.config.get(name) for name in settings}
    app.config.update(settings)
    yield sink
    for thread in threading.enumerate():  # let emails in flight finish before closing
        if thread.name == "mail":
            thread.join(timeout=10)
    controller.stop()
    app.config.update(saved)


def parts_of(message: Message) -> dict[str, str]:
    """``{"text/plain": …, "text/html": …}``: each part of ``message``, decoded."""
    found = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            found[part.get_content_type()] = part.get_payload(decode=True).decode(
                part.get_content_charset() or "utf-8"
            )
    return found


def header(message: Message, name: str) -> str:
    """The decoded value of ``message``'s header ``name`` (RFC 2047 words joined)."""
    return str(make_header(decode_header(message[name] or "")))
