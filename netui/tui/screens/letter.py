"""What every drafted letter's screen does with its text: copy it (`c`) and edit it in
`$EDITOR` (`e`), with a one-line error under it when the editor fails.

The thank-you note and the introduction derive from `LetterScreen`; each declares its own
`c`/`e` bindings (their ids and tooltips name the letter) and what it records when sent.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from netui.tui.editor import EditorError, ExternalEditor
from netui.tui.format import safe_block

ResultT = TypeVar("ResultT")


class LetterScreen(ModalScreen[ResultT]):
    """A modal showing `text` (None: no draft could be made) in TEXT_ID, errors in ERROR_ID."""

    TEXT_ID: ClassVar[str]  # the Static that shows the letter
    ERROR_ID: ClassVar[str]  # the Static that shows why something failed

    text: str | None = None

    def action_copy(self) -> None:
        if self.text is not None:
            self.app.copy_to_clipboard(self.text)
            self.notify("Copied: paste it into your email, then press m", markup=False)

    def action_edit(self) -> None:
        """Blocks while the editor runs: the app is suspended meanwhile."""
        if self.text is None:
            return
        editor = getattr(self.app, "editor", None) or ExternalEditor()
        try:
            edited = editor(self.app, self.text)
        except EditorError as exc:
            self._show_error(str(exc))
            return
        if edited.strip():
            self.text = edited
            self.query_one(f"#{self.TEXT_ID}", Static).update(Content(safe_block(edited)))

    def _show_error(self, message: str) -> None:
        error = self.query_one(f"#{self.ERROR_ID}", Static)
        error.update(Content.styled(message, "bold $error"))
        error.display = True
