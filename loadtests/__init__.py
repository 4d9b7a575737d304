"""Load tests of the quiz API: locust scenarios (``scenarios/``), their shared helpers
(``common/``), the harness that runs them (``harness/``) under the headless runner's command
(``cli.py``: ``python -m loadtests run SCENARIO``), and the benchmarks (``bench_*.py``)."""
