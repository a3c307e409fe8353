# Serving image: the dashboard and the /api JSON API under gunicorn (gunicorn.conf.py), on $PORT.
# The demo model and its clients are built at build time, so a container serves at once; for real
# data, mount the artifact (PAD_ARTIFACT_DIR) and point DATABASE_URL at PostgreSQL. The first start
# on an empty store creates an administrator: PAD_ADMIN_PASSWORD, else a password written to
# $PAD_DATA_DIR/admin_password (mode 600); the log says where, never what.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PAD_DATA_DIR=/app/data PAD_ARTIFACT_DIR=/app/artifacts PORT=8050
# XGBoost's wheel links against the OpenMP runtime.
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md app.py gunicorn.conf.py ./
COPY scoring ./scoring
COPY nlp ./nlp
COPY layouts ./layouts
COPY callbacks ./callbacks
COPY api_routes ./api_routes
COPY assets ./assets
# Editable, so the dashboard finds assets/ beside its packages.
RUN pip install -e '.[postgres]'

RUN credit-scoring demo --data-dir /app/data/demo --out /app/artifacts \
    && credit-scoring load-clients --data-dir /app/data/demo --include-train --explain --artifact /app/artifacts \
       --database-url sqlite:////app/data/store.db --no-progress

EXPOSE 8050
CMD ["gunicorn", "app:server"]
