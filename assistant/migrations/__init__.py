"""Alembic migrations, shipped inside the package so `init_db` finds them from anywhere."""
