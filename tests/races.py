"""Two transactions racing for one unique value, made to collide for sure (tests of kesos.core.races).

The winner runs its service inside a transaction it keeps open; the loser runs the same service in
another thread (its own connection): its duplicate check cannot see the winner's uncommitted row, so
it inserts and waits on the unique index. Only once PostgreSQL shows it waiting does the winner
commit: the loser's insert then fails, and what the service makes of that failure is the result.
"""

from __future__ import annotations

import threading
import time

from django.db import connection, connections, transaction


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # inside a transaction the view is a snapshot
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def collide(winner, loser, *, timeout: float = 20):
    """Run `winner()` in an open transaction, then `loser()` in a thread until it waits on a lock, then
    commit the winner. Returns (winner's result, loser's result or the exception it raised)."""
    box: dict = {}
    go = threading.Event()

    def run_loser():
        go.wait(timeout)
        try:
            box["result"] = loser()
        except Exception as exc:  # noqa: BLE001 - the loser's answer, handed to the test
            box["result"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run_loser)
    with transaction.atomic():
        won = winner()
        thread.start()
        go.set()
        deadline = time.monotonic() + timeout
        while _waiting_on_a_lock() == 0:
            assert thread.is_alive(), f"the loser finished without waiting: {box.get('result')!r}"
            assert time.monotonic() < deadline, "the loser never waited on the unique index"
            time.sleep(0.05)
    thread.join(timeout)
    return won, box["result"]
