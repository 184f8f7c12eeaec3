"""The detail pane: the selected contact's card and their diary, newest first.

Every piece of user text goes in as plain text inside `Content`, never as markup. The
whole timeline is one `Static`: with one widget per entry, every cursor move laid out and
repainted fifty widgets (~15 ms of a ~45 ms move); a widget is updated only when what it
shows changed, so a stage key redraws the card alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from math import ceil
from typing import Any, ClassVar

from rich.segment import Segment
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Region, Size
from textual.scrollbar import ScrollBar
from textual.widgets import Static

from netui.core.dates import format_date
from netui.core.db.store import Store
from netui.core.errors import ContactNotFound
from netui.core.followup.card import Card, day
from netui.core.followup.card import contact_card as card_of
from netui.core.model import Contact, Conversation, Stage
from netui.tui.format import safe, safe_block, short_date
from netui.tui.messages import EntryDeleteAsked, EntryOpened

TIMELINE_LIMIT = 50  # entries drawn at once; a search hit further back is drawn too
ENTRY_GAP = Content("\n\n")  # a blank line between two entries
EMAIL_PREVIEW_LINES = 6  # of an email's text in the timeline; enter shows the whole
SCROLL_WAIT = 0.5  # seconds a "scroll to this entry" waits for the layout to settle

WELCOME = Content.from_markup(
    "[b]Welcome to netui.[/b]\n\n"
    "Met someone? Press [b]n[/b] to capture them while the details are fresh: "
    "a name and [b]enter[/b] is enough.\n\n"
    "netui then tells you when to send the thank-you, when to call, and when to "
    "invite them for coffee.\n\n"
    "[b]?[/b] shows every key; [b]ctrl+p[/b] finds any action by name."
)

DIARY_FIELDS = (
    ("note", "Talked about"),
    ("recommended", "Recommended"),
    ("observations", "Observations"),
    ("did", "Did"),
)


# Any field is drawn as a bounded preview: a 5 MB note froze the pane 7-27 s per cursor move
# and 100,000 tags about 2 s (issue 17.7); `v` opens the whole text in a scrolling view.
PREVIEW_CHARS = 1000
PREVIEW_LINES = 12
PREVIEW_ITEMS = 40
PREVIEW_LETTERS = 3  # copies of letters sent, per diary entry
NAME_CHARS = 200
VIEW_HINT = "v shows all"


def preview(text: str) -> tuple[str, int]:
    """The start of `text` that the pane draws, and how many characters are left out."""
    if len(text) <= PREVIEW_CHARS and text.count("\n") < PREVIEW_LINES:
        return text, 0
    cut = text[:PREVIEW_CHARS]
    breaks = [i for i, char in enumerate(cut) if char == "\n"][:PREVIEW_LINES]
    if len(breaks) >= PREVIEW_LINES:
        cut = cut[: breaks[PREVIEW_LINES - 1]]
    return cut, len(text) - len(cut)


def hidden_note(count: int, what: str) -> Content:
    return Content.styled(f" … {count:,} more {what} ({VIEW_HINT})", "dim italic")


def labelled(label: str, value: str) -> Content:
    """'Label: value' with the label in bold and the value literal, cut to a preview."""
    shown, hidden = preview(value)
    parts = [Content.assemble((f"{label}: ", "bold"), safe_block(shown))]
    if hidden:
        parts.append(hidden_note(hidden, "characters"))
    return Content.assemble(*parts)


def listed(
    label: str, values: list[str], separator: str = ", ", item: Callable[[str], str] = str
) -> Content:
    """A list field: its first items (`item` of a preview of each), and how many are left out."""
    head = separator.join(item(preview(value)[0]) for value in values[:PREVIEW_ITEMS])
    shown, cut_chars = preview(head)
    line = Content.assemble((f"{label}: ", "bold"), safe_block(shown))
    hidden = len(values) - min(len(values), PREVIEW_ITEMS)
    if hidden:
        return Content.assemble(line, hidden_note(hidden, "items"))
    if cut_chars:
        return Content.assemble(line, hidden_note(cut_chars, "characters"))
    return line


def short_name(name: str) -> str:
    """A name for the card's first line: a pasted essay is cut (the list cuts it too)."""
    return safe(name if len(name) <= NAME_CHARS else name[:NAME_CHARS] + "…")


def ladder(contact: Contact, today: date) -> Content:
    """Each rung with the day it was reached: 'met 3 Mar ✓ → thanked 4 Mar ✓ → called …'."""
    parts: list[Content] = []
    for stage in Stage:
        reached = contact.reached_on(stage) if stage.rank <= contact.stage.rank else None
        if reached is not None:
            text = f"{stage.label} {short_date(reached, today)} ✓"
            parts.append(Content.styled(text, "bold" if stage is contact.stage else ""))
        elif stage.rank <= contact.stage.rank:
            parts.append(Content.styled(f"{stage.label} ✓", ""))
        else:
            parts.append(Content.styled(stage.label, "dim"))
    return Content(" → ").join(parts)


def contact_card(card: Card, today: date) -> Content:
    """The card at the top of the pane: the fields `netui show` prints, the ladder drawn rung
    by rung and the next step coloured by how late it is."""
    contact, nxt = card.contact, card.next
    lines: list[Content] = [Content.styled(short_name(contact.name), "bold")]
    for field in card.fields:
        if field.key == "role":
            lines.append(Content(preview(field.text)[0]))
        elif field.key == "archived":
            lines.append(Content.styled(f"{field.text} (x brings them back)", "italic"))
        elif field.key == "standing":
            lines.append(Content.styled(field.text, "italic"))
        elif field.key == "conflict":  # a value that lost a sync merge, kept in sight
            lines.append(Content.styled(field.text, "$warning"))
        elif field.key == "ladder":
            lines.append(Content.assemble(("Ladder: ", "bold"), ladder(contact, today)))
        elif field.key == "next" and nxt is not None:
            late = nxt.due < today
            style = "bold $error" if late else "bold $warning" if nxt.due == today else ""
            lines.append(Content.assemble(("Next: ", "bold"), (field.text, style)))
        else:
            lines.append(labelled(field.label, field.text))
    return Content("\n").join(lines)


def diary_entry(conversation: Conversation, today: date) -> Content:
    """One conversation with every diary field that has something in it."""
    head = f"{day(conversation.on, today)} · {conversation.channel.label}"
    if conversation.direction:
        head += f" {conversation.direction}"
    lines = [Content.styled(head, "bold $accent")]
    if conversation.subject is not None or conversation.direction:
        return Content("\n").join(lines + email_lines(conversation))
    for attr, label in DIARY_FIELDS:
        value = getattr(conversation, attr)
        if value:
            lines.append(labelled(label, value))
    for letter in conversation.correspondence[:PREVIEW_LETTERS]:
        lines.append(labelled("Sent", letter))
    if len(conversation.correspondence) > PREVIEW_LETTERS:
        hidden = len(conversation.correspondence) - PREVIEW_LETTERS
        lines.append(hidden_note(hidden, "letters"))
    if len(lines) == 1:
        lines.append(Content.styled("(no notes)", "dim"))
    return Content("\n").join(lines)


def email_lines(conversation: Conversation) -> list[Content]:
    """An email filed by `netui mail`: its subject, the rest of the note (attachments), the
    other diary fields, and the start of the letter; `enter` opens the whole of it."""
    subject, _, rest = conversation.note.partition("\n")
    lines = [labelled("Subject", conversation.subject or subject or "(no subject)")]
    if rest:
        lines.append(Content.styled(safe_block(rest), "dim"))
    for attr, label in DIARY_FIELDS[1:]:
        value = getattr(conversation, attr)
        if value:
            lines.append(labelled(label, value))
    text = "\n\n".join(conversation.correspondence)
    preview = text.split("\n")
    if len(preview) > EMAIL_PREVIEW_LINES:
        more = len(preview) - EMAIL_PREVIEW_LINES
        shown = "\n".join(preview[:EMAIL_PREVIEW_LINES])
        lines.append(Content(safe_block(shown)))
        lines.append(Content.styled(f"… {more} more lines: enter opens the email", "dim italic"))
    elif text:
        lines.append(Content(safe_block(text)))
    return lines


CARD_TEXT_FIELDS = (
    ("company", "Company"),
    ("title", "Title"),
    ("reach", "Best way"),
    ("met_at", "Met at"),
    ("mention", "Mention"),
    ("notes", "Notes"),
)
CARD_LIST_FIELDS = (
    ("emails", "Emails"),
    ("phones", "Phones"),
    ("tags", "Tags"),
    ("needs", "Needs"),
    ("offers", "Offers"),
)


def whole_text(contact: Contact, conversations: list[Conversation], today: date) -> str:
    """Every field of the contact and their diary in full, as plain text: what `v` shows
    (the view draws only the lines on screen, so 5 MB is fine there)."""
    parts = [f"Name: {contact.name}"]
    parts += [f"{label}: {getattr(contact, attr)}" for attr, label in CARD_TEXT_FIELDS]
    parts += [f"{label}: {', '.join(getattr(contact, attr))}" for attr, label in CARD_LIST_FIELDS]
    parts = [part for part in parts if not part.endswith(": ")]
    for conversation in conversations:
        parts.append(f"\n{day(conversation.on, today)} · {conversation.channel.label}")
        parts += [
            f"{label}: {getattr(conversation, attr)}"
            for attr, label in DIARY_FIELDS
            if getattr(conversation, attr)
        ]
        parts += [f"Sent: {letter}" for letter in conversation.correspondence]
    return "\n".join(parts)


def replace_content(widget: Static, content: Content) -> None:
    """Give a Static new content, asking for a layout only if its height changes.

    A layout re-measures every widget on the screen (~15 ms at 10,000 contacts); after a
    stage key the card usually keeps its height, and the diary none of its entries."""
    old = widget.content
    if isinstance(old, Content) and (old.plain, old.spans) == (content.plain, content.spans):
        return
    width = widget.content_size.width
    styles: Any = widget.styles  # a RulesMap at run time, as Textual's own Widget passes it
    same_height = (
        isinstance(old, Content)
        and width > 0
        and old.get_height(styles, width) == content.get_height(styles, width)
    )
    widget.update(content, layout=not same_height)


def thumb(bar: ScrollBar) -> list[Segment]:
    """The cells a vertical scrollbar draws now, as its renderer works them out (colours
    aside: they are not what changes here)."""
    window = bar.window_size if bar.window_size < bar.window_virtual_size else 0
    cells = bar.renderer.render_bar(
        size=bar.size.height,
        virtual_size=ceil(bar.window_virtual_size),
        window_size=ceil(window),
        position=bar.position,
        thickness=bar.thickness,
        vertical=True,
    )
    return list(cells.segments)


def entry_text(conversation: Conversation) -> tuple[str, str]:
    """(title, whole text) of an entry for the text view: every field, the letter last."""
    title = f"{format_date(conversation.on)} · {conversation.channel.label}"
    if conversation.direction:
        title += f" {conversation.direction}"
    parts = []
    fields: tuple[tuple[str, str], ...] = DIARY_FIELDS
    if conversation.subject is not None:
        parts.append(f"Subject: {conversation.subject}")
        if rest := conversation.note.partition("\n")[2]:
            parts.append(rest)
        fields = DIARY_FIELDS[1:]
    parts += [
        f"{label}: {getattr(conversation, a)}" for a, label in fields if getattr(conversation, a)
    ]
    parts += conversation.correspondence
    return title, "\n\n".join(parts) or "(no notes)"


class DetailPane(VerticalScroll):
    """Card and timeline of one contact, or the welcome when there is no one yet."""

    can_focus = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding(
            "enter",
            "open_entry",
            "Open",
            tooltip="Open the diary entry at the top of the pane: the whole email or note",
            id="open-entry",
        ),
        Binding(
            "D",
            "delete_entry",
            "Delete entry",
            tooltip="Delete the diary entry at the top of the pane (asks first; u undoes)",
            id="delete-entry",
        ),
    ]

    def __init__(self, store: Store, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self.contact_id: str | None = None
        self._shown: list[Conversation] = []  # the entries in the timeline, newest first
        self._shown_day: date | None = None
        self._scroll_entry: tuple[int, float] | None = None  # (entry, when it was asked)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Take a new scrollable height (the card grew a line after `]`) without a second
        layout: Textual 8.2.8 sets it through the `virtual_size` reactive, which asks for
        another layout of the whole screen and repaints the pane's own border and
        background, none of which depends on that height (the scroll limits and the
        scrollbar are updated either way, as Textual's own scroll views do). `]` -> screen
        took ~4.5 ms less this way at 10,000 contacts (its frame ~16.6 -> ~12.2 ms)."""
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    def _scroll_update(self, virtual_size: Size) -> None:
        """Textual 8.2.8's `Widget._scroll_update` for a pane that scrolls only vertically,
        but the scrollbar is redrawn only if its thumb moved: a card a line taller moves the
        thumb of a long diary by a fraction of an eighth of a cell, and redrawing the bar
        through Rich took ~1.3 ms of a `]`."""
        bar = self._vertical_scrollbar
        if bar is None or self.styles.overflow_x != "hidden":
            super()._scroll_update(virtual_size)
            return
        drawn = thumb(bar) if bar.display and bar.size.height else None
        self._refresh_scrollbars()
        if self.show_vertical_scrollbar and self.styles.scrollbar_size_vertical:
            height = self.container_size.height - self.scrollbar_size_horizontal
            bar.set_reactive(ScrollBar.window_virtual_size, virtual_size.height)
            bar.set_reactive(ScrollBar.window_size, height)
            if drawn is None or thumb(bar) != drawn:
                bar.refresh()
        self.scroll_x = self.validate_scroll_x(self.scroll_x)
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    def on_mount(self) -> None:
        self.border_title = "Detail"
        self.screen.screen_layout_refresh_signal.subscribe(self, self._after_layout)

    @property
    def shown_ids(self) -> list[str]:
        """The conversations on screen, newest first."""
        return [c.id for c in self._shown]

    def compose(self) -> ComposeResult:
        yield Static(WELCOME, id="card")
        yield Static("", id="timeline-title")
        yield Static("", id="timeline")
        yield Static("", id="timeline-more")

    def show(self, contact_id: str | None, today: date, conversation_id: str | None = None) -> None:
        """Draw this contact (None: the welcome); scroll to a conversation if one is named."""
        moved = contact_id != self.contact_id
        self.contact_id = contact_id
        card = self.query_one("#card", Static)
        title = self.query_one("#timeline-title", Static)
        more = self.query_one("#timeline-more", Static)
        contact = self._contact(contact_id)
        if contact is None:
            self.contact_id = None
            empty = self.store.contacts_loaded and not self.store.contacts_by_id
            replace_content(card, WELCOME if empty else Content(""))
            title.display = more.display = False
            self._fill([], today)
            return
        replace_content(card, self._card(contact, today))
        title.display = True
        if not self.store.conversations_loaded:
            replace_content(title, Content.styled("Loading the diary…", "dim italic"))
            self._fill([], today)
            more.display = False
            return
        conversations = self.store.conversations_of(contact.id)
        count = len(conversations)
        replace_content(
            title,
            Content.styled(f"Conversations ({count})", "bold underline")
            if count
            else Content.styled("No conversations yet: l logs one.", "dim"),
        )
        shown = TIMELINE_LIMIT
        if conversation_id is not None:
            index = next((i for i, c in enumerate(conversations) if c.id == conversation_id), 0)
            shown = max(shown, index + 1)
        self._fill(conversations[:shown], today)
        hidden = count - min(count, shown)
        more.display = hidden > 0
        replace_content(more, Content.styled(f"… and {hidden} older conversations", "dim"))
        self._scroll_entry = None
        if conversation_id is not None and conversation_id in self.shown_ids:
            self._scroll_entry = (self.shown_ids.index(conversation_id), time.monotonic())
            self.call_after_refresh(self._scroll_to_entry)
        elif moved:
            self.scroll_home(animate=False)

    def _contact(self, contact_id: str | None) -> Contact | None:
        """The record, read alone (one shard) while the store has not read every contact:
        the first screen shows the first contact's card without the 10,000 others."""
        if not contact_id:
            return None
        if self.store.contacts_loaded:
            return self.store.contacts_by_id.get(contact_id)
        try:
            return self.store.get(contact_id)
        except ContactNotFound:
            return None

    def _card(self, contact: Contact, today: date) -> Content:
        return contact_card(card_of(self.store, contact, today), today)

    def _fill(self, conversations: list[Conversation], today: date) -> None:
        """Draw these entries, unless the timeline already shows these very records."""
        timeline = self.query_one("#timeline", Static)
        timeline.display = bool(conversations)
        unchanged = today == self._shown_day and len(conversations) == len(self._shown)
        if unchanged and all(a is b for a, b in zip(conversations, self._shown, strict=True)):
            return
        self._shown = list(conversations)
        self._shown_day = today
        replace_content(timeline, ENTRY_GAP.join(diary_entry(c, today) for c in conversations))

    def _after_layout(self, _: object) -> None:
        if self._scroll_entry is not None:
            self._scroll_to_entry()

    def _scroll_to_entry(self) -> None:
        """Scroll so that the entry asked for is at the top of the pane.

        Tried after the next refresh, and again after each layout for a moment: the new
        card and timeline reach the screen's layout asynchronously, sometimes a refresh
        later (and a closing modal's refresh comes first)."""
        if self._scroll_entry is None:
            return
        index, asked = self._scroll_entry
        if time.monotonic() - asked > SCROLL_WAIT:
            self._scroll_entry = None
            return
        self.scroll_to(y=self.entry_region(index).y, animate=False)

    def entry_region(self, index: int) -> Region:
        """Where the index-th entry of the timeline is, in the pane's scrollable area."""
        timeline = self.query_one("#timeline", Static)
        width = timeline.content_size.width
        day = self._shown_day or date.today()
        styles: Any = timeline.styles  # as in replace_content
        heights = [diary_entry(c, day).get_height(styles, width) for c in self._shown]
        top = timeline.virtual_region.y + sum(h + 1 for h in heights[:index])
        return Region(0, top, width, heights[index] if index < len(heights) else 0)

    def entry_at_top(self) -> Conversation | None:
        """The first entry still (partly) in view: the one `enter` opens."""
        top = self.scroll_y
        for index, conversation in enumerate(self._shown):
            if self.entry_region(index).bottom > top:
                return conversation
        return None

    def action_delete_entry(self) -> None:
        conversation = self.entry_at_top()
        if conversation is None:
            self.notify("No diary entry to delete", severity="warning")
            return
        self.post_message(EntryDeleteAsked(conversation.id, entry_text(conversation)[0]))

    def action_open_entry(self) -> None:
        conversation = self.entry_at_top()
        if conversation is None:
            self.notify("No diary entry to open", severity="warning")
            return
        self.post_message(EntryOpened(*entry_text(conversation)))
