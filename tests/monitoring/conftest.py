"""Monitoring tests run on both backends: the PostgreSQL fixtures come from tests/postgres.py."""

from tests.postgres import postgres_database_url, postgres_server  # noqa: F401 (fixtures)
