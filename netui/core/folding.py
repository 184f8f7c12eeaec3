"""Case- and accent-free text, the form in which everything a person types is compared."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def fold(text: str) -> str:
    """`José` and `jose` alike, and styled letters plain (`𝓖𝓲𝓾𝓵𝓲𝓸`, `Ｇｉｕｌｉｏ` are `giulio`).

    ASCII needs only lower(); other text is decomposed by compatibility (NFKD: styled,
    full-width and ligature letters become plain ones, accents come apart), case-folded
    after that (case-folding does not touch mathematical capitals before NFKD makes
    them plain), and drops its accents with one compiled regex per distinct set of
    accents instead of a character-by-character loop.
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    if decomposed.isascii():
        return decomposed
    others = set("".join(NON_ASCII_RUN.findall(decomposed)))  # few, even in 30 MB of notes
    marks = "".join(sorted(ch for ch in others if unicodedata.combining(ch)))
    return _marks_pattern(marks).sub("", decomposed) if marks else decomposed


@lru_cache(maxsize=256)
def _marks_pattern(marks: str) -> re.Pattern[str]:
    """Removes these accents; few distinct sets of accents occur, so each is compiled once."""
    return re.compile(f"[{re.escape(marks)}]")
