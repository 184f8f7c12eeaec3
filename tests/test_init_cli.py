"""`netui init`, the refusal of a folder that is not a database, and exports to a stream."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from netui.cli import main
from netui.core.io.files import write_atomic


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def docs(tmp_path) -> Path:
    docs = tmp_path / "Documents"
    docs.mkdir()
    (docs / "taxes.pdf").write_bytes(b"%PDF")
    return docs


def test_init_creates_a_missing_folder(tmp_path, capsys):
    root = tmp_path / "new" / "db"
    code, out, _ = run(capsys, "init", "--db", str(root))
    assert code == 0 and out.startswith("Created a netui database at ")
    assert (root / "meta.json").is_file()
    code, out, _ = run(capsys, "--db", str(root), "init")
    assert code == 0 and "already a netui database; nothing changed" in out


def test_init_refuses_a_users_folder_and_says_what_force_would_do(docs, capsys):
    code, out, err = run(capsys, "init", "--db", str(docs))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and str(docs) in err and "'taxes.pdf'" in err
    assert "--force" in err and "untouched" in err and "meta.json" in err
    assert sorted(p.name for p in docs.iterdir()) == ["taxes.pdf"]


def test_init_force_adopts_the_folder_and_keeps_its_files(docs, capsys):
    code, out, _ = run(capsys, "init", "--db", str(docs), "--force")
    assert code == 0 and "its 1 entries are untouched" in out
    assert run(capsys, "--db", str(docs), "add", "Ann")[0] == 0
    code, out, _ = run(capsys, "--db", str(docs), "list")
    assert code == 0 and "Ann" in out
    assert (docs / "taxes.pdf").read_bytes() == b"%PDF"


def test_every_command_on_a_users_folder_points_at_init(docs, capsys):
    for command in (["list"], ["add", "Ann"], ["search", "x"], ["undo"], ["stats"]):
        code, _, err = run(capsys, "--db", str(docs), *command)
        assert code == 1, command
        assert err.count("\n") == 1 and str(docs) in err and "netui init" in err
    assert sorted(p.name for p in docs.iterdir()) == ["taxes.pdf"]


def test_the_tui_on_a_users_folder_is_one_line(docs):
    done = subprocess.run(
        [sys.executable, "-m", "netui", "--db", str(docs)],  # the TUI: no command
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "netui init" in done.stderr


# -- export to a stream -------------------------------------------------------------------------


@pytest.fixture
def filled(tmp_path, capsys) -> Path:
    db = tmp_path / "db"
    assert main(["--db", str(db), "add", "Dana Kim", "--company", "Pine"]) == 0
    capsys.readouterr()
    return db


@pytest.fixture
def no_rename_into_dev(monkeypatch):
    """A regression must fail here, not replace the machine's /dev/stdout (it did, as root)."""
    real = os.replace

    def guarded(src, dst, *args, **kw):
        if str(dst).startswith(("/dev/", "/proc/")):
            raise AssertionError(f"renamed over {dst}")
        return real(src, dst, *args, **kw)

    monkeypatch.setattr(os, "replace", guarded)


def test_export_to_dev_stdout_is_like_dash(filled, capsys, no_rename_into_dev):
    def export(target: str) -> str:
        code, out, err = run(capsys, "--db", str(filled), "export", target, "--format", "csv")
        assert code == 0, err
        return out

    assert "Dana Kim" in export("-")
    assert export("/dev/stdout") == export("-")
    assert export("/dev/fd/1") == export("-")


def test_a_device_path_is_written_straight_even_when_it_is_a_file(capfd, no_rename_into_dev):
    """Under pytest, fd 1 is a temporary file: /dev/stdout is then a regular file, as with
    `netui export /dev/stdout > out.csv`; a rename there would replace the device link."""
    write_atomic(Path("/dev/stdout"), "Dana Kim,Pine\n")
    assert "Dana Kim,Pine" in capfd.readouterr().out
    assert os.path.islink("/dev/stdout")


def test_export_into_a_fifo_writes_straight(filled, tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    code = main(["--db", str(filled), "export", str(fifo), "--format", "csv"])
    reader.join(timeout=30)
    assert code == 0, capsys.readouterr().err
    assert b"Dana Kim" in got[0]
    assert fifo.exists() and not fifo.is_file()  # still the FIFO, not replaced by a file


def test_export_to_a_regular_file_still_replaces_it_atomically(filled, tmp_path, capsys):
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    assert main(["--db", str(filled), "export", str(target), "--force"]) == 0
    assert "Dana Kim" in target.read_text()
    assert target.stat().st_mode & 0o777 == 0o640
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
