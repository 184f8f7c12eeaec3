"""User text reaches the terminal only as visible characters, and one-line cuts respect cells."""

from __future__ import annotations

import unicodedata

import pytest
import wcwidth
from hypothesis import given
from hypothesis import strategies as st

from netui.core import text as text_module
from netui.core.text import cell_width, is_unsafe, one_line, printable

BIDI_OVERRIDES = [chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("nul\x00here", "nul\\x00here"),
        ("bell\x07", "bell\\x07"),
        ("back\rspace\x08", "back\\x0dspace\\x08"),
        ("del\x7f", "del\\x7f"),
        ("csi\x9b2J", "csi\\x9b2J"),
        ("next line\x85", "next line\\x85"),
        ("evil\u202eexe.txt", "evil\\u202eexe.txt"),
        ("isolate\u2066x\u2069", "isolate\\u2066x\\u2069"),
        ("lone \ud800 surrogate", "lone \\ud800 surrogate"),
    ],
)
def test_printable_escapes_control_characters(text: str, expected: str) -> None:
    assert printable(text) == expected


@pytest.mark.parametrize("char", BIDI_OVERRIDES)
def test_printable_escapes_every_bidi_override(char: str) -> None:
    assert printable(char) == f"\\u{ord(char):04x}"


@pytest.mark.parametrize(
    "text",
    [
        "Ann O'Neil",
        "José Müller",
        "e\u0301 combining acute",
        "👩‍💻 engineer 🎉",
        "山田 太郎",
        "مرحبا שלום",
        "back\\slash [b]markup[/b]",
        "no-break\u00a0space",
    ],
)
def test_printable_leaves_ordinary_text_alone(text: str) -> None:
    assert printable(text) == text


def test_printable_keeps_newlines_and_tabs_unless_asked_not_to() -> None:
    assert printable("a\nb\tc") == "a\nb\tc"
    assert printable("a\nb\tc", keep_newlines=False) == "a\\x0ab\\x09c"


def test_printable_output_encodes_for_a_strict_terminal() -> None:
    hostile = "x\ud800\udfff\x1b\u202e"
    # Encoding would raise UnicodeEncodeError if a lone surrogate got through.
    assert printable(hostile).encode("utf-8") == b"x\\ud800\\udfff\\x1b\\u202e"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("first\nsecond", "first second"),
        ("crlf\r\nline", "crlf line"),
        ("tab\there", "tab here"),
        ("many\n\n\t\nbreaks", "many breaks"),
        ("\nedges\n", "edges"),
        ("esc\x1b", "esc\\x1b"),
    ],
)
def test_one_line_folds_breaks_to_single_spaces(text: str, expected: str) -> None:
    assert one_line(text) == expected


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("hello world", 20, "hello world"),
        ("hello world", 11, "hello world"),
        ("hello world", 10, "hello wor…"),
        ("hello", 1, "…"),
        ("hello", 0, ""),
        ("", 0, ""),
        ("日本語テキスト", 5, "日本…"),
        ("日本語テキスト", 6, "日本…"),
        ("ab日本", 4, "ab…"),
        ("e\u0301e\u0301e\u0301", 3, "e\u0301e\u0301e\u0301"),
        ("e\u0301e\u0301e\u0301x", 3, "e\u0301e\u0301…"),
        ("\x1b[2J clear", 6, "\\x1b[…"),
        ("\x1b[2J clear", 5, "\\x1b…"),
        ("\x1b[2J clear", 4, "…"),
    ],
)
def test_one_line_truncates_to_terminal_cells(text: str, width: int, expected: str) -> None:
    assert one_line(text, width) == expected


def test_cell_width_counts_wide_and_combining_characters() -> None:
    assert cell_width("abc") == 3
    assert cell_width("日本") == 4
    assert cell_width("e\u0301") == 1
    assert cell_width("…") == 1


def test_cell_width_counts_emoji_sequences_as_the_terminal_draws_them() -> None:
    assert cell_width("❤️") == 2  # heart + emoji variation selector: one wide picture
    assert cell_width("👨\u200d👩\u200d👧\u200d👦") == 2  # a ZWJ family: one picture
    assert cell_width("🇫🇷") == 2  # a flag: two regional indicators, one picture
    assert cell_width("👍🏽 ok") == 5


def test_one_line_never_cuts_inside_an_emoji_sequence() -> None:
    family = "👨\u200d👩\u200d👧\u200d👦"
    assert one_line(f"{family}{family}{family}", 5) == f"{family}{family}…"
    assert one_line(f"{family}{family}{family}", 4) == f"{family}…"
    assert one_line("❤️❤️❤️", 4) == "❤️…"


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


@given(st.text(), st.booleans())
def test_printable_never_emits_a_control_character(text: str, keep_newlines: bool) -> None:
    allowed = "\n\t" if keep_newlines else ""
    shown = printable(text, keep_newlines=keep_newlines)
    assert not any(_is_control(ch) and ch not in allowed for ch in shown)
    assert not any(ch in BIDI_OVERRIDES for ch in shown)


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc"])))
def test_printable_is_identity_without_control_characters(text: str) -> None:
    text = "".join(ch for ch in text if ch not in BIDI_OVERRIDES)
    assert printable(text) == text


@given(st.text())
def test_printable_changes_only_unsafe_characters(text: str) -> None:
    if not any(is_unsafe(ch) for ch in text):
        assert printable(text) == text


@given(st.text(), st.integers(min_value=0, max_value=120))
def test_one_line_never_exceeds_width(text: str, width: int) -> None:
    shown = one_line(text, width)
    assert cell_width(shown) <= width
    assert "\n" not in shown
    assert not any(_is_control(ch) for ch in shown)


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Zs"])))
def test_one_line_keeps_text_that_already_fits(text: str) -> None:
    text = "".join(ch for ch in text if ch not in BIDI_OVERRIDES)
    assert one_line(text, cell_width(text)) == text


# -- the measuring done without wcwidth (text.py's simple letters) agrees with it ---------

SIMPLE_LETTERS = "".join(
    chr(code) for code in range(0xA0, 0x10000) if text_module._simple_width(chr(code))
)


def _wcwidth_one_line(text: str, width: int) -> str:
    """one_line's answer by wcwidth alone, for printable text on one line."""
    if wcwidth.width(text) <= width:
        return text
    if width <= 0:
        return ""
    kept, used, room = [], 0, width - wcwidth.width(text_module.ELLIPSIS)
    for grapheme in wcwidth.iter_graphemes(text):
        if used + wcwidth.width(grapheme) > room:
            break
        kept.append(grapheme)
        used += wcwidth.width(grapheme)
    return "".join(kept) + text_module.ELLIPSIS


def test_every_simple_letter_measures_as_wcwidth_says() -> None:
    assert len(SIMPLE_LETTERS) > 30_000  # Latin, Greek, Cyrillic, Arabic, kana, CJK, Hangul
    for char in SIMPLE_LETTERS:
        assert char.isprintable()
        assert cell_width(char) == wcwidth.width(char) in (1, 2), hex(ord(char))


@given(
    st.text(alphabet=st.sampled_from(SIMPLE_LETTERS + "abc "), max_size=40),
    st.integers(min_value=0, max_value=30),
)
def test_simple_text_is_measured_and_cut_as_wcwidth_does(text: str, width: int) -> None:
    text = text.strip(" ")
    assert list(wcwidth.iter_graphemes(text)) == list(text)  # one grapheme per letter
    assert cell_width(text) == wcwidth.width(text)
    assert one_line(text, width) == _wcwidth_one_line(text, width)
