"""The file system side of import and export: careful reading, folder walks, atomic writes.

Text comes as UTF-8 mostly; otherwise charset-normalizer names the encoding (Shift-JIS,
GB18030, Windows-1251 ...), or the user does with --encoding, or the file is refused:
never read in a wrong encoding without a word. Imported files are only ever read as
text, never executed or unpickled. A folder import does not follow links that lead
outside the folder (a shared folder could otherwise make netui read ~/.ssh). Exports are
written to a temporary file and renamed over the target, so a crash or a full disk never
leaves a half-written export behind.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer

from netui.core.errors import FileExists, UnreadableFile, UnwritableFile
from netui.core.fs import atomic_write, through_links

MAX_IMPORT_BYTES = 256 * 1024 * 1024  # far beyond any address book; refuses /dev/zero & co.
VCARD_SUFFIXES = (".vcf", ".vcard")


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's text and the encoding it was read in; `guessed` when detected, not certain."""

    text: str
    encoding: str = "utf-8"
    guessed: bool = False
    rejoined: tuple[int, ...] = ()  # lines where a character split by a fold was mended


def read_text(path: Path, encoding: str | None = None) -> str:
    """The file's text (see `read_decoded`)."""
    return read_decoded(path, encoding).text


def read_decoded(path: Path, encoding: str | None = None) -> Decoded:
    """The file's text: UTF-8 (with or without BOM), UTF-16 with BOM, `encoding` when
    given, else the encoding charset-normalizer detects; refused when none fits."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_IMPORT_BYTES + 1)
    except IsADirectoryError:
        raise UnreadableFile(f"{path} is a folder, not a file") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise UnreadableFile(f"{path} is too large to import (over {MAX_IMPORT_BYTES >> 20} MB)")
    return decode_as(data, path, encoding)


def decode(data: bytes, path: Path | str = "the file") -> str:
    """Bytes to text, trying the encodings contact exports actually use."""
    return decode_as(data, path).text


def decode_as(data: bytes, path: Path | str = "the file", encoding: str | None = None) -> Decoded:
    """Bytes to text in the named encoding, or UTF-8/UTF-16, or a detected one.

    A vCard folded in the middle of a UTF-8 character (old phones fold at 75 bytes, not
    characters) is mended first, so one such line does not make the file look non-UTF-8.
    """
    if encoding:
        return Decoded(_decode_named(data, path, encoding), encoding)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile(f"{path} is not valid UTF-16 text") from None
    with contextlib.suppress(UnicodeDecodeError):
        return Decoded(data.decode("utf-8-sig"))
    splits = [data.count(b"\n", 0, m.start()) + 1 for m in _SPLIT_CHARACTER.finditer(data)]
    if splits:
        with contextlib.suppress(UnicodeDecodeError):
            mended = _SPLIT_CHARACTER.sub(rb"\1\3\2", data).decode("utf-8-sig")
            return Decoded(mended, rejoined=tuple(splits))
    if b"\x00" in data:
        raise UnreadableFile(f"{path} is not a text file")
    return _detect(data, path)


# A UTF-8 lead byte, a fold (line break + space or tab), then the character's other bytes.
_SPLIT_CHARACTER = re.compile(rb"([\xc2-\xf4][\x80-\xbf]*)(\r?\n[ \t])([\x80-\xbf]+)")
# Single-byte encodings of Latin script: one byte sequence is valid in all of them, and
# the detector's pick among them is a coin toss ("Núñez" read as Central European
# "Núńez"). Windows-1252, what Excel and Outlook write in the West, is taken instead.
_LATIN_FAMILY = re.compile(r"cp125[02478]|latin_1|iso8859_(?:[1-49]|1[03-6])|mac_(?:roman|latin2)")
# What address books and spreadsheets write outside UTF-8; leaving out the rest keeps the
# detector from reading a short CSV as UTF-16 or Urdu.
_CANDIDATES = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1257",
    "koi8_r",
    "cp932",
    "euc_jp",
    "gb18030",
    "big5",
    "cp949",
    "iso8859_2",
    "mac_roman",
)
# Non-ASCII bytes below which a CJK or Cyrillic guess is a coin toss ("Иван" in
# Windows-1251 reads as Korean): refused rather than guessed.
_MIN_EVIDENCE = 16
_ENCODING_HINT = "name it with --encoding (e.g. shift_jis, gb18030, cp1251, latin-1)"


def _decode_named(data: bytes, path: Path | str, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise UnreadableFile(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"{path} is not valid {encoding} text (byte {exc.start}); {_ENCODING_HINT}"
        ) from None


def _detect(data: bytes, path: Path | str) -> Decoded:
    """The encoding charset-normalizer finds, or UnreadableFile rather than mojibake."""
    best = charset_normalizer.from_bytes(data, cp_isolation=list(_CANDIDATES)).best()
    if best is None:
        raise UnreadableFile(f"cannot tell the encoding of {path}; {_ENCODING_HINT}")
    if _LATIN_FAMILY.fullmatch(best.encoding):
        with contextlib.suppress(UnicodeDecodeError):
            return Decoded(data.decode("cp1252"), "cp1252", guessed=True)
    if sum(byte > 0x7F for byte in data) < _MIN_EVIDENCE:
        raise UnreadableFile(f"too little text to tell the encoding of {path}; {_ENCODING_HINT}")
    return Decoded(str(best), best.encoding, guessed=True)


@dataclass(slots=True)
class FolderListing:
    """The vCard files of a folder, and the links left alone because they lead outside it."""

    files: list[Path] = field(default_factory=list)
    refused_links: list[Path] = field(default_factory=list)


def vcard_files(folder: Path) -> FolderListing:
    """Every .vcf file under `folder`, sorted; links count only if they stay inside it."""
    root = folder.resolve()
    listing = FolderListing()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.lower().endswith(VCARD_SUFFIXES):
                continue
            path = Path(dirpath) / name
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root) or not target.is_file():
                    listing.refused_links.append(path)
                    continue
            listing.files.append(path)
    return listing


def encode(text: str) -> bytes:
    """UTF-8; a lone surrogate (possible from JSON "\\ud800") is written as that escape."""
    return text.encode("utf-8", errors="backslashreplace")


def write_atomic(path: Path, text: str, *, replace: bool = True) -> None:
    """Replace `path` with `text` in one step: readers see the old file or the new, never half.

    A target that is not a regular file (`/dev/stdout`, a FIFO, a terminal) cannot be renamed
    over: it is written straight, as `-` would be. `replace=False`: FileExists when a file
    is there already (after links), even one made a moment ago by another process.
    """
    path = path.expanduser()
    try:
        if _is_stream(path):
            _write_stream(path, encode(text))
        else:
            target = _through_links(path)
            atomic_write(target, encode(text), mode=_mode_of(path), replace=replace)
    except FileExistsError:
        raise _exists(path) from None
    except OSError as exc:
        raise UnwritableFile(f"cannot write {path}: {exc.strerror or exc}") from None


def check_target(path: Path, *, replace: bool) -> None:
    """What `write_atomic` would refuse, refused before the text is made (a large export
    takes seconds): a folder, a link loop and, unless `replace`, a file already there.
    A stream (`/dev/stdout`, a FIFO) is written straight and holds nothing to lose."""
    path = path.expanduser()
    if _is_stream(path):
        return
    target = _through_links(path)
    if target.is_dir():
        raise UnwritableFile(
            f"{path} is a folder; export to a file in it (a name with an extension)"
        )
    if not replace and target.exists():
        raise _exists(path)


def _exists(path: Path) -> FileExists:
    return FileExists(f"{path} already exists; nothing was written")


def _through_links(path: Path) -> Path:
    try:
        return through_links(path)
    except (OSError, RuntimeError):  # RuntimeError: a link loop (Python 3.11's resolve)
        raise UnwritableFile(f"cannot write {path}: its links lead round in a loop") from None


def _is_stream(path: Path) -> bool:
    """True for a device, FIFO or socket (after links), or anything under /dev or /proc.

    `/dev/stdout` redirected to a file is a regular file, but a rename there would replace
    the device link itself (as root) or fail: it is written straight too.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    special = path.absolute().parts[1:2] in (("dev",), ("proc",))
    return special or not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_stream(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def _mode_of(path: Path) -> int:
    """Keep an existing export's permissions; a new one is private (it holds personal data)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o600
