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
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

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
    """Replace `path` with `text` in one step: readers see the old file or the new, never half."""
    try:
        _replace(path.expanduser(), encode(text))
    except OSError as exc:
        raise UnwritableFile(f"cannot write {path}: {exc.strerror or exc}") from None


def _replace(path: Path, data: bytes) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
