#!/usr/bin/env python3
"""Quick start for Kesos, needing only Python 3.11+ and git.

    python3 dev.py run     # virtualenv, pinned requirements, migrate, regions, demo data, serve :8000
    python3 dev.py test    # the whole test suite (pytest; extra arguments are passed on)
    python3 dev.py worker  # a Celery worker (needs REDIS_URL); start as many as you like
    python3 dev.py beat    # Celery beat, the periodic jobs' clock (needs REDIS_URL); one is enough
    python3 dev.py setup   # only the virtualenv and requirements

Both commands are safe to repeat: requirements are reinstalled only when a requirements file
changes, and the data loaders update in place.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("KESOS_VENV", ROOT / ".venv"))
REQUIREMENTS = [ROOT / "requirements.txt", ROOT / "requirements-dev.txt"]


def python() -> str:
    return str(VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Kesos needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not Path(python()).exists():
        print(f"Creating virtualenv in {VENV} ...", flush=True)
        venv.create(VENV, with_pip=True)
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in REQUIREMENTS)).hexdigest()
    stamp = VENV / ".kesos-requirements"
    if not stamp.exists() or stamp.read_text() != digest:
        print("Installing pinned requirements ...", flush=True)
        run(python(), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(REQUIREMENTS[1]))
        stamp.write_text(digest)


def run(*args: str) -> None:
    subprocess.run(args, cwd=ROOT, check=True)


def manage(*args: str) -> None:
    run(python(), "manage.py", *args)


def cmd_run(args: list[str]) -> int:
    ensure_venv()
    manage("migrate", "--noinput")
    manage("load_wilayah")
    manage("load_demo")
    port = os.environ.get("PORT", "8000")
    print(f"\nKesos berjalan di http://127.0.0.1:{port}/ (Ctrl+C untuk berhenti)\n", flush=True)
    os.chdir(ROOT)
    os.execv(python(), [python(), "manage.py", "runserver", f"127.0.0.1:{port}", *args])


def cmd_setup(args: list[str]) -> int:
    ensure_venv()
    return 0


def cmd_test(args: list[str]) -> int:
    ensure_venv()
    return subprocess.run([python(), "-m", "pytest", *args], cwd=ROOT).returncode


def _celery(role: str, args: list[str]) -> int:
    ensure_venv()
    if not (os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL")):
        sys.exit("Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without a broker, tasks run in the web process.")
    celery = str(Path(python()).with_name("celery"))
    os.execv(celery, [celery, "-A", "kesos", role, "-l", "info", *args])


def cmd_worker(args: list[str]) -> int:
    """A worker runs tasks only; the periodic jobs come from `dev.py beat` (kesos/core/schedule.py)."""
    return _celery("worker", args)


def cmd_beat(args: list[str]) -> int:
    """Sends the periodic jobs. A second beat does no harm (each job does its period's work once)."""
    return _celery("beat", args)


COMMANDS = {"run": cmd_run, "test": cmd_test, "worker": cmd_worker, "beat": cmd_beat, "setup": cmd_setup}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
