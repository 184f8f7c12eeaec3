"""Bulk data for the benchmarks: 10k contacts and 100k conversations by default, seeded.

Plain records spread over two years, at every stage, some overdue; loaded with the demo's
`load_into` (one batch, not undoable). Kept out of netui/: `netui --demo` needs none of it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from netui.core.demo import SampleData, seeded_id, stamp
from netui.core.model import Channel, Contact, Conversation, Stage, StageStep

FIRST = (
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Eli",
    "Fatima",
    "Gustav",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemal",
    "Lea",
    "Marta",
    "Nia",
    "Oskar",
    "Paula",
    "Quinn",
    "Rosa",
    "Sami",
    "Téa",
)
LAST = (
    "Silva",
    "Okoye",
    "Wang",
    "Novak",
    "García",
    "Smith",
    "Haddad",
    "Sato",
    "Kowalski",
    "Müller",
    "Dubois",
    "Rossi",
    "Jensen",
    "Petrov",
    "Nguyen",
    "Costa",
)
WORDS = (
    "pricing",
    "hiring",
    "estate planning",
    "logistics",
    "design systems",
    "fundraising",
    "customs",
    "mentoring",
    "compliance",
    "open source",
    "marathons",
    "wine",
    "solar",
    "robots",
    "translation",
    "accounting",
    "negotiation",
    "climate",
    "literacy",
    "tax",
)


def bulk_data(
    today: date, contacts: int = 10_000, conversations: int = 100_000, seed: int = 1
) -> SampleData:
    """Many plain records for benchmarks: spread over two years, every stage, some overdue."""
    rng = random.Random(seed)
    data = SampleData()
    stages = list(Stage)
    for n in range(contacts):
        met_on = today - timedelta(days=rng.randint(0, 730))
        stage = rng.choice(stages)
        steps = [StageStep(s, met_on + timedelta(days=i * 3)) for i, s in enumerate(stages)]
        data.contacts.append(
            Contact(
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
                id=seeded_id(rng),
                company=f"{rng.choice(LAST)} {rng.choice(('Ltd', 'GmbH', 'SA', 'LLC'))}",
                met_at=f"{rng.choice(WORDS).title()} meetup",
                met_on=met_on,
                stage=stage,
                stage_history=[s for s in steps[: stage.rank + 1] if s.on <= today],
                archived=rng.random() < 0.03,
                created=stamp(met_on),
                updated=stamp(met_on),
            )
        )
    channels = list(Channel)
    for n in range(conversations):
        contact = data.contacts[rng.randrange(contacts)]
        met_on = contact.met_on or today  # always set above
        on = min(met_on + timedelta(days=rng.randint(0, 400)), today)
        data.conversations.append(
            Conversation(
                contact.id,
                on,
                id=seeded_id(rng),
                channel=rng.choice(channels),
                note=" ".join(rng.choice(WORDS) for _ in range(12)),
                recommended=rng.choice(WORDS) if n % 3 == 0 else "",
                created=stamp(on, n % 600),
            )
        )
        if contact.last_contact_on is None or on > contact.last_contact_on:
            contact.last_contact_on = on
    return data
