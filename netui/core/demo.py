"""Sample data: a believable few weeks of networking for `netui --demo` and the screenshots
(the benchmarks' bulk generator, built on it, is bench/bulk.py).

Everything is deterministic for a given `today` and seed (ids included), so screenshots and
snapshot tests stay the same from run to run. Dates are relative to `today`, so the demo
always looks current: some follow-ups are overdue, some due today, some next week.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from netui.core.db.store import Store
from netui.core.folding import fold
from netui.core.model import (
    Channel,
    Contact,
    Conversation,
    Introduce,
    Referral,
    Stage,
    StageStep,
)


@dataclass
class SampleData:
    contacts: list[Contact] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)


# name, company, title, event, days since met, stage reached, mention
PEOPLE: tuple[tuple[str, str, str, str, int, Stage, str], ...] = (
    (
        "José Álvarez",
        "Álvarez & Hijos",
        "Estate lawyer",
        "Legal Tech Mixer",
        1,
        Stage.MET,
        "his daughter runs the Lisbon marathon in April",
    ),
    (
        "Zoë Müller",
        "Kraftwerk Design",
        "Creative director",
        "Design Week panel",
        3,
        Stage.MET,
        "the typeface she is drawing for the city signage",
    ),
    (
        "Nguyễn Thị Lan",
        "Saigon Foods",
        "Head of exports",
        "Chamber of Commerce breakfast",
        9,
        Stage.THANKED,
        "cold-chain logistics for fresh herbs",
    ),
    (
        "田中 愛子 (Aiko Tanaka)",
        "Kyoto Robotics",
        "CTO",
        "PyCon Lisbon",
        20,
        Stage.CALLED,
        "the warehouse robot that sorts by smell",
    ),
    (
        "Олег Петров",
        "Volga Analytics",
        "Data scientist",
        "PyCon Lisbon",
        20,
        Stage.THANKED,
        "forecasting river freight with satellite images",
    ),
    (
        "ليلى حداد",
        "Cedar Capital",
        "Partner",
        "Alumni dinner",
        14,
        Stage.COFFEE,
        "her fund's new climate mandate",
    ),
    (
        "Priya Raman",
        "Northwind Health",
        "VP Operations",
        "Chamber of Commerce breakfast",
        9,
        Stage.CALLED,
        "hiring a part-time operations analyst",
    ),
    ("Chloé Dubois", "Atelier Dubois", "Founder", "Design Week panel", 3, Stage.MET, ""),
    (
        "Łukasz Nowak",
        "Baltic Shipping",
        "Procurement lead",
        "Legal Tech Mixer",
        1,
        Stage.MET,
        "wants an intro to a customs specialist",
    ),
    ("Siobhán O'Neill", "Harbour Accountancy", "Tax partner", "Legal Tech Mixer", 1, Stage.MET, ""),
    (
        "Kwame Mensah",
        "Accra Solar",
        "CEO",
        "Alumni dinner",
        45,
        Stage.COFFEE,
        "mini-grids for rural clinics",
    ),
    (
        "Björn Ekström",
        "Nordic Bytes",
        "Engineering manager",
        "PyCon Lisbon",
        20,
        Stage.COFFEE,
        "the Rust rewrite of their billing system",
    ),
    (
        "Ana María Ruiz",
        "Fundación Luz",
        "Programme director",
        "Alumni dinner",
        45,
        Stage.CALLED,
        "literacy programme in Oaxaca",
    ),
    (
        "Renée Lefèvre",
        "Lefèvre Conseil",
        "Consultant",
        "Chamber of Commerce breakfast",
        9,
        Stage.MET,
        "the book on negotiation she recommended",
    ),
    (
        "Dmitri Ivanov",
        "",
        "Freelance translator",
        "Design Week panel",
        3,
        Stage.THANKED,
        "translating the exhibition catalogue",
    ),
    (
        "Grace Okafor",
        "Lagos Fintech Hub",
        "Community lead",
        "PyCon Lisbon",
        20,
        Stage.CALLED,
        "speaking at the hub's summer meetup",
    ),
    ("Mateo Rossi", "Rossi Vini", "Owner", "Alumni dinner", 45, Stage.THANKED, "the 2019 vintage"),
    (
        "Sofia Andersson",
        "Stockholm City",
        "Urban planner",
        "Design Week panel",
        3,
        Stage.MET,
        "bike lanes that follow the snow",
    ),
    (
        "Omar Farouk",
        "Nile Logistics",
        "Operations manager",
        "Chamber of Commerce breakfast",
        9,
        Stage.THANKED,
        "",
    ),
    ("Hannah Schmidt", "Berlin Legal", "Paralegal", "Legal Tech Mixer", 1, Stage.MET, ""),
)

# name -> (needs, offers): enough overlap that the stats screen has introductions to suggest
# (a customs specialist for the shipper, a talk for the meetup, translation for the signage).
NEEDS_OFFERS: dict[str, tuple[list[str], list[str]]] = {
    "José Álvarez": (["clients"], ["estate planning for founders"]),
    "Zoë Müller": (["translation of the signage captions"], ["design feedback"]),
    "Nguyễn Thị Lan": (["a customs broker in the EU"], ["introductions to food importers"]),
    "田中 愛子 (Aiko Tanaka)": (["a warehouse to pilot the robots"], ["robotics know-how"]),
    "Олег Петров": (["satellite imagery"], ["part-time analyst work"]),
    "ليلى حداد": (["climate startups to invest in"], ["fundraising advice"]),
    "Priya Raman": (["a part-time operations analyst"], ["introductions to hospital buyers"]),
    "Chloé Dubois": (["clients"], []),
    "Łukasz Nowak": (["a customs specialist"], ["warehouse space for pilots"]),
    "Kwame Mensah": (["fundraising for mini-grids"], ["introductions to climate startups"]),
    "Björn Ekström": (["Rust engineers"], ["a talk on the Rust rewrite"]),
    "Ana María Ruiz": (["translation volunteers"], ["grant writing"]),
    "Renée Lefèvre": ([], ["negotiation coaching"]),
    "Dmitri Ivanov": (["clients"], ["translation from Russian and German"]),
    "Grace Okafor": (["talks for the summer meetup"], ["a stage at the summer meetup"]),
    "Omar Farouk": ([], ["customs clearance in Egypt and the EU"]),
}  # fmt: skip

# Diary lines: (channel, note, recommended, observations, did)
CONVERSATION_LINES = (
    (
        Channel.IN_PERSON,
        "Met at the {event}; talked about {mention}.",
        "Read 'Never Split the Difference'",
        "Warm, asked good questions",
        "Took a card; promised a thank-you",
    ),
    (
        Channel.EMAIL,
        "Sent the thank-you and the article on {mention}.",
        "",
        "",
        "Asked for a 20-minute call",
    ),
    (
        Channel.CALL,
        "Call about {mention}; they are hiring next quarter.",
        "Talk to their head of partnerships",
        "Busy but generous with time",
        "Booked coffee for the week after",
    ),
    (
        Channel.COFFEE,
        "Coffee near their office. Long talk about {mention} and careers.",
        "Join the {event} committee",
        "Prefers WhatsApp to email",
        "Sent the intro they asked for",
    ),
)

DUD = (
    "Max Mustermann",
    "Generic Corp",
    "Sales",
    "Legal Tech Mixer",
    30,
    "only wanted to sell insurance",
)


def seeded_id(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128)).hex


def stamp(day: date, minute: int = 0) -> str:
    return f"{day.isoformat()}T{9 + minute // 60 % 10:02d}:{minute % 60:02d}:00+00:00"


def met(
    rng: random.Random, name: str, company: str, event: str, met_on: date, **fields: Any
) -> Contact:
    """A sample contact met at `event` on `met_on`, written that day unless `fields` say."""
    fields.setdefault("created", stamp(met_on))
    fields.setdefault("updated", fields["created"])
    return Contact(
        name=name, id=seeded_id(rng), company=company, met_at=event, met_on=met_on, **fields
    )


def demo_data(today: date, seed: int = 7) -> SampleData:
    """About twenty people from five events, at every stage, with a diary and referrals."""
    rng = random.Random(seed)
    data = SampleData()
    for n, (name, company, title, event, days_ago, stage, mention) in enumerate(PEOPLE):
        met_on = today - timedelta(days=days_ago)
        first = fold(name.split()[0])  # renée -> renee; other scripts get no address
        contact = met(
            rng,
            name,
            company,
            event,
            met_on,
            title=title,
            mention=mention,
            emails=[f"{first}@example.com"] if n % 3 and first.isascii() else [],
            phones=[f"+351 21 000 {1000 + n * 37}"] if n % 4 == 0 else [],
            tags=["lawyer"]
            if "law" in title.lower()
            else (["design"] if "Design" in event else []),
            reach="mornings, by phone" if n % 5 == 0 else "",
        )
        # One rung every few days after meeting; the stage reached decides how far it goes.
        # The rungs climbed so far are spread between the meeting and a recent day.
        latest = today - timedelta(days=min(rng.randint(0, 9), days_ago))
        span = (latest - met_on).days
        rungs = list(Stage)[: stage.rank + 1]
        steps = [
            StageStep(rung, met_on + timedelta(days=span * i // max(len(rungs) - 1, 1)))
            for i, rung in enumerate(rungs)
        ]
        contact.stage = stage
        contact.stage_history = steps
        contact.needs, contact.offers = NEEDS_OFFERS.get(name, ([], []))
        for i, step in enumerate(steps):
            channel, note, recommended, observations, did = CONVERSATION_LINES[i]
            if i == 0 and not mention:
                continue  # not everyone gets a note on the day you meet them
            topic = mention or "their work"
            conv = Conversation(
                contact.id,
                step.on,
                id=seeded_id(rng),
                channel=channel,
                note=note.format(event=event, mention=topic),
                recommended=recommended.format(event=event),
                observations=observations,
                did=did,
                created=stamp(step.on, i),
            )
            if channel is Channel.EMAIL:
                conv.correspondence = [
                    f"Dear {name.split()[0]},\n\nThank you for the conversation at {event}. "
                    f"I keep thinking about {topic}.\n\nBest regards,"
                ]
            data.conversations.append(conv)
            contact.last_contact_on = step.on
        if n == 6:  # someone you promised to call back next week
            contact.follow_up_on = today + timedelta(days=5)
        data.contacts.append(contact)
    name, company, title, event, days_ago, note = DUD
    met_on = today - timedelta(days=days_ago)
    dud = met(
        rng,
        name,
        company,
        event,
        met_on,
        title=title,
        stage_history=[StageStep(Stage.MET, met_on)],
        archived=True,
        notes=note,
    )
    data.contacts.append(dud)
    by_name = {c.name: c for c in data.contacts}
    data.referrals = [
        Referral(
            by_name["Kwame Mensah"].id, by_name["Ana María Ruiz"].id,
            today - timedelta(days=40), id=seeded_id(rng), introduce=Introduce.DONE,
            call_ahead=True, shared_details=True, reach="evenings", may_use_name=True,
            thanked_on=today - timedelta(days=38), created=stamp(today - timedelta(days=40)),
        ),
        Referral(
            by_name["Björn Ekström"].id, by_name["Grace Okafor"].id,
            today - timedelta(days=2), id=seeded_id(rng), introduce=Introduce.AGREED,
            shared_details=True, may_use_name=True, created=stamp(today - timedelta(days=2)),
        ),
    ]  # fmt: skip
    by_id = {c.id: c for c in data.contacts}
    for referral in data.referrals:
        by_id[referral.referred_id].referred_by = referral.referrer_id
    data.contacts += _gone_cold(today) + _imported(today)
    return data


# Met months ago, never followed up: gone cold (name, company, event, days since met, stage).
GONE_COLD = (
    ("Pieter de Vries", "Rotterdam Port Authority", "Logistics Summit", 150, Stage.THANKED),
    ("Kenji Watanabe", "Kumo Robotics", "Robotics Expo", 95, Stage.MET),
)
# An address book brought in: people known for years, waiting unsorted (name, company, title).
IMPORTED = (
    ("Bruno Costa", "Lusa Ventures", "Partner"),
    ("Chloé Martin", "Atelier Martin", "Architect"),
    ("Dara Walsh", "Walsh & Co", "Founder"),
    ("Fatima Zahra", "Atlas Health", "Clinic manager"),
    ("Henrik Larsen", "Nordlys Energy", "Engineer"),
)


def _gone_cold(today: date) -> list[Contact]:
    """Follow-ups left for months: the queue and the review gather them after today's work."""
    rng = random.Random(11)  # its own stream: the other sample ids stay as they were
    people = []
    for name, company, event, days_ago, stage in GONE_COLD:
        met_on = today - timedelta(days=days_ago)
        rungs = list(Stage)[: stage.rank + 1]
        steps = [StageStep(rung, met_on + timedelta(days=2 * i)) for i, rung in enumerate(rungs)]
        people.append(met(rng, name, company, event, met_on, stage=stage, stage_history=steps))
    return people


def _imported(today: date) -> list[Contact]:
    """A LinkedIn export imported last week: connected years ago, not yet sorted."""
    rng = random.Random(13)
    people = []
    for n, (name, company, title) in enumerate(IMPORTED):
        met_on = today - timedelta(days=400 + 170 * n)
        people.append(
            met(
                rng,
                name,
                company,
                "LinkedIn",
                met_on,
                title=title,
                tags=["linkedin"],
                stage_history=[StageStep(Stage.MET, met_on)],
                unsorted=True,
                created=stamp(today - timedelta(days=6)),  # imported last week
            )
        )
    return people


def load_into(store: Store, data: SampleData, description: str = "Sample data") -> None:
    """Write sample data in one transaction, not undoable: `u` should not unmake the demo."""
    store.import_batch(
        contacts=data.contacts,
        conversations=data.conversations,
        referrals=data.referrals,
        description=description,
        undoable=False,
    )
