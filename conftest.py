"""The harness's fixtures and hooks live in certlog.pytest_plugin."""

pytest_plugins = ["certlog.pytest_plugin"]
