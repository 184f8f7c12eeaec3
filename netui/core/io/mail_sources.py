"""Where mail lives on disk: mbox files, Maildir folders at any depth, `.eml` files, stdin.

Every message is found first (cheap: a Maildir is a listing, an mbox one scan for its
`From ` lines) so the caller knows the total for a progress bar, and read later, one at a
time, so a 50 MB attachment is in memory only while its own message is handled. Kinds are
told by content, never by file name: Gmail Takeout calls its mbox `All mail Including
Spam and Trash.mbox`, Thunderbird uses no extension at all, and mutt saves `.txt` files.

Links are followed (a Maildir linked in from another disk is common), but no folder is
walked twice: two links to `.` in one folder made the walk take 2^40 steps (a hang, found
in review), and a link to a parent looped until the kernel's limit. Only regular files are
read: a FIFO in `cur/` would block the import forever.
"""

from __future__ import annotations

import mailbox
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

SNIFF_BYTES = 4096
_HEADER_LINE = re.compile(rb"[!-9;-~]+:[ \t]?")  # "Name:" per RFC 5322 (printable, no colon)
_MAILDIR_PARTS = ("cur", "new", "tmp")


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message not yet read: where it is, and how to get its bytes."""

    where: str  # "inbox.mbox: message 3", "Maildir/cur/1700…:2,S", "-"
    read: Callable[[], bytes]
    fallback_time: Callable[[], datetime | None]  # when there is no usable Date header


@dataclass(slots=True)
class Found:
    """Every message under the paths, and the files that were not mail."""

    messages: list[RawMessage]
    problems: list[str]  # one line each: a path that is not mail, a folder that cannot be read
    ignored: int = 0  # files inside folders that are not mail (index files, .mbsyncstate…)


def find_messages(paths: list[Path]) -> Found:
    """The messages under each path, in a stable order (sorted names)."""
    found = Found([], [])
    walked: set[tuple[int, int]] = set()
    for path in paths:
        path = path.expanduser()
        if path.is_dir():
            _walk(path, path.name or str(path), found, walked)
        elif path.is_file():
            if not _add_file(path, path.name, found):
                found.problems.append(f"{path}: not an mbox or a mail message; skipped")
        else:
            found.problems.append(f"{path}: no such file or folder; skipped")
    return found


def from_bytes(data: bytes, where: str = "-") -> RawMessage:
    """One message given whole (standard input)."""
    return RawMessage(where, lambda: data, lambda: None)


def _walk(folder: Path, label: str, found: Found, walked: set[tuple[int, int]]) -> None:
    """Every message under `folder`, each folder once (by device and inode, after links)."""
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in walked:
            return
        walked.add((info.st_dev, info.st_ino))
        children = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        found.problems.append(f"{label}: cannot read the folder ({exc.strerror}); skipped")
        return
    names = {child.name for child in children if child.is_dir()}
    if {"cur", "new"} <= names:
        _add_maildir(folder, label, found)
    for child in children:
        if child.is_dir():
            if child.name in _MAILDIR_PARTS and {"cur", "new"} <= names:
                continue
            _walk(child, f"{label}/{child.name}", found, walked)
        elif child.is_file() and not _add_file(child, f"{label}/{child.name}", found):
            found.ignored += 1


def _add_maildir(folder: Path, label: str, found: Found) -> None:
    """A Maildir's messages are the files of cur/ and new/ (tmp/ holds deliveries in flight).

    Listed directly rather than through `mailbox.Maildir`, whose keys hide which file a
    message is: the report names the file so the user can open it."""
    for part in ("cur", "new"):
        try:
            with os.scandir(folder / part) as entries:
                names = sorted(
                    e.name for e in entries if not e.name.startswith(".") and _regular(e)
                )
        except OSError as exc:
            found.problems.append(f"{label}/{part}: cannot read ({exc.strerror}); skipped")
            continue
        for name in names:
            path = folder / part / name
            found.messages.append(
                RawMessage(f"{label}/{part}/{name}", path.read_bytes, partial(_mtime, path))
            )


def _regular(entry: os.DirEntry[str]) -> bool:
    """A regular file, after links; a FIFO, device or broken link is never read."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _mtime(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except OSError:
        return None


def sniff(head: bytes) -> str | None:
    """ "mbox", "message" or None, from a file's first bytes."""
    head = head.lstrip(b"\xef\xbb\xbf\r\n")
    if head.startswith(b"From "):
        return "mbox"
    if _HEADER_LINE.match(head):
        return "message"
    return None


def _add_file(path: Path, label: str, found: Found) -> bool:
    try:
        with path.open("rb") as handle:
            kind = sniff(handle.read(SNIFF_BYTES))
    except OSError as exc:
        found.problems.append(f"{label}: cannot read ({exc.strerror}); skipped")
        return True
    if kind == "message":
        found.messages.append(RawMessage(label, path.read_bytes, lambda: _mtime(path)))
    elif kind == "mbox":
        _add_mbox(path, label, found)
    return kind is not None


def _add_mbox(path: Path, label: str, found: Found) -> None:
    box = mailbox.mbox(path, factory=None, create=False)
    try:
        keys = list(box.iterkeys())
    except OSError as exc:
        found.problems.append(f"{label}: cannot read the mbox ({exc.strerror}); skipped")
        return
    for number, key in enumerate(keys, start=1):
        found.messages.append(
            RawMessage(
                f"{label}: message {number}",
                partial(box.get_bytes, key, from_=True),
                lambda: None,  # the date of the From line is read with the bytes
            )
        )


def from_line_time(line: bytes) -> datetime | None:
    """The delivery time of an mbox `From sender Tue Dec  1 06:09:24 2026` line."""
    words = line.decode("ascii", "replace").split()
    for start in range(2, max(len(words) - 4, 2) + 1):
        try:
            return datetime.strptime(" ".join(words[start : start + 5]), "%a %b %d %H:%M:%S %Y")
        except ValueError:
            continue
    return None
