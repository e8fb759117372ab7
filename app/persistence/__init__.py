"""SQLite through SQLAlchemy 2.0: tables, the unit of work, queries, Alembic migrations."""
