"""The command palette (`ctrl+p`): every main-screen action by name, the detail pane's (open
or delete the diary entry at its top), sync (with the time of the last one, which has no
key), and any contact by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from netui.core.db.store import fold
from netui.tui.format import safe
from netui.tui.screens.help import key_label
from netui.tui.widgets.detail import DetailPane

if TYPE_CHECKING:
    from netui.core.model import Contact
    from netui.tui.screens.main import MainScreen

CONTACT_HITS = 20  # a palette is for jumping, not browsing: the best few are enough


@dataclass(frozen=True, slots=True)
class PaletteAction:
    """A binding the palette offers by name: its title, its key and where that key works."""

    binding: Binding
    run: Callable[[], object]
    where: str = ""  # "": anywhere on the main screen

    @property
    def title(self) -> str:
        return self.binding.tooltip or self.binding.description

    def display(self, title: Content) -> Content:
        """The action's name followed by its key, dimmed."""
        return Content.assemble(title, (f"  {key_label(self.binding.key)}{self.where}", "dim"))


def _described(bindings: Sequence[BindingType]) -> list[Binding]:
    return [b for b in bindings if isinstance(b, Binding) and b.description]


def palette_actions(screen: MainScreen) -> list[PaletteAction]:
    """The main screen's actions, then the detail pane's (run on its pane, whatever has focus)."""
    own = [
        PaletteAction(b, partial(screen.run_action, b.action))
        for b in _described(screen.BINDINGS)
        if b.action != "app.command_palette"
    ]
    pane = [
        PaletteAction(b, partial(screen.detail.run_action, b.action), " in the detail pane")
        for b in _described(DetailPane.BINDINGS)
        if b.tooltip  # its own actions; scrolling (j, k) is not one
    ]
    return own + pane


class NetuiCommands(Provider):
    """Actions of the main screen, then contacts whose name contains what was typed."""

    def _main(self) -> MainScreen | None:
        from netui.tui.screens.main import MainScreen

        return self.screen if isinstance(self.screen, MainScreen) else None

    async def discover(self) -> Hits:
        screen = self._main()
        if screen is None:
            return
        title = screen.sync_title()
        yield DiscoveryHit(Content(title), screen.action_sync, text=title)
        for action in palette_actions(screen):
            yield DiscoveryHit(action.display(Content(action.title)), action.run, text=action.title)

    async def search(self, query: str) -> Hits:
        screen = self._main()
        if screen is None:
            return
        matcher = self.matcher(query)
        for action in palette_actions(screen):
            score = matcher.match(action.title)
            if score > 0:
                highlighted = action.display(matcher.highlight(action.title))
                yield Hit(score, highlighted, action.run, text=action.title)
        title = screen.sync_title()
        score = matcher.match(title)
        if score > 0:
            yield Hit(score, matcher.highlight(title), screen.action_sync, text=title)
        for score, contact in contact_matches(screen, query):
            name = safe(contact.name)
            about = safe(" · ".join(x for x in (contact.company, contact.stage.label) if x))
            # No `help=`: the palette parses it as markup, and names are user text.
            display = Content.assemble("Go to ", (name, "bold"), (f"  {about}", "dim"))
            yield Hit(score, display, partial(screen.jump_to, contact.id), text=f"Go to {name}")


def contact_matches(screen: MainScreen, query: str) -> list[tuple[float, Contact]]:
    """Contacts whose folded name contains the folded query; earlier matches score higher."""
    key = fold(" ".join(query.split()))
    if not key:
        return []
    found = []
    for contact in screen.store.contacts_by_id.values():
        at = fold(contact.name).find(key)
        if at >= 0:
            score = 0.9 if at == 0 else 0.6 - min(at, 50) / 200
            found.append((score, contact))
    found.sort(key=lambda pair: (-pair[0], fold(pair[1].name)))
    return found[:CONTACT_HITS]
