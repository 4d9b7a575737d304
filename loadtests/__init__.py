"""Load tests of the quiz API: locust scenarios (``scenarios/``), shared helpers
(``common/``) and the headless runner (``python -m loadtests run SCENARIO``)."""
