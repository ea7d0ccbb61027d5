"""The web workspace: a FastAPI application over the service layer (docs/web.md)."""
