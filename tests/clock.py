"""Run a Python module (celery beat, a worker) with its wall clock moved to a given moment, running on:

    python tests/clock.py 2027-01-01T00:59:50+08:00 1798000000.0 celery -A kesos beat -l info

The moment is the clock's reading at the real time given second (a Unix time), so several processes
started a few seconds apart share one timeline. Only the wall clock moves (time.time, datetime.now and
their kin, through time-machine); the monotonic clock and sleeping stay real, so Celery, kombu and
the database driver behave as in production. No hook in the project's code is involved.

Why not libfaketime (Debian's `faketime`): its 0.9.10 breaks Python 3.11's waits either way. With the
monotonic clock faked, `threading.Event().wait(1)` never returns (sem_clockwait is not intercepted, so
the faked deadline lies decades ahead); with FAKETIME_DONT_FAKE_MONOTONIC=1, `time.sleep()` fails with
EINVAL (its clock_nanosleep wrapper). Celery uses both.
"""

import datetime
import runpy
import sys
import time

import time_machine

if __name__ == "__main__":
    moment = datetime.datetime.fromisoformat(sys.argv[1])
    anchor = float(sys.argv[2])
    time_machine.travel(moment + datetime.timedelta(seconds=time.time() - anchor), tick=True).start()
    sys.argv = sys.argv[3:]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
