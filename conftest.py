"""The harness's fixtures and hooks live in certlog.checks.pytest_plugin."""

pytest_plugins = ["certlog.checks.pytest_plugin"]
