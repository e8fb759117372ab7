"""HQ server: the FastAPI app with its own persistence and migrations."""
