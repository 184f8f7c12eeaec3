"""Shared fixtures: a fresh store in a temporary folder, a frozen 'today', and the CLI run
in-process (`cli`, with `ok`/`error` to read its result)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pendulum
import pytest

from netui.cli import main
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


CliResult = tuple[int, str, str]  # exit code, stdout, stderr


def run_cli(db_path: Path, capsys, *args: str, stdin: str | None = None) -> CliResult:
    """`netui --db <db_path> ...` through the real entry point, in-process."""
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = main(["--db", str(db_path), *args])
    finally:
        sys.stdin = sys.__stdin__
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def cli(db_path, capsys, frozen_today):
    """Run `netui --db <tmp> ...` in-process on the frozen day; returns (code, stdout, stderr)."""

    def run(*args: str, stdin: str | None = None) -> CliResult:
        return run_cli(db_path, capsys, *args, stdin=stdin)

    return run


def ok(result: CliResult) -> str:
    """The output of a command that must succeed."""
    code, out, err = result
    assert code == 0, err
    return out


def error(result: CliResult) -> str:
    """The error of a command that must fail: one line, never a traceback."""
    code, _, err = result
    assert code != 0
    assert err.startswith("netui: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


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
