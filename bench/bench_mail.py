"""Filing a 10,000-message mbox against 10,000 contacts, then the same mbox again.

Usage: python -m bench.bench_mail [--messages N] [--contacts N] [--runs N]
Builds the contacts (and a diary of 20,000 entries) with bench/generate.py's seeded
generator, writes an mbox in a temporary folder (two thirds of the messages to or from a
contact, sent and received, plain, HTML-only and with an attachment, one third from
strangers), then times, in process: reading and planning, filing (one transaction), and
a second run over the same mbox, which must file nothing. Prints the medians.
"""

from __future__ import annotations

import argparse
import mailbox
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from bench.generate import build, write_netui
from netui.core.db.store import Store
from netui.core.io.mail import apply_mail, plan_mail
from netui.core.io.mail_sources import find_messages

ME = "me@bench.example"
BODY = "Thanks for the chat yesterday. " * 8


def write_mbox(path: Path, addresses: list[str], count: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    box = mailbox.mbox(path)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    box.lock()
    for i in range(count):
        other = rng.choice(addresses) if rng.random() < 2 / 3 else f"stranger{i % 700}@else.example"
        sent = rng.random() < 0.4
        msg = EmailMessage()
        msg["From"], msg["To"] = (ME, other) if sent else (f"Someone <{other}>", ME)
        msg["Subject"] = f"Re: follow-up {i}"
        msg["Date"] = format_datetime(start + timedelta(minutes=97 * i))
        msg["Message-ID"] = f"<{i}.{seed}@bench.example>"
        kind = i % 10
        if kind == 0:
            msg.set_content(f"<p>{BODY}</p><p>Best,<br>me</p>", subtype="html")
        else:
            msg.set_content(f"{BODY}\n\nOn Monday you wrote:\n> {BODY}\n")
        if kind == 1:
            msg.add_attachment(
                b"%PDF" * 5000, maintype="application", subtype="pdf", filename="deck.pdf"
            )
        box.add(msg)
    box.flush()
    box.unlock()
    box.close()


def one_run(db: Path, mbox: Path) -> tuple[float, ...]:
    """Wall and CPU seconds of planning, filing and a second run; then what each filed."""
    clocks = (time.perf_counter, time.process_time)
    with Store.open(db) as store:
        started = [c() for c in clocks]
        plan = plan_mail(store, find_messages([mbox]), [ME])
        planned = [c() for c in clocks]
        apply_mail(plan, store)
        applied = [c() for c in clocks]
        again = plan_mail(store, find_messages([mbox]), [ME])
        apply_mail(again, store)
        second = [c() for c in clocks]
    spans = [
        end[i] - start[i]
        for start, end in ((started, planned), (planned, applied), (applied, second))
        for i in range(2)
    ]
    return (*spans, plan.counts()["conversations"], again.counts()["conversations"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    corpus = build(args.contacts, args.contacts * 2, seed=5)
    addresses = [e for c in corpus.contacts for e in c.emails]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        mbox = Path(tmp) / "mail.mbox"
        write_mbox(mbox, addresses, args.messages)
        size = mbox.stat().st_size / 1e6
        for run in range(args.runs):
            db = Path(tmp) / f"db{run}"
            write_netui(corpus, db)
            results.append(one_run(db, mbox))
    med = [statistics.median(r[i] for r in results) for i in range(6)]
    filed, refiled = results[0][6], results[0][7]
    print(f"{args.messages} messages ({size:.1f} MB mbox) against {args.contacts} contacts")
    print("                     wall      CPU   (medians; CPU is steadier on a busy machine)")
    rows = (
        ("read and plan", med[0], med[1], f"{filed} conversations to file"),
        ("file (one commit)", med[2], med[3], ""),
        ("first run total", med[0] + med[2], med[1] + med[3], ""),
        ("second run", med[4], med[5], f"{refiled} filed"),
    )
    for label, wall, cpu, note in rows:
        print(f"  {label:<18} {wall:6.2f} s {cpu:6.2f} s  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
