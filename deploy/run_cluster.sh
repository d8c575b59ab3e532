#!/usr/bin/env bash
# Try the scale-out deployment on this machine: PostgreSQL + Redis + N server processes
# behind nginx. Ctrl-C stops everything this script started.
#
#   deploy/run_cluster.sh            # 2 processes on 5001-5002, nginx on http://127.0.0.1:8080
#   N=4 PROXY_PORT=9000 deploy/run_cluster.sh
#
# Settings (environment): N, BASE_PORT (5001), PROXY_PORT (8080), PGHOST (127.0.0.1),
# PGPORT (5432), PGUSER (postgres), CLUSTER_DB (socialnet_cluster), DATABASE_URL (built from
# those), REDIS_URL (redis://127.0.0.1:6379/0; a redis-server is started if none answers
# there), NGINX (nginx binary), SOCIALNET_PUBLIC_URL (http://127.0.0.1:PROXY_PORT: links in
# emails and the name nginx and the app answer to, with localhost), SOCIALNET_TRUSTED_PROXIES
# (1: nginx). Every other app setting (SECRET_KEY, …) is passed through.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-2}
BASE_PORT=${BASE_PORT:-5001}
PROXY_PORT=${PROXY_PORT:-8080}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
CLUSTER_DB=${CLUSTER_DB:-socialnet_cluster}
export DATABASE_URL=${DATABASE_URL:-postgresql+psycopg://$PGUSER@$PGHOST:$PGPORT/$CLUSTER_DB}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export FLASK_APP=wsgi.py
# The address people use (nginx), not a process's own: emailed links are built on it.
export SOCIALNET_PUBLIC_URL=${SOCIALNET_PUBLIC_URL:-http://127.0.0.1:$PROXY_PORT}
export SOCIALNET_TRUSTED_PROXIES=${SOCIALNET_TRUSTED_PROXIES:-1}
PY=.venv/bin/python
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/socialnet-cluster.XXXXXX")
PIDS=()

say() { printf '== %s\n' "$*"; }

cleanup() {
  trap - INT TERM EXIT
  say "stopping"
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$RUNDIR"
}
trap cleanup INT TERM EXIT

[ -x "$PY" ] || { echo "run 'make venv' first" >&2; exit 1; }
if [ ! -x "$NGINX" ]; then
  echo "nginx is missing: apt-get install nginx (Debian's package; it is run here as you)" >&2
  exit 1
fi

say "PostgreSQL at $PGHOST:$PGPORT, database $CLUSTER_DB"
pg_isready -h "$PGHOST" -p "$PGPORT" -q || {
  echo "PostgreSQL does not answer on $PGHOST:$PGPORT (start it: pg_ctlcluster <version> main start)" >&2
  exit 1
}
if ! psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = '$CLUSTER_DB'" | grep -q 1; then
  createdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" "$CLUSTER_DB"
fi
SOCKETIO_ASYNC_MODE=threading .venv/bin/flask db upgrade
SOCKETIO_ASYNC_MODE=threading .venv/bin/flask seed-demo --if-empty

say "Redis at $REDIS_URL"
if ! redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1; then
  redis_port=$(sed -E 's#^redis://([^@/]*@)?[^:/]+:?([0-9]*).*#\2#' <<<"$REDIS_URL")
  say "no Redis answers: starting redis-server on port ${redis_port:-6379} (no persistence)"
  redis-server --port "${redis_port:-6379}" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize no --logfile "$RUNDIR/redis.log" &
  PIDS+=($!)
  for _ in $(seq 50); do redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -u "$REDIS_URL" ping >/dev/null
fi

servers=""
for i in $(seq 0 $((N - 1))); do
  port=$((BASE_PORT + i))
  say "server process $((i + 1))/$N on 127.0.0.1:$port"
  PORT=$port HOST=127.0.0.1 "$PY" wsgi.py > >(sed -u "s/^/[:$port] /") 2>&1 &
  PIDS+=($!)
  servers+="server 127.0.0.1:$port max_fails=3 fail_timeout=10s;"$'\n    '
done
for i in $(seq 0 $((N - 1))); do
  port=$((BASE_PORT + i))
  for _ in $(seq 150); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { echo "process on :$port is not ready" >&2; exit 1; }
done

say "nginx on http://127.0.0.1:$PROXY_PORT (config in $RUNDIR)"
public_host=$(sed -E 's#^[a-z]+://([^/:]+).*#\1#' <<<"$SOCIALNET_PUBLIC_URL")
SERVER_NAME=$(printf '%s\n' "$public_host" localhost 127.0.0.1 | sort -u | tr '\n' ' ')
export UPSTREAM_SERVERS="$servers" LISTEN="127.0.0.1:$PROXY_PORT" RUNDIR SERVER_NAME
"$PY" - <<'PYEOF'
import os
from pathlib import Path

rundir = Path(os.environ["RUNDIR"])
values = {k: os.environ[k] for k in ("UPSTREAM_SERVERS", "LISTEN", "RUNDIR", "SERVER_NAME")}
for source, target in (
    ("deploy/nginx.conf.template", "nginx.conf"),
    ("deploy/socialnet.nginx.conf", "socialnet.nginx.conf"),
):
    text = Path(source).read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", value.strip())
    (rundir / target).write_text(text)
PYEOF
"$NGINX" -p "$RUNDIR" -c "$RUNDIR/nginx.conf" -e stderr -t 2>&1 | grep -v "^$" >&2
"$NGINX" -p "$RUNDIR" -c "$RUNDIR/nginx.conf" -e stderr &
PIDS+=($!)

cat <<TXT

  socialnet cluster: http://127.0.0.1:$PROXY_PORT  ($N processes, PostgreSQL $CLUSTER_DB, Redis)
  per process:       $(for i in $(seq 0 $((N - 1))); do printf 'http://127.0.0.1:%s/{readyz,metrics} ' $((BASE_PORT + i)); done)
  Ctrl-C stops everything.

TXT
wait -n "${PIDS[@]}"
say "a process exited"
