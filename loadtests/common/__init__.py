"""Helpers shared by the locust scenarios: configuration, the quiz client, thresholds."""
