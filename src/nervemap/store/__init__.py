"""Persistence: SQLAlchemy models, one repository per table, Alembic migrations."""
