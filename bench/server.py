"""Processes the benchmark starts and stops: ``python wsgi.py``, a private Redis, nginx.

Every process here is started by the benchmark and stopped by its own pid.
"""

from __future__ import annotations

import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "socialnet-bench-secret"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def raise_nofile() -> int:
    """Raise this process's open-file limit to its hard limit (inherited by children)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 1_048_576
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` from /proc (seconds)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_bytes(pid: int) -> int:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE


def _wait_http(
    url: str, process: subprocess.Popen, log: Path, timeout: float = 60, poll: float = 0.2
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(poll)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class AppServer:
    """One ``python wsgi.py`` (eventlet) on a free loopback port."""

    database_url: str
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, poll: float = 0.2) -> AppServer:
        """Start on ``port`` (a free one the first time, the same one again after
        :meth:`stop`); return once it answers HTTP (asked every ``poll`` seconds)."""
        raise_nofile()
        self.port = self.port or free_port()
        env = {
            **os.environ,
            "FLASK_APP": "wsgi.py",
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": SECRET_KEY,
            "SOCKETIO_ASYNC_MODE": "eventlet",
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "EVENTLET_MAX_CONNECTIONS": "20000",
            "SOCIALNET_JOBS_IN_SERVER": "0",
            "SOCIALNET_RATE_LIMITS": "0",  # the load generators are a few people very busy
            "PYTHONWARNINGS": "ignore",
            **self.extra_env,
        }
        log_dir = Path(tempfile.gettempdir()) / "socialnet-bench"
        log_dir.mkdir(exist_ok=True)
        self.log_path = log_dir / f"server-{self.port}.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "wsgi.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        _wait_http(self.url + "/api/v1/auth/csrf", self.process, self.log_path, poll=poll)
        return self

    def stop(self) -> None:
        _stop(self.process)

    def log_tail(self, n: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-n:] if self.log_path else ""


@dataclass
class BareServer:
    """The bare baseline (:mod:`bench.hello_app`: Flask + Flask-SocketIO, one JSON route
    ``/``) on the same eventlet server and listener options as ``wsgi.py``."""

    port: int = 0
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> BareServer:
        raise_nofile()
        self.port = self.port or free_port()
        log_dir = Path(tempfile.gettempdir()) / "socialnet-bench"
        log_dir.mkdir(exist_ok=True)
        self.log_path = log_dir / f"bare-{self.port}.log"
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.hello_app", str(self.port)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_http(self.url + "/", self.process, self.log_path)
        return self

    def stop(self) -> None:
        _stop(self.process)


@dataclass
class RedisServer:
    """A private, non-persistent redis-server (its pub/sub is not shared with other users)."""

    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.port = self.port or free_port()
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--loglevel", "warning"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        _stop(self.process)


NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
daemon off;
events {{ worker_connections 20000; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' ''; }}
    upstream socialnet {{
        {balance}
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://socialnet;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 3600s;
            proxy_buffering off;
        }}
    }}
}}
"""


@dataclass
class Nginx:
    """nginx in the foreground with a generated config: round-robin over ``upstreams``.

    Round robin, not ``ip_hash``: every benchmark client comes from 127.0.0.1, so a
    hash of the address would send them all to one process. The socket clients use
    the WebSocket transport only, which needs no stickiness.
    """

    upstreams: list[int]
    port: int = 0
    process: subprocess.Popen | None = None
    tmp: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Nginx:
        if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
            raise RuntimeError("nginx is not installed: apt-get install -y nginx")
        self.port = self.port or free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="socialnet-bench-nginx-"))
        servers = "\n".join(f"        server 127.0.0.1:{p};" for p in self.upstreams)
        conf = NGINX_CONF.format(tmp=self.tmp, port=self.port, servers=servers, balance="")
        (self.tmp / "nginx.conf").write_text(conf)
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen(
            [binary, "-p", str(self.tmp), "-c", str(self.tmp / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        log = self.tmp / "error.log"
        log.touch()
        _wait_http(self.url + "/api/v1/auth/csrf", self.process, log)
        return self

    def stop(self) -> None:
        _stop(self.process)
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
