"""One locustfile per scenario; ``python -m loadtests run NAME`` runs ``NAME.py``."""
