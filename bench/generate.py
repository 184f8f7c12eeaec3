"""The benchmark corpus: the same contacts and diary written for netui, jrnl and khard.

Deterministic (a seeded `random.Random`, fixed ids and timestamps, no network), so every run
and every machine measures the same data. Marker words are planted a known number of times and
the counts go to `manifest.json`, so each tool's answer can be checked, not just timed.

    python -m bench.generate --size small         # prints the corpus folder
    python -m bench.generate --contacts 20 --conversations 60 --out /tmp/tiny

A corpus folder holds:
    netui/          a netui database (written through `Store.import_batch`)
    journal.txt     a jrnl 4.6 plain-text journal, one entry per conversation
    jrnl.yaml       a jrnl config pointing at it (never the user's own config)
    vcards/         one vCard 3.0 per contact, a khard/vdirsyncer address book
    khard.conf      a khard config pointing at it
    manifest.json   the sizes and the planted counts (written last: its presence = complete)
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import vobject

from bench import pools
from netui.core.db.store import Store
from netui.core.model import Channel, Contact, Conversation, Referral, Stage, StageStep

GENERATOR_VERSION = 1
DEFAULT_SEED = 20240611
# "scale" shows how each cost grows (netui alone: the peers take minutes a run there).
SIZES = {"small": (1_000, 10_000), "large": (10_000, 100_000), "scale": (30_000, 300_000)}
DATA_DIR = Path(__file__).resolve().parent / ".data"

START = date(2016, 1, 1)
END = date(2025, 6, 30)

# Words planted in conversations: the share of conversations that carry each (at most once each).
MARKERS = {"quillwort": 0.01, "zanzibarite": 0.001, "πελαργός": 0.005}
PRIMARY_MARKER = "quillwort"
TAG_MARKER, TAG_MARKER_SHARE = "quorum", 0.02
CAPTURE_CONTACT = "Dana Kim"
MARKER_SENTENCES = [
    "She brought up the {m} idea again.",
    "We joked about {m} at the end.",
    "He wants a second opinion on {m}.",
    "Notes on {m} to revisit.",
]
STAGE_WEIGHTS = {Stage.MET: 35, Stage.THANKED: 25, Stage.CALLED: 20, Stage.COFFEE: 20}
CHANNEL_WEIGHTS = {
    Channel.EMAIL: 30,
    Channel.CALL: 15,
    Channel.COFFEE: 12,
    Channel.MESSAGE: 15,
    Channel.IN_PERSON: 10,
    Channel.EVENT: 8,
    Channel.NOTE: 5,
    Channel.OTHER: 5,
}


@dataclass(frozen=True)
class Corpus:
    """Where one generated corpus lives on disk."""

    root: Path

    @property
    def netui_db(self) -> Path:
        return self.root / "netui"

    @property
    def journal(self) -> Path:
        return self.root / "journal.txt"

    @property
    def jrnl_config(self) -> Path:
        return self.root / "jrnl.yaml"

    @property
    def vcards(self) -> Path:
        return self.root / "vcards"

    @property
    def khard_config(self) -> Path:
        return self.root / "khard.conf"

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def manifest(self) -> dict[str, Any]:
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))


@dataclass
class Plan:
    """The records of a corpus in memory, before any tool's format is written."""

    contacts: list[Contact] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    times: dict[str, str] = field(default_factory=dict)  # conversation id -> "HH:MM"
    name_parts: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (given, family)
    manifest: dict[str, Any] = field(default_factory=dict)


def _rid(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _stamp(day: date, rng: random.Random) -> str:
    moment = datetime(day.year, day.month, day.day, rng.randint(8, 20), rng.randint(0, 59))
    return moment.replace(tzinfo=UTC).isoformat(timespec="seconds")


def _ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in plain if ch.isalnum())


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _person(rng: random.Random) -> tuple[str, str, str]:
    """(full name as its culture writes it, given name, family name)."""
    weights = [c[0] for c in pools.CULTURES]
    _, givens, families, pattern = rng.choices(pools.CULTURES, weights=weights)[0]
    given, family = rng.choice(givens), rng.choice(families)
    return pattern.format(g=given, f=family), given, family


def _company(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(pools.COMPANIES_INTERNATIONAL)
    first, second = rng.sample(pools.COMPANY_WORDS, 2)
    joiner = rng.choice([" & ", " ", "-"])
    return f"{first}{joiner}{second} {rng.choice(pools.COMPANY_KINDS)}"


def _fill(template: str, rng: random.Random) -> str:
    given = rng.choice(rng.choice(pools.CULTURES)[1])
    return template.format(t=rng.choice(pools.TOPICS), p=given, c=_company(rng))


def _sentences(rng: random.Random, templates: list[str], low: int, high: int) -> str:
    picked = rng.sample(templates, min(len(templates), rng.randint(low, high)))
    parts = [_fill(template, rng) for template in picked]
    return " ".join(p for p in parts if p)


def _plan_contacts(rng: random.Random, count: int, plan: Plan) -> None:
    span = (END - START).days
    tagged = set(rng.sample(range(count), max(1, round(count * TAG_MARKER_SHARE))))
    capture_at = rng.randrange(count)
    tag_counts: dict[str, int] = {}
    for i in range(count):
        name, given, family = _person(rng)
        if i == capture_at:
            name, given, family = CAPTURE_CONTACT, *CAPTURE_CONTACT.split()
        met_on = START + timedelta(days=rng.randrange(span - 60))
        stage = _weighted(rng, STAGE_WEIGHTS)
        history, day = [], met_on
        for step in list(Stage)[: stage.rank + 1]:
            history.append(StageStep(step, day))
            day += timedelta(days=rng.randint(1, 12))
        tags = rng.sample(pools.TAGS, rng.choice([0, 1, 1, 2, 3]))
        if i in tagged:
            tags.append(TAG_MARKER)
        for tag in tags:
            tag_counts[tag] = tag_counts.get(tag, 0) + 1
        slug = _ascii_slug(name) or "contact"
        company = _company(rng)
        created = _stamp(met_on, rng)
        contact = Contact(
            name=name,
            id=_rid(rng),
            company=company,
            title=rng.choice(pools.TITLES),
            emails=[f"{slug}.{i}@example.org"] if rng.random() < 0.8 else [],
            phones=[f"+1 555 {i // 10_000:03d} {i % 10_000:04d}"] if rng.random() < 0.6 else [],
            tags=tags,
            met_at=rng.choice(pools.EVENTS),
            met_on=met_on,
            stage=stage,
            stage_history=history,
            mention=_fill(rng.choice(pools.MENTIONS), rng),
            created=created,
            updated=created,
        )
        if plan.contacts and rng.random() < 0.03:
            referrer = rng.choice(plan.contacts)
            contact.referred_by = referrer.id
            plan.referrals.append(
                Referral(referrer.id, contact.id, met_on, id=_rid(rng), created=created)
            )
        plan.contacts.append(contact)
        plan.name_parts[contact.id] = (given, family)
        if i == capture_at:
            plan.manifest["capture_contact"] = {"id": contact.id, "name": name}
    plan.manifest["tags"] = dict(sorted(tag_counts.items()))


def _plan_conversations(rng: random.Random, count: int, plan: Plan) -> None:
    contacts = plan.contacts
    weights = [rng.random() ** 3 + 0.05 for _ in contacts]
    owners = list(range(len(contacts)))[:count]
    owners += rng.choices(range(len(contacts)), weights=weights, k=count - len(owners))
    planted: dict[int, list[str]] = {}
    for marker, share in MARKERS.items():
        for index in rng.sample(range(count), max(1, round(count * share))):
            planted.setdefault(index, []).append(marker)
    first_seen: set[int] = set()
    last_contact: dict[int, date] = {}
    for index, owner in enumerate(owners):
        contact = contacts[owner]
        assert contact.met_on is not None
        if owner in first_seen:
            on = contact.met_on + timedelta(days=rng.randint(1, (END - contact.met_on).days))
            channel = _weighted(rng, CHANNEL_WEIGHTS)
        else:
            first_seen.add(owner)
            on, channel = contact.met_on, Channel.IN_PERSON
        fields = {
            "note": _sentences(rng, pools.NOTE_SENTENCES, 1, 4),
            "recommended": _sentences(rng, pools.RECOMMENDED_SENTENCES, 0, 2),
            "observations": _sentences(rng, pools.OBSERVATION_SENTENCES, 0, 2),
            "did": _sentences(rng, pools.DID_SENTENCES, 0, 2),
        }
        for marker in planted.get(index, []):
            where = rng.choice(list(fields))
            sentence = rng.choice(MARKER_SENTENCES).format(m=marker)
            fields[where] = f"{fields[where]} {sentence}".strip()
        letters = []
        if channel is Channel.EMAIL and rng.random() < 0.2:
            letters = [f"Dear {contact.name},\nThank you for your time. Best regards."]
        conv = Conversation(
            contact_id=contact.id,
            on=on,
            id=_rid(rng),
            channel=channel,
            correspondence=letters,
            created=_stamp(on, rng),
            **fields,
        )
        plan.times[conv.id] = conv.created[11:16]
        plan.conversations.append(conv)
        last_contact[owner] = max(on, last_contact.get(owner, on))
    for owner, day in last_contact.items():
        contacts[owner].last_contact_on = day
    plan.manifest["markers"] = {m: max(1, round(count * s)) for m, s in MARKERS.items()}


def build(contacts: int, conversations: int, seed: int) -> Plan:
    """Every record of the corpus, deterministically from the seed."""
    rng = random.Random(seed)
    plan = Plan()
    _plan_contacts(rng, contacts, plan)
    _plan_conversations(rng, conversations, plan)
    plan.manifest.update(
        generator_version=GENERATOR_VERSION,
        seed=seed,
        contacts=contacts,
        active_contacts=sum(not c.archived for c in plan.contacts),
        conversations=conversations,
        referrals=len(plan.referrals),
        primary_marker=PRIMARY_MARKER,
        tag_marker=TAG_MARKER,
    )
    return plan


def write_netui(plan: Plan, path: Path) -> None:
    with Store.open(path) as store:
        store.import_batch(
            contacts=plan.contacts,
            conversations=plan.conversations,
            referrals=plan.referrals,
            description="Benchmark corpus",
            undoable=False,
        )


def jrnl_entry(conv: Conversation, contact: Contact, hhmm: str) -> str:
    """One conversation as a jrnl entry: `[YYYY-MM-DD HH:MM] Title` and the body lines."""
    where = f", {contact.company}" if contact.company else ""
    lines = [f"[{conv.on.isoformat()} {hhmm}] {contact.name}{where}: {conv.channel.label}."]
    lines.append(conv.note)
    labelled = (
        ("Recommended", conv.recommended),
        ("Observations", conv.observations),
        ("Did", conv.did),
    )
    lines += [f"{label}: {text}" for label, text in labelled if text]
    lines += conv.correspondence
    return "\n".join(lines) + "\n\n"


def write_jrnl(plan: Plan, path: Path) -> None:
    by_id = {c.id: c for c in plan.contacts}
    ordered = sorted(plan.conversations, key=lambda c: (c.on, plan.times[c.id], c.id))
    with path.open("w", encoding="utf-8") as out:
        for conv in ordered:
            out.write(jrnl_entry(conv, by_id[conv.contact_id], plan.times[conv.id]))


def vcard_of(contact: Contact, given: str, family: str) -> str:
    card = vobject.vCard()
    card.add("version").value = "3.0"
    card.add("uid").value = contact.id
    card.add("fn").value = contact.name
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if contact.company:
        card.add("org").value = [contact.company]
    if contact.title:
        card.add("title").value = contact.title
    for email in contact.emails:
        line = card.add("email")
        line.value, line.type_param = email, "INTERNET"
    for phone in contact.phones:
        line = card.add("tel")
        line.value, line.type_param = phone, "CELL"
    if contact.tags:
        card.add("categories").value = list(contact.tags)
    card.add("note").value = f"Met at {contact.met_at} on {contact.met_on}. {contact.mention}"
    return card.serialize()


def write_vcards(plan: Plan, folder: Path) -> None:
    folder.mkdir()
    for contact in plan.contacts:
        text = vcard_of(contact, *plan.name_parts[contact.id])
        (folder / f"{contact.id}.vcf").write_text(text, encoding="utf-8", newline="")


def write_configs(corpus: Corpus) -> None:
    """Peer configs with absolute paths, rewritten each time so a moved checkout still works."""
    corpus = Corpus(corpus.root.resolve())
    # YAML, not JSON: jrnl takes a JSON config for a pre-2.0 one and offers to upgrade it.
    corpus.jrnl_config.write_text(
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\n"
        "indent_character: '|'\n"
        f"journals:\n  default:\n    journal: {json.dumps(str(corpus.journal))}\n"
        "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\n"
        "timeformat: '%Y-%m-%d %H:%M'\nversion: '4.6'\n",
        encoding="utf-8",
    )
    corpus.khard_config.write_text(
        "[addressbooks]\n[[bench]]\n"
        f"path = {corpus.vcards}\n"
        "[general]\ndefault_action = list\n"
        "[contact table]\ndisplay = formatted_name\nsort = formatted_name\n",
        encoding="utf-8",
    )


def generate(root: Path, contacts: int, conversations: int, seed: int = DEFAULT_SEED) -> Corpus:
    """Write a complete corpus into `root` (which must not exist yet)."""
    plan = build(contacts, conversations, seed)
    root.mkdir(parents=True)
    corpus = Corpus(root)
    write_netui(plan, corpus.netui_db)
    write_jrnl(plan, corpus.journal)
    write_vcards(plan, corpus.vcards)
    write_configs(corpus)
    corpus.manifest_path.write_text(
        json.dumps(plan.manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return corpus


def ensure_corpus(size: str, seed: int = DEFAULT_SEED, data_dir: Path = DATA_DIR) -> Corpus:
    """The cached corpus for a size, generated (into a temp folder, then renamed) if missing."""
    contacts, conversations = SIZES[size]
    root = data_dir / f"{size}-seed{seed}-v{GENERATOR_VERSION}"
    if not (root / "manifest.json").exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(root, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{size}-", dir=data_dir)) / "corpus"
        generate(staging, contacts, conversations, seed)
        staging.rename(root)
        shutil.rmtree(staging.parent)
    corpus = Corpus(root)
    write_configs(corpus)
    return corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--contacts", type=int, help="a custom size (with --conversations, --out)")
    parser.add_argument("--conversations", type=int)
    parser.add_argument("--out", type=Path, help="folder to create for a custom size")
    args = parser.parse_args(argv)
    if args.contacts is not None:
        if args.conversations is None or args.out is None:
            parser.error("--contacts needs --conversations and --out")
        corpus = generate(args.out, args.contacts, args.conversations, args.seed)
    else:
        corpus = ensure_corpus(args.size, args.seed)
    print(corpus.root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
