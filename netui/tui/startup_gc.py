"""The garbage collector paused while the app starts and the diary loads.

Opening 10,000 contacts and 100,000 conversations makes about a million objects that live
all session. Collecting while they are being made only walks them again and again: it took
~200 ms of the ~800 ms to the first screen. The launcher pauses collection before Textual
is imported; once the diary is in, `resume` moves everything made so far out of future
collections (`gc.freeze`), so no full collection walks the diary in the middle of a key
press, and turns collection back on.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what exists and collect again; only undoes `pause` (tests never pause)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
