"""`netui sync`: carry a database between devices through any git remote, merged by record.

git does the transport and keeps the history (a private repository, a bare repository on a
USB stick or a NAS over ssh); netui never asks for or stores credentials (git's helpers and
ssh do). What git cannot do is merge two versions of a JSON file without tearing records
apart, so a sync never lets git touch the data files:

    fetch                        a failure changes nothing here: an "offline" message
    under the database's write lock:
      commit what changed here   git add -A; git commit
      merge by record            base = merge-base, ours = HEAD, theirs = the remote; only the
                                 files either side changed are read, and the result is saved
                                 through `Database.commit` (temp + fsync + journal + rename)
      record the merge           git add -A; write-tree; commit-tree -p HEAD -p remote
    push                         rejected (someone pushed meanwhile): fetch and merge again

The network steps run outside the write lock, so a slow remote never freezes an open TUI;
one sync at a time holds `.git/netui-sync.lock`. A kill -9 at any point leaves a database
that opens (every data write is the store's atomic commit) and a repository the next sync
completes: git's stale lock files are cleared, and a merge saved but not yet recorded is
committed as a local change and merged again, which changes nothing more. A merge driver
(`netui merge-driver`, set up here) lets a plain `git pull` merge data files by record too.
Local and derived files (lock, journal, temp files, *.bak, backups/, cache/, undo.json)
never leave the device.

A remote is a place, never a command: `--remote` is refused when git would read it as an
option (`--upload-pack=...`) or a transport that runs a program (`ext::`, `fd::`), and every
git call carries `protocol.ext.allow=never`, so a `protocol.allow=always` in the user's
config (or a remote written into .git/config by hand) cannot make a sync run one either.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from netui.core.db.schema import file_problem
from netui.core.db.storage import (
    TABLE_OF_KIND,
    Database,
    Tables,
    contact_file,
    conversation_file,
    encode,
    kind_of,
)
from netui.core.errors import NetuiError
from netui.core.fs import atomic_write, lock_file
from netui.core.sync.merge import KINDS, Records, count_changed, empty, merge_databases

BRANCH = "main"
REMOTE = "origin"
LAST_SYNC = "netui-last-sync"  # inside .git: this device's own, never committed
SYNC_LOCK = "netui-sync.lock"
PUSH_TRIES = 3
GITIGNORE = """\
# Written by `netui sync`: only netui's data travels, never anything else kept in this
# folder (after `netui init --force` in a used folder, `git add -A` sent all of it).
/*
!/.gitignore
!/.gitattributes
!/meta.json
!/referrals.json
!/introductions.json
!/contacts/
!/conversations/
# What is local to this device or derived never travels either.
.lock
journal.json
*.tmp-*
*.bak
*.corrupt-*
backups/
cache/
undo.json
*.sync-conflict-*
*conflicted copy*
"""
GITATTRIBUTES = """\
# Written by `netui sync`: data files merge record by record (`netui merge-driver`).
meta.json merge=netui
referrals.json merge=netui
introductions.json merge=netui
contacts/*.json merge=netui
conversations/*.json merge=netui
"""
_DATA_PATHS = ("meta.json", "referrals.json", "introductions.json", "contacts", "conversations")
# Transports that run a command or read a file descriptor instead of reaching a place.
_COMMAND_TRANSPORTS = ("ext::", "fd::")
_SAFE_GIT = ("-c", "commit.gpgsign=false", "-c", "protocol.ext.allow=never")


class SyncError(NetuiError):
    """A sync that could not finish; the message says what is safe and what to do."""


@dataclass(slots=True)
class SyncReport:
    """What one `netui sync` did, for the one-line summary."""

    sent: int = 0
    received: int = 0
    conflicts: list[str] = field(default_factory=list)  # names of contacts with a kept conflict
    started: str = ""  # "" or how the first sync began ("set up", "cloned")
    remote: str = ""

    def summary(self) -> str:
        line = f"{_plural(self.sent, 'change')} sent, {self.received} received"
        if self.conflicts:
            shown = ", ".join(self.conflicts[:3])
            more = f" and {len(self.conflicts) - 3} more" if len(self.conflicts) > 3 else ""
            line += f", {_plural(len(self.conflicts), 'conflict')} kept on {shown}{more}"
        if self.started == "cloned":
            line = f"Brought the database from {self.remote}: {line}"
        elif self.started:
            line = f"Sync set up with {self.remote}: {line}"
        return line


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class Git:
    """The `git` command on PATH, run in the database folder, private files, no prompts."""

    def __init__(self, root: Path) -> None:
        self.root = root.absolute()  # git runs in root: a relative GIT_DIR would be root/root
        exe = shutil.which("git")
        if exe is None:
            raise SyncError(
                "netui sync needs git, and there is no `git` command on PATH; install git "
                "and run it again (nothing was changed)"
            )
        self.exe: str = exe
        self.env = {
            **os.environ,
            "GIT_TERMINAL_PROMPT": "0",  # a missing credential fails; never a hidden prompt
            "LC_ALL": "C",
            "GIT_DIR": str(self.root / ".git"),
            "GIT_WORK_TREE": str(self.root),
        }

    def _run(
        self, args: tuple[str, ...], stdin: bytes | None
    ) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [self.exe, *_SAFE_GIT, *args],
            cwd=self.root,
            env=self.env,
            input=stdin,
            capture_output=True,
            umask=0o077,  # the data is personal: new files 0600, folders 0700
        )

    def run(self, *args: str, stdin: bytes | None = None, check: bool = True) -> str:
        done = self._run(args, stdin)
        if check and done.returncode != 0:
            raise GitFailed(args[0], done.stderr.decode(errors="replace"))
        return done.stdout.decode(errors="replace")

    def succeeds(self, *args: str) -> bool:
        return self._run(args, None).returncode == 0

    def rev(self, ref: str) -> str | None:
        done = self._run(("rev-parse", "--verify", "-q", f"{ref}^{{commit}}"), None)
        return (done.stdout.decode().strip() or None) if done.returncode == 0 else None

    def is_ancestor(self, old: str, new: str) -> bool:
        return self.succeeds("merge-base", "--is-ancestor", old, new)

    def blobs(self, commit: str | None, paths: Iterable[str]) -> dict[str, bytes]:
        """The bytes of each path at a commit (absent paths left out), in one git call."""
        paths = list(paths)
        if commit is None or not paths:
            return {}
        request = "".join(f"{commit}:{p}\n" for p in paths).encode()
        done = self._run(("cat-file", "--batch"), request)
        if done.returncode != 0:
            raise GitFailed("cat-file", done.stderr.decode(errors="replace"))
        raw = done.stdout
        out, at = {}, 0
        for path in paths:
            end = raw.index(b"\n", at)
            header = raw[at:end].split()
            at = end + 1
            if header[-1] == b"missing":
                continue
            size = int(header[2])
            out[path] = raw[at : at + size]
            at += size + 1
        return out

    def changed(self, old: str | None, new: str) -> set[str]:
        """Data files that differ between two commits (every one if there is no `old`)."""
        if old is None:
            listing = self.run("ls-tree", "-r", "-z", "--name-only", new, "--", *_DATA_PATHS)
        else:
            listing = self.run("diff", "--name-only", "-z", old, new, "--", *_DATA_PATHS)
        return {p for p in listing.split("\0") if p and kind_of(p) in (*KINDS, "meta")}


class GitFailed(SyncError):
    def __init__(self, command: str, stderr: str) -> None:
        lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
        self.detail = next((ln for ln in lines if ln.startswith(("fatal", "error"))), "")
        self.detail = self.detail or (lines[-1] if lines else "no message")
        self.stderr = stderr
        super().__init__(f"git {command} failed: {self.detail}")


# -- set-up ---------------------------------------------------------------------------------------


def is_synced(root: Path) -> bool:
    return (root / ".git").is_dir()


def last_sync(root: Path) -> datetime | None:
    """When this device last finished a sync, if ever."""
    try:
        return datetime.fromisoformat((root / ".git" / LAST_SYNC).read_text().strip())
    except (OSError, ValueError):
        return None


def driver_command() -> str:
    """The merge driver git runs for a data file: this netui, whatever PATH says later."""
    return f"{shlex.quote(sys.executable)} -m netui merge-driver %O %A %B %P"


def check_remote(remote: str) -> None:
    """Refuse a remote git would take as an option or as a command to run."""
    if remote.startswith("-"):
        raise SyncError(
            f"{remote!r} is not a git remote (it starts with '-'); give a URL or a path "
            "(./name for a folder whose name starts with '-'); nothing was changed"
        )
    if remote.lower().startswith(_COMMAND_TRANSPORTS):
        raise SyncError(
            f"{remote!r} runs a command instead of naming a place; netui sync takes an "
            "ssh, https, git or file URL or a path; nothing was changed"
        )


def shown_remote(url: str) -> str:
    """The remote as messages show it: a password or token in the URL replaced by ***.

    git keeps `https://me:TOKEN@host/repo` in .git/config if told to; the one-line summary,
    a TUI notice or an error message (screenshots, terminal logs) must not repeat it.
    """
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    if not password:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def _prepare(git: Git, remote: str | None) -> str:
    """Make the folder a repository ready to sync; returns how it began ("" if it had)."""
    started = ""
    if not (git.root / ".git" / "HEAD").is_file():
        git.run("init", "-q", "-b", BRANCH)
        started = "set up"
    head = git.run("symbolic-ref", "-q", "HEAD", check=False).strip()
    if head != f"refs/heads/{BRANCH}":
        git.run("symbolic-ref", "HEAD", f"refs/heads/{BRANCH}")
    for key, value in (
        ("core.sharedRepository", "0600"),
        ("merge.netui.name", "netui: merge data files record by record"),
        ("merge.netui.driver", driver_command()),
    ):
        git.run("config", key, value)
    for key, value in (("user.name", f"netui on {socket.gethostname()}"),
                       ("user.email", "netui@localhost")):  # fmt: skip
        if not git.run("config", "--get", key, check=False).strip():
            git.run("config", key, value)  # only here: commits work on a fresh machine
    current = git.run("remote", "get-url", REMOTE, check=False).strip()
    if remote is not None and current != remote:
        git.run("remote", "add" if not current else "set-url", "--", REMOTE, remote)
    elif not current:
        raise SyncError("this database has no remote yet: run `netui sync --remote URL`")
    for name, text in ((".gitignore", GITIGNORE), (".gitattributes", GITATTRIBUTES)):
        _write_if_changed(git.root / name, text)
    return started


def _write_if_changed(path: Path, text: str) -> None:
    try:
        if path.read_text() == text:
            return
    except OSError:
        pass
    atomic_write(path, text.encode())


def _clear_stale_locks(root: Path) -> None:
    """git's own lock files left by a killed git: no other sync runs while we hold ours."""
    gitdir = root / ".git"
    for lock in [gitdir / "index.lock", gitdir / "HEAD.lock", gitdir / "config.lock"]:
        lock.unlink(missing_ok=True)
    refs = gitdir / "refs"
    if refs.is_dir():
        for lock in refs.rglob("*.lock"):
            lock.unlink(missing_ok=True)


# -- the sync ---------------------------------------------------------------------------------


def sync(db: Database, remote: str | None = None) -> SyncReport:
    """Commit, fetch, merge by record, push; every local change under the write lock.

    The network steps (fetch, push) run without it, so an open TUI keeps working while git
    talks to a slow remote; what was written meanwhile is committed before the merge.
    """
    if remote is not None:
        check_remote(remote)
    git = Git(db.root)
    if not (db.root / ".git").is_dir() and remote is None:
        raise SyncError(
            "this database is not synced yet: run `netui sync --remote URL` once (a git URL "
            "or the path of a bare repository; `git init --bare` makes one)"
        )
    (db.root / ".git").mkdir(mode=0o700, exist_ok=True)
    with _one_sync_at_a_time(db.root):
        _clear_stale_locks(db.root)
        with db.exclusive():
            report = SyncReport(started=_prepare(git, remote))
            report.remote = shown_remote(git.run("remote", "get-url", REMOTE).strip())
            fresh = git.rev("HEAD") is None and not _has_records(db)
        return _exchange(db, git, report, fresh)


@contextmanager
def _one_sync_at_a_time(root: Path) -> Iterator[None]:
    with lock_file(root / ".git" / SYNC_LOCK, fcntl.LOCK_EX):
        yield


def _exchange(db: Database, git: Git, report: SyncReport, fresh: bool) -> SyncReport:
    for _attempt in range(PUSH_TRIES):
        _fetch(git, report.remote)
        with db.exclusive():
            theirs = git.rev(f"refs/remotes/{REMOTE}/{BRANCH}")
            if not fresh or theirs is None:
                _commit_local(git, "netui sync: changes made here")
            elif report.started:
                report.started = "cloned"
            fresh = False
            _merge(db, git, git.rev("HEAD"), theirs, report)
        if _push(git, report.remote):
            break
    else:
        raise SyncError(
            "the remote kept changing while we synced; your changes are saved and "
            "committed here: run `netui sync` again"
        )
    with db.exclusive():
        (db.root / ".git" / LAST_SYNC).write_text(datetime.now(UTC).isoformat() + "\n")
    return report


def _has_records(db: Database) -> bool:
    return any(kind_of(rel) in KINDS for rel in db.data_files())


def _commit_local(git: Git, message: str) -> None:
    git.run("add", "-A")
    if git.rev("HEAD") is None or git.run("diff", "--cached", "--name-only", "HEAD").strip():
        git.run("commit", "-q", "--no-verify", "-m", message)


def _fetch(git: Git, url: str) -> None:
    try:
        git.run("fetch", "-q", REMOTE)
    except GitFailed as exc:
        raise SyncError(
            f"cannot reach {url} ({exc.detail}); nothing was sent or received and your data "
            "here is untouched: run `netui sync` again when it can be reached"
        ) from None


def _push(git: Git, url: str) -> bool:
    """True when the remote now has our branch; False when someone pushed meanwhile."""
    try:
        git.run("push", "-q", REMOTE, f"HEAD:refs/heads/{BRANCH}")
    except GitFailed as exc:
        if "rejected" in exc.stderr or "fetch first" in exc.stderr:
            return False
        raise SyncError(
            f"could not send to {url} ({exc.detail}); everything is merged and committed "
            "here, and the next `netui sync` sends it"
        ) from None
    return True


def _merge(
    db: Database, git: Git, ours: str | None, theirs: str | None, report: SyncReport
) -> None:
    """Bring the remote's changes in, by record; count what goes each way."""
    if theirs is None or (ours is not None and git.is_ancestor(theirs, ours)):
        if ours is not None and theirs is None:
            report.sent += _count(git, None, ours)
        elif ours is not None and theirs is not None:
            report.sent += _count(git, theirs, ours)
        return
    base = None
    if ours is not None:
        base = git.run("merge-base", ours, theirs, check=False).strip() or None
    files = git.changed(base, theirs) | (git.changed(base, ours) if ours else set())
    records = {name: _records(git, commit, files) for name, commit in
               (("base", base), ("ours", ours), ("theirs", theirs))}  # fmt: skip
    result = merge_databases(records["base"], records["ours"], records["theirs"])
    report.sent += count_changed(records["base"], records["ours"]) if ours else 0
    report.received += count_changed(records["ours"], result.records)
    report.conflicts += [
        str(result.records["contacts"][cid].get("name", cid)) for cid in result.conflicted
    ]
    meta = git.blobs(theirs, ["meta.json"]) if ours is None else {}
    for rel, raw in meta.items():
        _refuse_damaged(rel, raw, theirs)
    _write(db, files, result.records, meta)
    git.run("add", "-A")
    tree = git.run("write-tree").strip()
    if tree == git.run("rev-parse", f"{theirs}^{{tree}}").strip():
        new = theirs  # a fast-forward: nothing here the remote lacks
    else:
        parents = ["-p", ours] if ours else []
        new = git.run(
            "commit-tree", tree, *parents, "-p", theirs, "-m", "netui sync: merged by record"
        ).strip()
    git.run("update-ref", "HEAD", new)


def _count(git: Git, old: str | None, new: str) -> int:
    files = git.changed(old, new)
    return count_changed(_records(git, old, files), _records(git, new, files))


def _records(git: Git, commit: str | None, files: set[str]) -> Records:
    out = empty()
    for rel, raw in git.blobs(commit, sorted(files)).items():
        kind = kind_of(rel)
        if kind in KINDS and raw.strip():
            _refuse_damaged(rel, raw, commit)
            out[kind].update(json.loads(raw).get(TABLE_OF_KIND[kind], {}))
    return out


def _refuse_damaged(rel: str, raw: bytes, commit: str | None) -> None:
    """A file another device (or a hand edit) pushed is checked like a file on disk.

    Read unchecked, a torn JSON file or a record without its id stopped the sync with a
    traceback, and a record in the wrong shard would have been saved where the store
    refuses it.
    """
    problem, _ = file_problem(rel, raw)
    if problem is not None:
        where = f"commit {commit[:10]}" if commit else "the remote"
        raise SyncError(
            f"{rel} in {where} is not valid netui data ({problem}); nothing was changed "
            "here: repair it on the device that made it (`netui doctor` there), then sync again"
        )


def _home_of(kind: str, record: dict) -> str:
    if kind == "contacts":
        return contact_file(record["id"])
    if kind == "conversations":
        return conversation_file(date.fromisoformat(str(record["on"])[:10]))
    return f"{kind}.json"  # referrals.json, introductions.json


def _write(db: Database, files: set[str], merged: Records, meta: dict[str, bytes]) -> None:
    """Save the merged records of the files involved, in one atomic commit of the database."""
    on_disk: dict[str, Tables] = {}

    def current(rel: str) -> Tables:
        if rel not in on_disk:
            on_disk[rel] = db.load(rel)
        return on_disk[rel]

    tables: dict[str, Tables] = {}
    for rel in sorted(files):
        kind = kind_of(rel)
        if kind in KINDS:
            # this file's records in the order they are on disk, new ones after
            order: dict[str, Any] = dict.fromkeys(current(rel).get(kind, {}))
            tables[rel] = {TABLE_OF_KIND[kind]: order}
    for kind in KINDS:
        for record_id, record in merged[kind].items():
            rel = _home_of(kind, record)
            if rel not in tables:  # a file neither side changed: its records as they are
                tables[rel] = {kind: dict(current(rel).get(kind, {}))}
            tables[rel][kind][record_id] = record
    if "meta.json" in meta:
        tables["meta.json"] = json.loads(meta["meta.json"])
    changed = {}
    for rel, content in tables.items():
        table = next(iter(content))
        content[table] = {k: v for k, v in content[table].items() if v is not None}
        if not (db.root / rel).exists():
            if content[table]:
                changed[rel] = content
        elif current(rel) != content:  # records compared, not bytes: order is no change
            changed[rel] = content
    db.commit(changed)


# -- the merge driver --------------------------------------------------------------------------


def merge_driver(base: Path, ours: Path, theirs: Path, rel: str) -> int:
    """`git merge` of one data file by record: the result replaces `ours`; 0 = merged."""
    kind = kind_of(rel)
    if kind not in KINDS:
        return 0  # meta.json: this side's stays
    table = TABLE_OF_KIND[kind]
    sides = []
    for path in (base, ours, theirs):
        raw = path.read_bytes() if path.exists() else b""
        problem = file_problem(rel, raw)[0] if raw.strip() else None
        if problem is not None:  # a list or an id-less record raised inside git's merge
            print(f"netui merge-driver: {rel}: {problem}; merge it by hand", file=sys.stderr)
            return 1
        data = json.loads(raw) if raw.strip() else {}
        records = empty()
        records[kind] = data.get(table, {})
        sides.append(records)
    merged = merge_databases(*sides).records[kind]
    atomic_write(ours, encode({table: merged}))
    return 0
