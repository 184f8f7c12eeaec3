"""The file system side of import and export: careful reading, folder walks, atomic writes.

Imported files are only ever read as text, never executed or unpickled. A folder import
does not follow links that lead outside the folder (a shared folder could otherwise make
netui read ~/.ssh). Exports are written to a temporary file and renamed over the target,
so a crash or a full disk never leaves a half-written export behind.
"""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from netui.core.db.fs import atomic_write
from netui.core.errors import UnreadableFile, UnwritableFile

MAX_IMPORT_BYTES = 256 * 1024 * 1024  # far beyond any address book; refuses /dev/zero & co.
VCARD_SUFFIXES = (".vcf", ".vcard")


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_IMPORT_BYTES + 1)
    except IsADirectoryError:
        raise UnreadableFile(f"{path} is a folder, not a file") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise UnreadableFile(f"{path} is too large to import (over {MAX_IMPORT_BYTES >> 20} MB)")
    return decode(data, path)


def decode(data: bytes, path: Path | str = "the file") -> str:
    """Bytes to text, trying the encodings contact exports actually use."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile(f"{path} is not valid UTF-16 text") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise UnreadableFile(f"{path} is not a text file")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise UnreadableFile(f"{path} is not UTF-8 or Windows-1252 text") from None


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


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step: readers see the old file or the new, never half.

    A target that is not a regular file (`/dev/stdout`, a FIFO, a terminal) cannot be renamed
    over: it is written straight, as `-` would be.
    """
    path = path.expanduser()
    try:
        if _is_stream(path):
            _write_stream(path, encode(text))
        else:
            atomic_write(path, encode(text), mode=_mode_of(path))
    except OSError as exc:
        raise UnwritableFile(f"cannot write {path}: {exc.strerror or exc}") from None


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
