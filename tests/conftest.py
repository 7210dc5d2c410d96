"""Shared fixtures: an app on a fresh data folder, its test client and CLI runner."""

import pytest

from pwa import create_app


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATA_DIR": str(tmp_path / "data"),
        }
    )
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
