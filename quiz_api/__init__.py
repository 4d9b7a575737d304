"""The knowledge-challenge quiz API: FastAPI + SQLModel."""

__version__ = "0.1.0"
