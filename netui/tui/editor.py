"""Editing a note in the user's `$EDITOR` while the app steps aside.

The editor runs without a shell (`shlex.split($EDITOR)` plus the file path), on a private
temporary file (mode 0600, since notes are personal) that is removed afterwards. The app
receives an `ExternalEditor` from `make_app`, so tests can pass a fake one: Textual cannot
suspend under `run_test`.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Protocol

from textual.app import App, SuspendNotSupported


class EditorError(RuntimeError):
    """The editor could not run or failed; the message says what to fix."""


class TextEditor(Protocol):
    def __call__(self, app: App, text: str) -> str: ...


def editor_command(environ: dict[str, str] | None = None) -> list[str]:
    """The user's editor as an argument list: $VISUAL, else $EDITOR, else vi."""
    env = os.environ if environ is None else environ
    command = env.get("VISUAL") or env.get("EDITOR") or "vi"
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise EditorError(f"cannot read $EDITOR {command!r}: {exc}") from None
    if not argv:
        raise EditorError("$EDITOR is empty")
    return argv


class ExternalEditor:
    """Suspend the app, run the editor on a temporary copy of the text, return the result."""

    def __call__(self, app: App, text: str) -> str:
        argv = editor_command()
        fd, name = tempfile.mkstemp(prefix="netui-note-", suffix=".txt")  # created 0600
        path = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            try:
                with app.suspend():
                    result = subprocess.run([*argv, str(path)], check=False)
            except FileNotFoundError:
                raise EditorError(f"editor {argv[0]!r} not found: set $EDITOR") from None
            except SuspendNotSupported:
                raise EditorError("this terminal cannot hand over to an editor") from None
            if result.returncode != 0:
                raise EditorError(
                    f"{argv[0]} exited with status {result.returncode}; note unchanged"
                )
            try:
                return path.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:  # was a traceback that closed the app
                raise EditorError(
                    f"{argv[0]} saved the note in another encoding than UTF-8 (byte "
                    f"{exc.start}); set it to UTF-8 and edit again; note unchanged"
                ) from None
        finally:
            path.unlink(missing_ok=True)
