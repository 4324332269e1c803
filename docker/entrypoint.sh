#!/bin/sh
# Container entrypoint. The first argument picks the role:
#   web     wait for the database, migrate, load the region table, then run gunicorn
#   worker  Celery worker (scale with `docker compose up --scale worker=N`)
#   beat    Celery beat: sends the periodic jobs (run one; a second is harmless, see kesos/core/schedule.py)
#   other   run the command as given, e.g. `docker compose run --rm web python manage.py createsuperuser`
# Only `web` runs migrations; additional web replicas should use the image's default command
# (plain gunicorn), see docs/deployment.md.
set -eu

wait_for_db() {
    # Retries only "cannot connect"; configuration errors (bad SECRET_KEY, bad DATABASE_URL)
    # fail at once with Django's message.
    python - <<'PY'
import os
import sys
import time

import django

django.setup()
from django.db import connection
from django.db.utils import OperationalError

deadline = time.monotonic() + int(os.environ.get("DB_WAIT_SECONDS", "60"))
while True:
    try:
        connection.ensure_connection()
        break
    except OperationalError as exc:
        if time.monotonic() >= deadline:
            print(f"entrypoint: database still unreachable, giving up: {exc}", file=sys.stderr)
            sys.exit(1)
        print("entrypoint: waiting for the database...", file=sys.stderr)
        connection.close()
        time.sleep(2)
PY
}

case "${1:-}" in
    web)
        shift
        wait_for_db
        python manage.py migrate --noinput
        python manage.py load_wilayah
        exec gunicorn --config /app/gunicorn.conf.py "$@"
        ;;
    worker)
        shift
        exec celery -A kesos worker -l info --concurrency="${CELERY_CONCURRENCY:-2}" "$@"
        ;;
    beat)
        shift
        # In-memory schedule (settings CELERY_BEAT_SCHEDULER): no file to keep; each job records its
        # runs in the database, and a beat that starts sends every job once, so a missed run happens now.
        exec celery -A kesos beat -l info "$@"
        ;;
    *)
        exec "$@"
        ;;
esac
