"""The real `$EDITOR` seam (`ExternalEditor`), with a script as the editor and no terminal."""

from __future__ import annotations

import stat
import sys
from contextlib import nullcontext
from pathlib import Path

import pytest

from netui.tui.editor import EditorError, ExternalEditor


class NoTerminal:
    """What ExternalEditor needs of the app: a suspend that hands the terminal over."""

    def suspend(self):
        return nullcontext()


def editor_script(tmp_path, body: str):
    script = tmp_path / "fake-editor"
    script.write_text(f"#!{sys.executable}\nimport sys, os\npath = sys.argv[-1]\n{body}\n")
    script.chmod(0o700)
    return script


def test_the_note_comes_back_and_its_private_temp_file_is_removed(tmp_path, monkeypatch):
    seen = tmp_path / "seen"
    body = (
        f"open({str(seen)!r}, 'w').write(path + ' ' + oct(os.stat(path).st_mode & 0o777))\n"
        "open(path, 'a', encoding='utf-8').write(' edited')"
    )
    monkeypatch.setenv("VISUAL", str(editor_script(tmp_path, body)))
    assert ExternalEditor()(NoTerminal(), "[bold]Dana[/] ") == "[bold]Dana[/]  edited"
    path, mode = seen.read_text().split()
    assert mode == oct(stat.S_IRUSR | stat.S_IWUSR)
    assert "Dana" not in path
    assert not Path(path).exists()


def test_a_note_saved_in_latin_1_is_a_clear_error_not_a_crash(tmp_path, monkeypatch):
    body = "open(path, 'wb').write('café'.encode('latin-1'))"
    monkeypatch.setenv("VISUAL", str(editor_script(tmp_path, body)))
    with pytest.raises(EditorError, match="UTF-8"):
        ExternalEditor()(NoTerminal(), "note")
