#!/usr/bin/env python
"""Django's command-line utility for Kesos."""

import contextlib
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")
    from django.core.management import execute_from_command_line

    if sys.argv[1:2] != ["runserver"]:
        # Commands (migrate, imports, demo and synthetic data) may run long statements: they get the
        # worker's database bounds, not a web request's (kesos.core.db_timeouts).
        from django.core.exceptions import ImproperlyConfigured

        from kesos.core.db_timeouts import use_worker_timeouts

        with contextlib.suppress(ImproperlyConfigured):  # Django reports it below, in its own words
            use_worker_timeouts()
    execute_from_command_line(sys.argv)
