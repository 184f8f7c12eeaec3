"""Shared fixtures: a fresh store in a temporary folder, and a frozen 'today'."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pendulum
import pytest

from netui.core.config import Settings
from netui.core.db.store import Store

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path_factory):
    """Never read the developer's config or database."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("NETUI_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("NETUI_DB", str(home / "db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))


@pytest.fixture
def frozen_today():
    """Freeze the clock at TODAY (local noon) for code that asks for today's date."""
    with pendulum.travel_to(pendulum.datetime(2026, 11, 24, 12, tz="local"), freeze=True):
        yield TODAY


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "db"


@pytest.fixture
def store(db_path):
    with Store.open(db_path, settings=Settings()) as s:
        yield s


@pytest.fixture
def git_env(tmp_path, monkeypatch):
    """git sees only our config (user.* set), nothing from the machine's; skip without git."""
    if shutil.which("git") is None:
        pytest.skip("needs git")
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Test\n\temail = test@example.com\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def remote(tmp_path, git_env):
    """An empty bare repository: the remote two devices sync through."""
    path = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    return path
