"""Conflict copies left by Syncthing, Dropbox or Nextcloud, merged back record by record.

When two devices change one data file before a file-sync tool has carried the first change
across, the tool keeps one version under the real name and the other as a conflict copy
beside it (`storage.copied_file` knows the three tools' names). netui would otherwise ignore
the copy, and whatever was typed on the other device would sit there unseen. On open, under
the write lock, each copy is merged into the file it copies (two-way: by record and
`updated`, nothing dropped, see `merge.py`), the merge is saved through the database's atomic
commit, and only then is the copy moved into `backups/conflict-copies/`; a kill in between
merges it again next time, which changes nothing more.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from netui.core.db.storage import TABLE_OF_KIND, Database, copied_file, kind_of
from netui.core.errors import StorageError
from netui.core.fs import rename_into_place

BACKUP_FOLDER = "backups/conflict-copies"


def find_copies(root: Path) -> list[tuple[str, str]]:
    """(copy, original) relative paths of every conflict copy of a data file."""
    found = []
    for folder in ("", "contacts", "conversations"):
        here = root / folder if folder else root
        if not here.is_dir():
            continue
        for entry in sorted(os.scandir(here), key=lambda e: e.name):
            original = copied_file(entry.name)
            rel = f"{folder}/{entry.name}" if folder else entry.name
            if original and kind_of(f"{folder}/{original}" if folder else original):
                found.append((rel, f"{folder}/{original}" if folder else original))
    return found


def merge_copies(db: Database) -> list[str]:
    """Merge every conflict copy into its file; one line per copy, for the user to read."""
    copies = find_copies(db.root)
    if not copies or db.read_only:
        return []
    said = []
    with db.exclusive():
        for copy_rel, original in find_copies(db.root):
            said.append(_merge_one(db, copy_rel, original))
    return said


def _merge_one(db: Database, copy_rel: str, original: str) -> str:
    # Imported here: every command looks for copies, almost none finds one (~1 ms of start-up).
    from netui.core.sync.merge import KINDS, empty, merge_databases

    kind = kind_of(original)
    copy_path = db.root / copy_rel
    added = 0
    if kind in KINDS:
        table = TABLE_OF_KIND[kind]
        try:
            theirs = db.decode(original, copy_path.read_bytes()).get(table, {})
        except StorageError as exc:
            raise StorageError(
                f"{copy_path} is a conflict copy of {original} that cannot be read ({exc}); "
                "move it away to open the database"
            ) from None
        mine = db.load(original).get(table, {})
        ours, copy_records = empty(), empty()
        ours[kind], copy_records[kind] = mine, theirs
        merged = merge_databases(empty(), ours, copy_records).records[kind]
        added = sum(1 for rid, rec in merged.items() if mine.get(rid) != rec)
        if merged != mine:
            db.commit({original: {table: merged}})
    # meta.json and undo.json stay this device's own: their copies only move aside.
    _move_aside(db.root, copy_rel)
    return (
        f"merged the conflict copy {copy_rel} into {original} "
        f"({added} record{'' if added == 1 else 's'} changed); the copy is in {BACKUP_FOLDER}/"
    )


def _move_aside(root: Path, copy_rel: str) -> None:
    folder = root / BACKUP_FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    rename_into_place(root / copy_rel, folder / f"{stamp}-{copy_rel.replace('/', '-')}")
