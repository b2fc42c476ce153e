"""The harness's fixtures and hooks live in certlog.plugin.fixtures."""

pytest_plugins = ["certlog.plugin.fixtures"]
