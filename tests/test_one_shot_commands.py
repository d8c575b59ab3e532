"""One-shot ``flask`` commands work as typed: no SOCKETIO_ASYNC_MODE to export first.

Under the default async mode (eventlet) the server's module patched the standard library
after the ``flask`` command had imported Flask, and ``flask jobs run`` printed an eventlet
traceback ("Working outside of request context"). The command line now runs in threading
mode by itself; the server (``python wsgi.py``) keeps eventlet.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from socialnet.config import one_shot_command

ROOT = Path(__file__).resolve().parent.parent
FLASK = Path(sys.executable).with_name("flask")


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SOCKETIO_ASYNC_MODE"}
    env.update(
        FLASK_APP="wsgi.py",
        DATABASE_URL=f"sqlite:///{tmp_path / 'one-shot.db'}",
        SECRET_KEY="one-shot-test",
        SOCIALNET_STORAGE_DIR=str(tmp_path / "uploads"),
        PYTHONWARNINGS="default",
    )
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_jobs_run_and_backup_work_without_an_async_mode_set(tmp_path):
    assert "SOCKETIO_ASYNC_MODE" not in _run(["env"], tmp_path).stdout
    migrated = _run([str(FLASK), "db", "upgrade"], tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert "Warning" not in migrated.stderr, migrated.stderr  # make run's output is quiet

    jobs = _run([str(FLASK), "jobs", "run"], tmp_path)
    assert jobs.returncode == 0, jobs.stderr
    assert "Traceback" not in jobs.stderr and "eventlet" not in jobs.stderr, jobs.stderr
    assert "announcements_published: 0" in jobs.stdout
    assert "skipped: 0" in jobs.stdout

    # ``python -m flask`` is the same command line
    target = tmp_path / "copy.db"
    backup = _run([sys.executable, "-m", "flask", "backup", str(target)], tmp_path)
    assert backup.returncode == 0, backup.stderr
    assert "Traceback" not in backup.stderr, backup.stderr
    assert target.exists() and target.stat().st_size > 0


def test_the_server_module_imports_eventlet_without_its_banner(tmp_path):
    imported = _run([sys.executable, "-c", "import wsgi; print(wsgi.ASYNC_MODE)"], tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "eventlet"
    assert "deprecated" not in imported.stderr.lower(), imported.stderr


def test_the_licence_is_declared_the_spdx_way():
    text = (ROOT / "pyproject.toml").read_text()
    assert '\nlicense = "MIT"\n' in text and (ROOT / "LICENSE").is_file()


@pytest.mark.parametrize(
    ("argv0", "expected"),
    [
        ("/work/.venv/bin/flask", True),
        (str(Path("/usr/lib/python3/site-packages/flask/__main__.py")), True),
        ("wsgi.py", False),
        ("/work/.venv/bin/pytest", False),
    ],
)
def test_the_command_line_is_told_from_the_server(monkeypatch, argv0, expected):
    monkeypatch.setattr(sys, "argv", [argv0])
    assert one_shot_command() is expected
