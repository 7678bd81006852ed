# Browser files (GraphiQL, Designsystemet's CSS and theme) from the npm registry, pinned by package-lock.json.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
COPY tools/vendor.mjs tools/
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && node tools/vendor.mjs

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=cms.settings.production

WORKDIR /app
# The site search splits Norwegian compounds with Hunspell's bokmål word list (search/analysis/dictionary.py).
# `manage.py backup` and `restore` run PostgreSQL 15's pg_dump, pg_restore and psql (the db service's version).
RUN apt-get update \
    && apt-get install -y --no-install-recommends hunspell-no postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock
COPY . .
COPY --from=assets /app/vendor vendor
# collectstatic needs a secret to import production settings; this one never serves requests.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 cms && mkdir -p /app/media /app/backups && chown cms /app/media /app/backups

USER cms
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "cms.wsgi:application"]
