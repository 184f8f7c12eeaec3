"""Make user text safe to print: names and notes may hold escape sequences or bidi tricks.

A name pasted from the web can carry ESC sequences that recolour or clear the terminal, or a
right-to-left override that makes "evil.exe" read as "exe.live". Such characters are shown as
visible escapes (`\\x1b`, `\\u202e`) instead; everything else (emoji, CJK, accents) is left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import ModuleType

ELLIPSIS = "…"

_BIDI_CONTROLS = frozenset(chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


@lru_cache(maxsize=1)
def _line_breaks() -> re.Pattern[str]:
    """Compiled when a text is first cut to one line, not in every command's start-up."""
    return re.compile(r"[\r\n\t]+")


def is_unsafe(char: str, keep_newlines: bool = True) -> bool:
    """True for a character that could steer the terminal or disguise the text around it."""
    if keep_newlines and char in "\n\t":
        return False
    code = ord(char)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or char in _BIDI_CONTROLS
        # Lone surrogates (possible from JSON "\ud800") make print() raise UnicodeEncodeError.
        or 0xD800 <= code <= 0xDFFF
    )


def _escaped(char: str) -> str:
    """The visible Python-style escape for one character."""
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _tokens(text: str, keep_newlines: bool) -> list[str]:
    """Each character as it will be shown: itself, or its escape if unsafe."""
    return [_escaped(ch) if is_unsafe(ch, keep_newlines) else ch for ch in text]


def printable(text: str, keep_newlines: bool = True) -> str:
    """User text with every control, bidi-override and lone-surrogate character escaped."""
    if text.isprintable():  # the common case, at C speed: nothing to escape
        return text
    return "".join(_tokens(text, keep_newlines))


_wcwidth_module: ModuleType | None = None


# Letters that are one grapheme and one cell each in wcwidth (Latin, Greek, Cyrillic, Arabic
# letters, "…"), and ones that are two (kana, CJK ideographs, Hangul syllables): text of these
# alone is measured and cut without wcwidth, whose import is ~10 ms (1,000 search hits with
# such names printed: 15 -> 4 ms). tests/test_text.py checks each against wcwidth. The wide
# ones are compared one by one: as a regex class their 32,000 letters took 2 ms to compile.
# Compiled at the first text measured (~0.35 ms of every command's start-up otherwise).
@lru_cache(maxsize=1)
def _narrow() -> re.Pattern[str]:
    return re.compile(
        "[ -~\u00a1-\u00ac\u00ae-\u02ff\u0370-\u0377\u037a-\u037f\u0384-\u038a\u038c"
        "\u038e-\u03a1\u03a3-\u0482\u048a-\u052f\u0620-\u064a\u2026]+"
    )


def _is_wide(char: str) -> bool:
    return (
        "\u4e00" <= char <= "\u9fff"
        or "\uac00" <= char <= "\ud7a3"
        or "\u3041" <= char <= "\u3096"
        or "\u30a1" <= char <= "\u30fa"
    )


def _simple_width(text: str) -> int | None:
    """Cells of text made of the letters above alone (each its own grapheme), else None."""
    wide = _narrow().sub("", text)
    return len(text) + len(wide) if all(map(_is_wide, wide)) else None


def _wcwidth() -> ModuleType:
    """wcwidth, imported at the first text that is not ASCII: its import is ~10 ms (it pulls
    in textwrap, hmac and its tables), which `netui add` or `log` with plain names never need."""
    global _wcwidth_module
    if _wcwidth_module is None:
        import wcwidth

        _wcwidth_module = wcwidth
    return _wcwidth_module


def cell_width(text: str) -> int:
    """Terminal cells a printable string takes, grapheme by grapheme (wcwidth: "❤️" with its
    emoji selector is 2, a ZWJ family is one 2-cell picture, not four)."""
    if text.isascii():
        return len(text)
    if (cells := _simple_width(text)) is not None:
        return cells
    return int((_wcwidth_module or _wcwidth()).width(text))


def one_line(text: str, width: int | None = None) -> str:
    """Printable text on a single line, cut to `width` cells with an ellipsis when too long."""
    folded = _line_breaks().sub(" ", text).strip(" ")
    if folded.isascii() and folded.isprintable():  # fast path: one cell per character
        if width is None or len(folded) <= width:
            return folded
        return folded[: max(0, width - 1)] + ELLIPSIS if width > 0 else ""
    if folded.isprintable() and (width is None or cell_width(folded) <= width):
        return folded  # nothing to escape, and it fits
    # Cut between graphemes, never inside one (a family emoji, a letter and its accent); an
    # unsafe character is a grapheme of its own, shown as its escape.
    if folded.isprintable() and _simple_width(folded) is not None:
        tokens = list(folded)  # each character a grapheme of its own
    else:
        tokens = [
            grapheme if grapheme.isprintable() else "".join(_tokens(grapheme, keep_newlines=False))
            for grapheme in _wcwidth().iter_graphemes(folded)
        ]
    shown = "".join(tokens)
    if width is None or cell_width(shown) <= width:
        return shown
    if width <= 0:
        return ""
    kept: list[str] = []
    used = 0
    room = width - cell_width(ELLIPSIS)
    for token in tokens:
        cells = cell_width(token)
        if used + cells > room:
            break
        kept.append(token)
        used += cells
    return "".join(kept) + ELLIPSIS
