# Scoring image: installs the light product (no nlp extra) and builds the demo model at build
# time, so a container starts on a ready artifact. Real data: mount it and run `train`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# XGBoost's wheel links against the OpenMP runtime.
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY scoring ./scoring
COPY nlp ./nlp
COPY layouts ./layouts
COPY callbacks ./callbacks
COPY api_routes ./api_routes
RUN pip install .

RUN credit-scoring demo --data-dir /app/data/demo --out /app/artifacts
CMD ["credit-scoring", "card", "/app/artifacts"]
