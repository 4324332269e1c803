"""Private servers and real processes for fault tests: a Redis and a PostgreSQL cluster of the test's
own, which a test may stop, restart or freeze without touching the machine's shared services, and
gunicorn / Celery processes started as in production.

    with RedisServer() as redis:          # redis-server on a free port, keeping nothing on disk
        redis.url(3)                      # redis://127.0.0.1:<port>/3
        redis.stop(); redis.start()       # down and back on the same port (its data is gone)
        redis.freeze(); redis.thaw()      # SIGSTOP / SIGCONT: connects hang instead of failing

    cluster = PostgresCluster(tmp_dir)    # initdb (as the postgres user when run as root)
    cluster.start(); cluster.restart(); cluster.freeze(); cluster.thaw(); cluster.stop()
    cluster.url("kesos")                  # postgres://postgres@127.0.0.1:<port>/kesos

The session fixture `own_postgres` gives a started cluster holding a migrated database with the
region table as a template; `own_postgres.fresh_database()` copies it in about a second.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float = 30, interval: float = 0.1, what: str = "condition"):
    """Poll `predicate` until it returns something truthy; return it, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):
            if result := predicate():
                return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} not reached within {timeout} s")
        time.sleep(interval)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# --- Redis ---------------------------------------------------------------------------------------
class RedisServer:
    """A redis-server of the test's own, on a free port, without persistence (as the machine's)."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.dir = tempfile.mkdtemp(prefix="kesos-redis-")

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        command = [
            shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", self.dir, "--protected-mode", "no",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.ping, timeout=10, what=f"redis-server on port {self.port}")
        return self

    def ping(self) -> bool:
        import redis

        return bool(redis.Redis(port=self.port, socket_timeout=0.5, socket_connect_timeout=0.5).ping())

    def stop(self) -> None:
        """Kill the server (as a crash or `systemctl stop` would); its queues and cache are gone."""
        if self.process and self.process.poll() is None:
            self.thaw()
            self.process.kill()
            self.process.wait(timeout=10)
        wait_until(lambda: not port_open(self.port), timeout=10, what="redis port closed")

    def freeze(self) -> None:
        """Stop the process without closing its socket: clients connect, then wait for an answer."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


@pytest.fixture
def own_redis():
    """A started private Redis; stop, freeze and restart it at will."""
    with RedisServer() as server:
        yield server


# --- PostgreSQL ----------------------------------------------------------------------------------
def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise FileNotFoundError(f"{name} (PostgreSQL server binaries) not found")


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root; run them as the postgres account then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PostgresCluster:
    """A PostgreSQL cluster of the test's own (initdb), listening on 127.0.0.1 at a free port, trust auth."""

    def __init__(self, directory: str | Path | None = None, port: int | None = None):
        self.base = Path(directory or tempfile.mkdtemp(prefix="kesos-pg-"))
        self.data = self.base / "data"
        self.port = port or free_port()
        self.log = self.base / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres")
        subprocess.run(
            _as_postgres([_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                          "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
            check=True, capture_output=True,
        )  # fmt: skip
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.base}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 100\n"
            )

    def url(self, dbname: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", *args]),
            check=True, capture_output=True,
        )  # fmt: skip

    def start(self) -> PostgresCluster:
        self._ctl("start")
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; "immediate" is a crash (no checkpoint), "fast" a clean shutdown."""
        self.thaw()
        self._ctl("stop", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def freeze(self) -> None:
        """SIGSTOP the postmaster: new connections wait for ever; open sessions keep working."""
        os.kill(self.postmaster_pid(), signal.SIGSTOP)

    def thaw(self) -> None:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError, ValueError):
            os.kill(self.postmaster_pid(), signal.SIGCONT)

    def execute(self, sql: str, dbname: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


class OwnPostgres:
    """A started private cluster with a migrated template database (`kesos_template`)."""

    TEMPLATE = "kesos_template"

    def __init__(self, cluster: PostgresCluster):
        self.cluster = cluster
        cluster.execute(f"CREATE DATABASE {self.TEMPLATE}")
        env = {**os.environ, "DATABASE_URL": cluster.url(self.TEMPLATE)}
        env.pop("REDIS_URL", None)
        env.pop("CELERY_BROKER_URL", None)
        for command in (["migrate", "--noinput", "-v0"], ["load_wilayah", "-v0"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)

    def fresh_database(self, name: str | None = None) -> str:
        """A new database copied from the migrated template; returns its URL."""
        name = name or f"kesos_{uuid.uuid4().hex[:10]}"
        self.cluster.execute(f"CREATE DATABASE {name} TEMPLATE {self.TEMPLATE}")
        return self.cluster.url(name)

    def __getattr__(self, name):
        return getattr(self.cluster, name)


@pytest.fixture(scope="session")
def own_postgres():
    """A private PostgreSQL cluster (started) with a migrated template; built once per session (~30 s)."""
    cluster = PostgresCluster().start()
    try:
        yield OwnPostgres(cluster)
    finally:
        cluster.close()


# --- Processes as in production ------------------------------------------------------------------
class Service:
    """A process started in its own session, so stop() and kill() reach its children too (prefork pools)."""

    def __init__(self, command: list[str], env: dict[str, str], *, log_name: str = "service"):
        self.log = tempfile.NamedTemporaryFile(prefix=f"kesos-{log_name}-", suffix=".log", delete=False)  # noqa: SIM115 - open for the life of the process
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole process group: a machine losing power, an OOM kill."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, timeout: float = 30) -> str:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.output


def service_env(**overrides: str) -> dict[str, str]:
    """The environment of a production-like process: the test's settings, then `overrides`."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(overrides)
    return env


def start_gunicorn(env: dict[str, str], *, threads: int = 4) -> tuple[Service, str]:
    """gunicorn with the project's gunicorn.conf.py on a free port; returns the service and its base URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
        "--workers", "1", "--threads", str(threads), "--control-socket", f"/tmp/kesos-gunicorn-{port}.ctl",
        "--worker-tmp-dir", tempfile.gettempdir(),
    ]  # fmt: skip
    service = Service(command, env, log_name="gunicorn")
    try:
        wait_until(lambda: port_open(port), timeout=60, what="gunicorn listening")
    except AssertionError:
        service.stop()
        raise AssertionError(f"gunicorn did not start:\n{service.output[-3000:]}") from None
    return service, f"http://127.0.0.1:{port}"


def start_celery(env: dict[str, str], *args: str) -> Service:
    """`celery -A kesos <args>` (worker or beat) as in production. To move its wall clock, see tests/clock.py."""
    command = [sys.executable, "-m", "celery", "-A", "kesos", *args]
    return Service(command, env, log_name=args[0] if args else "celery")
