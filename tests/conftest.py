"""Shared fixtures: every test gets its own SQLite file in tmp_path and a signed-in user."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app import paths
from app.services import workspace


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    paths.set_data_dir(tmp_path)
    yield tmp_path
    paths.set_data_dir(None)


@pytest.fixture
def db(data_dir: Path) -> Iterator[Path]:
    """An empty, fully migrated database with 'anna' (administrator) signed in."""
    path = workspace.open_database(data_dir / "showroom.sqlite3")
    workspace.sign_in("anna")
    yield path
    workspace.close_database()


@pytest.fixture
def user(db: Path) -> workspace.UserInfo:
    return workspace.sign_in("anna")
