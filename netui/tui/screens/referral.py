"""Recording a referral: who the selected contact recommended, and the ladder of help.

The referred person becomes a new contact, or the one contact with exactly that name is
linked; either way one undo takes the whole referral back.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Checkbox, Select

from netui.core.dates import today
from netui.core.db.store import Store
from netui.core.followup.referrals import record_referral
from netui.core.model import Introduce
from netui.tui.format import safe
from netui.tui.screens.form import FormScreen, field_row, text_input
from netui.tui.widgets.status import say

INTRODUCE_CHOICES = [("not asked", ""), *((i.value, i.value) for i in Introduce if i.value)]
YES_NO = [("don't know", ""), ("yes", "yes"), ("no", "no")]


def _compact_select(field_id: str, choices: list[tuple[str, str]]) -> Select[str]:
    return Select(choices, value="", allow_blank=False, id=field_id, compact=True)


class ReferralScreen(FormScreen[str]):
    """Returns the referred contact's id, or None if cancelled."""

    CSS_PATH = "referral.tcss"

    def __init__(self, store: Store, referrer_id: str, name: str = "") -> None:
        super().__init__(store)
        self.referrer_id = referrer_id
        self.initial_name = name  # prefilled: the log form's "recommended"

    def form_title(self) -> str:
        return f"Who did {safe(self.store.get(self.referrer_id).name)} recommend?"

    def hint(self) -> str:
        return "enter save · ctrl+s save · esc cancel"

    def compose_fields(self) -> ComposeResult:
        yield field_row(
            "Name",
            text_input("referred-name", self.initial_name, placeholder="new, or an exact name"),
        )
        yield field_row("Company", text_input("referred-company"))
        yield field_row("Will introduce", _compact_select("introduce", INTRODUCE_CHOICES))
        yield field_row("Will call ahead", _compact_select("call-ahead", YES_NO))
        yield field_row("May use name", _compact_select("may-use-name", YES_NO))
        yield field_row("", Checkbox("Gave contact details", id="shared-details", compact=True))
        yield field_row("Best reached", text_input("referral-reach", placeholder="how and when"))
        yield field_row("Note", text_input("referral-note"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#referred-name").focus()

    def _choice(self, field_id: str) -> str:
        value = self.query_one(f"#{field_id}", Select).value
        return value if isinstance(value, str) else ""

    def _yes_no(self, field_id: str) -> bool | None:
        return {"yes": True, "no": False}.get(self._choice(field_id))

    def save(self) -> str:
        referral, created = record_referral(
            self.store,
            self.referrer_id,
            self.value("referred-name"),
            on=today(),
            company=self.value("referred-company"),
            introduce=Introduce(self._choice("introduce")),
            call_ahead=self._yes_no("call-ahead"),
            shared_details=self.query_one("#shared-details", Checkbox).value,
            reach=self.value("referral-reach"),
            may_use_name=self._yes_no("may-use-name"),
            note=self.value("referral-note"),
        )
        referrer = safe(self.store.get(self.referrer_id).name)
        referred = safe(self.store.get(referral.referred_id).name)
        added = "added" if created else "linked"
        say(
            self,
            f"{referred} {added}, referred by {referrer}; thank {referrer} tomorrow — u undoes",
        )
        return referral.referred_id
