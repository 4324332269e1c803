# Kesos production image: gunicorn (web), Celery worker and Celery beat all run from this one image;
# docker/entrypoint.sh picks the role. See docs/deployment.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=kesos.settings \
    KESOS_ENV=production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

# Runtime libraries for WeasyPrint (PDF output, added later) and a font it can always find; pg_dump and
# pg_restore (Debian bookworm: PostgreSQL 15, the compose file's server) for `manage.py backup`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

# Unprivileged runtime user. The code stays owned by root (read-only to the app);
# only the media directory is writable. A fresh named volume mounted there inherits this ownership.
RUN groupadd --system --gid 10001 kesos \
    && useradd --system --uid 10001 --gid kesos --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin kesos \
    && mkdir -p /data/media \
    && chown kesos:kesos /data/media \
    && chmod 0750 /data/media

WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# Static files are collected at build time with the production storage (whitenoise
# CompressedManifestStaticFilesStorage, selected by KESOS_ENV=production). The production profile
# refuses to load without a long SECRET_KEY, so this one RUN line gets an obviously fake key;
# it is not stored in ENV and nothing at runtime uses it (a real key is required at start).
RUN SECRET_KEY=build-only-dummy-secret-key-for-collectstatic-never-used-at-runtime \
        python manage.py collectstatic --noinput \
    && python -m compileall -q . \
    && chmod 0755 docker/entrypoint.sh

USER kesos:kesos

EXPOSE 8000

ENTRYPOINT ["/app/docker/entrypoint.sh"]
# Plain gunicorn (no migrations): `web` adds the migrate/load_wilayah step, see entrypoint.sh.
CMD ["gunicorn", "--config", "/app/gunicorn.conf.py"]
