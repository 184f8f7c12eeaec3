"""The one durable-write path: write whole, fsync, rename, fsync the folder; and the folder lock.

Every file netui writes (database files, the journal, doctor's restores, exports, the search
cache) goes through `atomic_write`, or, for a database commit that renames many files at once
after its journal, through `write_synced` + `fsync_dir`. Before this module the sequence was
written four times and the copies had drifted (one forgot the folder fsync, one followed a
symlink at the temporary name).

Temporary files are named `<final name>.tmp-<pid>` (`temp_path`): a name only netui makes, so
recovery can remove exactly these and nothing a user keeps next to them (`is_temp_name`).
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TMP_MARK = ".tmp-"
_TEMP_SUFFIX = re.compile(re.escape(TMP_MARK) + r"\d{1,10}")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def temp_path(final: Path, mark: str = TMP_MARK) -> Path:
    """The temporary name `final` is written under before its rename."""
    return final.with_name(f"{final.name}{mark}{os.getpid()}")


def is_temp_name(name: str, finals: re.Pattern[str]) -> bool:
    """True when `name` is `<a name matching finals>.tmp-<digits>`: a temp netui itself made."""
    head, mark, pid = name.rpartition(TMP_MARK)
    return (
        bool(mark)
        and _TEMP_SUFFIX.fullmatch(mark + pid) is not None
        and bool(finals.fullmatch(head))
    )


def write_all(fd: int, payload: bytes) -> None:
    """Write every byte (a seam for fault tests: ENOSPC is raised from here)."""
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_synced(path: Path, payload: bytes, mode: int = 0o600, *, sync: bool = True) -> None:
    """Create `path` afresh (never through a symlink) holding `payload`, on disk when `sync`."""
    path.unlink(missing_ok=True)  # a stale temp of a dead process with our pid
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode)
    try:
        os.fchmod(fd, mode)  # whatever the umask
        write_all(fd, payload)
        if sync:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(
    final: Path,
    payload: bytes,
    *,
    mode: int = 0o600,
    mark: str = TMP_MARK,
    sync: bool = True,
    replace: bool = True,
) -> None:
    """Replace `final` by `payload` in one step: a crash leaves the old file or the new, whole.

    `sync=False` is for disposable files (the search cache): still atomic, not durable.
    `replace=False` never replaces anything: FileExistsError when `final` is there (an export
    over a user's other file), checked in the same step that makes it appear.
    """
    tmp = temp_path(final, mark)
    write_synced(tmp, payload, mode, sync=sync)
    try:
        if replace:
            rename_into_place(tmp, final)
        else:
            _link_new(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if not replace:
        tmp.unlink(missing_ok=True)  # the spare name of the linked file
    if sync:
        fsync_dir(final.parent)


def _link_new(tmp: Path, final: Path) -> None:
    """Give the whole file `tmp` the name `final`, only if nothing has it: a hard link fails
    with FileExistsError instead of replacing, so no other process's file can slip in
    between a check and the rename. Where links are not supported (FAT, some network
    folders), a check just before the rename."""
    try:
        os.link(tmp, final, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(final):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(final)) from None
        rename_into_place(tmp, final)


def through_links(path: Path) -> Path:
    """The file a symlink leads to, for a user's file replaced atomically (an export, the
    config): a rename over the link itself replaced a dotfiles-managed config.toml link
    with a plain copy. Not for database files, whose links the doctor reports."""
    return path.resolve() if path.is_symlink() else path


def rename_into_place(tmp: Path, final: Path) -> None:
    """The atomic step: `final` is the old file until this returns, the new one after.

    Durable once the folder is fsynced (`atomic_write` does it; a commit does it once for all
    its files).
    """
    os.replace(tmp, final)


def link_into_place(source: Path, target: Path) -> None:
    """Make `target` the same file as `source` (a hard link, else a copy), atomically."""
    link = temp_path(target)
    link.unlink(missing_ok=True)
    try:
        os.link(source, link, follow_symlinks=False)
    except OSError:
        import shutil  # here: a file system without hard links only (~1.4 ms of start-up)

        shutil.copy2(source, link, follow_symlinks=False)
    rename_into_place(link, target)


def make_private_dirs(path: Path) -> None:
    """Create `path` and any missing parents as 0700, whatever the umask (personal data)."""
    missing = []
    while not path.exists():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)


def is_regular_file(path: Path) -> bool:
    """A plain file, not a link to one, a folder, a device or a FIFO."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def open_lock(root: Path) -> tuple[int | None, bool]:
    """The folder's `.lock` file descriptor (None: read-only folder with none) and read-only."""
    path = root / ".lock"
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600), False
    except OSError:
        try:
            return os.open(path, os.O_RDONLY | _NOFOLLOW), True
        except OSError:
            return None, True


def flock(fd: int | None, mode: int) -> None:
    """Take (LOCK_SH/LOCK_EX) or release (LOCK_UN) the folder lock; waits, never refuses."""
    if fd is not None:
        fcntl.flock(fd, mode)


@contextmanager
def lock_file(path: Path, mode: int) -> Iterator[None]:
    """Hold an flock on a private lock file of our own (one `netui sync` at a time)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)


@contextmanager
def folder_lock(root: Path, mode: int) -> Iterator[None]:
    """Hold the database's lock for a block (the doctor's; the store keeps its fd open)."""
    fd, _ = open_lock(root)
    try:
        flock(fd, mode)
        yield
    finally:
        if fd is not None:
            os.close(fd)
