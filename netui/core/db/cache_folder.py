"""A folder of disposable files derived from the data (`cache/<name>/`), written safely.

Shared by the search cache and the contacts digest. A cache file is written to a temporary
name (mode 0600, folders 0700) and renamed into place, never changed in place, so a reader
that maps it never sees it change. A folder that cannot be written to (read-only, full, not
ours) is not an error: the caller goes on with what it built in memory.

Files of an earlier format (another suffix) go when the current ones are written: only
names netui made, a data file's name and a suffix it used (`retired`), nothing else.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from netui.core.db.schema import DATA_FILE
from netui.core.db.storage import Database
from netui.core.fs import atomic_write

# A cache file being written; not storage's TMP_MARK, which the doctor reports as a torn save.
PARTIAL = ".partial-"
STALE_PARTIAL_S = 3600  # a partial file this old was left by a process that died


class CacheFolder:
    """The cache folder `cache/<name>` of one database; writes are skipped, quietly, when
    they cannot be made."""

    def __init__(self, db: Database, name: str, suffix: str, retired: tuple[str, ...] = ()) -> None:
        self.db = db
        self.root = db.root / "cache" / name
        self.suffix = suffix
        self.retired = retired  # the suffixes of earlier formats, for `tidy` to remove
        self.writable = not db.read_only

    def path(self, rel: str) -> Path:
        """The cache file of data file `rel`."""
        return self.root / f"{rel}{self.suffix}"

    def write(self, path: Path, data: bytes) -> None:
        if not self.writable:
            return
        try:
            self._make_folders(path.parent)
            # Disposable (rebuilt from the data files), so atomic but not fsynced.
            atomic_write(path, data, mark=PARTIAL, sync=False)
        except OSError:
            self.writable = False  # read-only, full or not ours: go on from memory

    def keep(self, rebuilt: list[tuple[Path, bytes]], wanted: set[str]) -> None:
        """Write the files rebuilt while reading, once every data file was read (a damaged one
        stops the command before, writing nothing), then tidy for the data files `wanted`."""
        for path, data in rebuilt:
            self.write(path, data)
        if rebuilt:
            self.tidy(wanted)

    def _make_folders(self, folder: Path) -> None:
        missing = []
        while not folder.is_dir() and folder != self.db.root:
            missing.append(folder)
            folder = folder.parent
        for each in reversed(missing):
            each.mkdir(mode=0o700, exist_ok=True)

    def tidy(self, wanted: set[str]) -> None:
        """Drop the caches of data files that are gone, those of an earlier format, and
        partial files of dead processes."""
        if not self.writable or not self.root.is_dir():
            return
        now = time.time()
        for folder, _, names in os.walk(self.root):
            for name in names:
                path = Path(folder, name)
                rel = path.relative_to(self.root).as_posix()
                try:
                    if PARTIAL in name:
                        if now - path.stat().st_mtime > STALE_PARTIAL_S:
                            path.unlink()
                    elif self._unwanted(rel, wanted):
                        path.unlink()
                except OSError:
                    pass

    def _unwanted(self, rel: str, wanted: set[str]) -> bool:
        """The cache of a data file that is gone, or `<data file><a retired suffix>`."""
        suffix = self.suffix
        if rel.endswith(suffix):
            return rel[: -len(suffix)] not in wanted
        return any(
            rel.endswith(old) and DATA_FILE.fullmatch(rel[: -len(old)]) is not None
            for old in self.retired
        )
