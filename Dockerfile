# Serving image: the dashboard and the /api JSON API under gunicorn (gunicorn.conf.py) on $PORT,
# as a non-root user, with the demo model built at image build time (so the image needs no disk
# at run time: data goes to DATABASE_URL's PostgreSQL).
#
#   docker build -t pret-a-depenser .
#   docker run --rm -e DATABASE_URL=postgres://… -e PAD_SECRET_KEY=… -e PAD_ADMIN_PASSWORD=… \
#          pret-a-depenser credit-scoring release        # once per deploy: store, admin, demo clients
#   docker run -d -p 8050:8050 -e DATABASE_URL=… -e PAD_SECRET_KEY=… pret-a-depenser
#
# BASE: any Debian-based image with python3.11 and pip at /usr/local/bin/python (CI builds FROM an
# offline stand-in made with debootstrap, tests/deploy/base-image/Containerfile). For a real model,
# mount its artifact directory and set PAD_ARTIFACT_DIR to it.
ARG BASE=python:3.11-slim

# --- build: the virtual environment and the demo model; compilers and caches stay here ----------
FROM ${BASE} AS build
ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /src
# Dependencies first, from pyproject.toml alone, so a code or README change does not reinstall
# them (README.md is only the package's long description: a stub will do).
COPY pyproject.toml ./
RUN touch app.py README.md && pip install '.[postgres]' && pip uninstall -y pret-a-depenser-scoring \
    # XGBoost's wheel pulls NVIDIA's NCCL (about 470 MB) for multi-GPU training; scoring on a
    # CPU never loads it.
    && pip uninstall -y nvidia-nccl-cu12
COPY app.py gunicorn.conf.py ./
COPY scoring ./scoring
COPY layouts ./layouts
COPY callbacks ./callbacks
COPY api_routes ./api_routes
# pip's compiled bytecode stays: the server user cannot write it at run time, and without it a
# container takes longer to become healthy (benchmarks/README.md, "Container").
RUN pip install --no-deps . \
    && PAD_ARTIFACT_DIR=/app/artifacts PAD_DATA_DIR=/build/data SCORING_CACHE_DIR=/build/cache \
       credit-scoring release --model-only \
    # The release step loads the clients from these two tables; the side tables are already
    # aggregated into the model's artifact.
    && mkdir -p /app/data/demo \
    && cp /build/data/demo/application_train.csv /build/data/demo/application_test.csv /app/data/demo/

# --- final: the venv, the code, the model; no compiler, no pip cache, no nlp extra --------------
FROM ${BASE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    PAD_DATA_DIR=/app/data PAD_ARTIFACT_DIR=/app/artifacts SCORING_CACHE_DIR=/tmp/scoring-cache \
    HOST=0.0.0.0 PORT=8050
# XGBoost links against the OpenMP runtime.
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \
    && useradd --system --uid 10001 --no-create-home --home-dir /app app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --from=build /app/artifacts ./artifacts
COPY --from=build /app/data ./data
COPY app.py gunicorn.conf.py Procfile ./
COPY scoring ./scoring
COPY layouts ./layouts
COPY callbacks ./callbacks
COPY api_routes ./api_routes
COPY assets ./assets
# The code and the model stay root's (read-only to the server); data/ is the app's for a SQLite
# store or a generated key when no DATABASE_URL / PAD_SECRET_KEY is given.
RUN chown app /app/data
USER app
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/api/health' % os.environ.get('PORT', '8050'), timeout=4)"
CMD ["gunicorn", "app:server"]
