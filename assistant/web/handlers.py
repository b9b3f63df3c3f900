"""What the page's events do, as plain methods over the Python API (no layout here).

Each browser tab holds its own `Session` in a `gr.State`, so two people on two maps never
share map state. `assistant.session` (and with it LangChain) is imported on first use rather
than at start-up, so `journey serve` answers its first request about as fast as a bare
Gradio app; `warm_up()` then loads it in the background.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.accounts.store import User
from assistant.accounts.web import AccessDenied, MapScope
from assistant.completeness import status
from assistant.exports import FORMATS, file_stem, write_export
from assistant.retrieval import warm_up
from assistant.retrieval.research import delete_map_research
from assistant.schema import JourneyMap
from assistant.session import Reply, open_session
from assistant.settings import Settings
from assistant.store import Store
from assistant.visual.labels import labels
from assistant.web import views
from assistant.web.downloads import Downloads

if TYPE_CHECKING:
    from assistant.session import Session

DEFAULT_MAP = "my-journey"


def _space(user: User) -> str:
    """The namespace a user's new maps take their names in (`maps.namespace`)."""
    return f"user:{user.id}"


class WebError(Exception):
    """A problem to show the user (Gradio shows it as an error toast)."""


class Handlers:
    """The behaviour behind the page; `app.py` wires these to components."""

    def __init__(self, settings: Settings, scope: MapScope | None = None) -> None:
        self.settings = settings
        self.exports_dir = settings.home / "exports"
        self.scope = scope
        """Per-user map access (assistant/accounts/web.py); None: one person, every map."""
        self.downloads = Downloads(self.exports_dir)
        """Which map each handed-out file is of (checked by `downloads.DownloadScope`)."""

    # sessions ------------------------------------------------------------------------------
    def warm_up(self) -> None:
        """After the server is up, in background threads: import the session machinery and
        load the card index (built once per card set and model, shared by every workspace),
        so the first 'what is a touchpoint?' does not wait for it."""
        # The session machinery imports in its own thread; the card index loads in the
        # retrieval's one warm-up thread (both non-daemon: see warm_up).
        threading.Thread(
            target=__import__, args=("assistant.session",), daemon=False, name="journey-warm-up"
        ).start()
        warm_up(self.settings, self.settings.language)

    def store(self) -> Store:
        return Store(self.settings.database)

    def visible_maps(self, user: str | None = None) -> list[JourneyMap]:
        """The maps this user may see, most recent first (every map when not scoped)."""
        store = self.store()
        try:
            maps = store.list_maps()
        finally:
            store.close()
        if self.scope is not None:
            maps = self.scope.visible(self.scope.user(user), maps)
        return maps

    def map_names(self, user: str | None = None) -> list[str]:
        """The names of the maps this user may see."""
        return views.map_choices(self.visible_maps(user))

    def map_options(self, user: str | None = None) -> list[tuple[str, str]]:
        """(label, value) for the map picker: the name, or the id for a name that two
        visible maps share (a team's map and one's own may be named alike)."""
        return views.map_options(self.visible_maps(user))

    def _find(self, key: str, user: str | None) -> JourneyMap | None:
        """The visible map with this id, else the most recent one with this name."""
        maps = self.visible_maps(user)
        for journey in maps:
            if journey.id == key:
                return journey
        return next((m for m in maps if m.name == key), None)

    def open(
        self,
        name: str | None,
        create: bool = False,
        user: str | None = None,
        opening: bool = True,
    ) -> tuple[Session, list[dict]]:
        """Open (or with `create`, create) a map for `user`; returns the session and the chat
        to show: the stored transcript, then (with `opening`) the opening message. A name
        only counts among the maps the user may see: one taken by another team's map is
        neither refused nor revealed (names are unique per creator, `maps.namespace`)."""
        name = (name or "").strip()
        if create and not name:
            raise WebError("Give the new map a name.")
        found = self._find(name, user) if name else None
        if create and found is not None:
            raise WebError(f"A map named '{name}' already exists: open it from the list.")
        if not create and name and found is None:
            raise WebError(f"No map named '{name}'.")
        if self.scope is not None and not create and not name:
            raise WebError("Open or create a map first (Maps tab).")
        owner = self.scope.user(user) if self.scope is not None else None
        key = found.id if found is not None else name or None
        made_new = create
        try:
            if create and owner is not None:
                store = self.store()
                try:
                    made = store.create(name, self.settings.language, namespace=_space(owner))
                finally:
                    store.close()
                key, create = made.id, False
            session = open_session(
                map=key, new=create, settings=self.settings, home=self.settings.home
            )
        except (ValueError, RuntimeError, KeyError) as exc:
            raise WebError(str(exc.args[0] if isinstance(exc, KeyError) else exc)) from exc
        session.front_end = "web"
        if self.scope is not None:
            if made_new:
                self.scope.created(owner, session.map_id)
            self.scope.bind(session, owner)
            session.store.author = owner.name if owner is not None else None
        if not opening:
            return session, views.history_messages(session.history())
        session.start()  # stored in the transcript with the rest
        return session, views.history_messages(session.history())

    def resume(
        self,
        wanted: str | None,
        saved: str | None,
        user: str | None = None,
        opening: bool = True,
    ) -> tuple[Session, list[dict]]:
        """First page load: the map in the URL, else the one this browser used, else the most
        recent map, else a new one (only among the maps `user` may see). A message sent
        before the page finished loading resumes the same way, without a second opening
        message (`opening=False`)."""
        maps = self.visible_maps(user)
        for candidate in (wanted, saved):
            if candidate and self._find(candidate, user) is not None:
                return self.open(candidate, user=user, opening=opening)
        if maps:
            return self.open(maps[0].id, user=user, opening=opening)
        if self.scope is not None:  # a first visit: a map of their own, under a free name
            return self.open(self._free_name(user), create=True, user=user, opening=opening)
        try:
            return self.open(DEFAULT_MAP, create=True, opening=opening)
        except WebError:  # another request of this page created it a moment ago
            return self.open(DEFAULT_MAP, opening=opening)

    def _free_name(self, user: str | None) -> str:
        taken = set(self.map_names(user))
        name, n = DEFAULT_MAP, 1
        while name in taken:
            n += 1
            name = f"{DEFAULT_MAP}-{n}"
        return name

    def ensure(self, session: Session | None, action: str = "view") -> Session:
        """The tab's session, when its user may still do `action` on its map."""
        if session is None:
            raise WebError("Open or create a map first (Maps tab).")
        if self.scope is not None:
            try:
                self.scope.require(self.scope.user_of(session), session.map_id, action)
            except AccessDenied as exc:
                raise WebError(str(exc)) from exc
        return session

    def user_of(self, session: Session | None) -> str | None:
        """The name of the user who opened this tab's session (None when not scoped)."""
        if self.scope is None or session is None:
            return None
        found = self.scope.user_of(session)
        return found.name if found is not None else None

    def panels(self, session: Session) -> tuple[str, str, str]:
        """The live map, the progress meter and the next question's purpose (which carries an
        open offer as data: `data-offer="ideas"`, `data-offer-items="6"`)."""
        journey = session.map

        st = status(journey)
        offer = session.open_offer()
        marker = (
            f'<span hidden data-offer="{offer.kind}" data-offer-items="{len(offer.items)}"></span>'
            if offer
            else ""
        )
        return (
            views.map_panel(journey),
            views.progress_html(st, journey.language),
            views.purpose_html(journey, st.next_gap, journey.language, st.complete) + marker,
        )

    def version(self, session: Session | None) -> str:
        """A cheap token that changes whenever the stored map does (the page polls it)."""
        if session is None:
            return ""
        try:
            journey = session.store.snapshot(session.map_id)
        except KeyError:  # deleted elsewhere
            return "gone"
        return journey.updated_at.isoformat()

    # chat ------------------------------------------------------------------------------------
    def chat(
        self, session: Session, text: str, messages: list[dict]
    ) -> Iterator[tuple[list[dict], bool]]:
        """Stream one answer: yields (messages, final) as pieces arrive. The session stores
        the reply (also when the browser goes away mid-stream and this generator is closed)."""
        self.ensure(session, "edit")
        messages = list(messages or []) + [views.user_message(text)]
        messages.append({"role": "assistant", "content": ""})
        streamed = ""
        pieces = session.stream(text)
        try:
            for piece in pieces:
                if isinstance(piece, Reply):
                    messages[-1] = views.assistant_message(piece.text)
                    yield messages, True
                    continue
                streamed += piece
                messages[-1] = views.assistant_message(streamed)
                yield messages, False
        finally:
            pieces.close()  # runs the session's own saving now, not at garbage collection

    # maps ------------------------------------------------------------------------------------
    def rename(self, session: Session, new_name: str) -> str:
        self.ensure(session, "rename")
        new_name = (new_name or "").strip()
        if not new_name:
            raise WebError("Type the new name first.")
        try:
            session.store.rename(session.map.name, new_name)
        except ValueError as exc:
            raise WebError(str(exc)) from exc
        return new_name

    def delete(self, session: Session, confirm: bool) -> None:
        self.ensure(session, "delete")
        if not confirm:
            raise WebError("Tick 'Yes, delete this map' to confirm.")
        journey = session.map
        session.store.delete(journey.name)
        if self.scope is not None:
            self.scope.deleted(session.map_id)
        session.store.close()
        delete_map_research(self.settings, journey.id)

    # research --------------------------------------------------------------------------------
    def ingest(self, session: Session, files: list[str]) -> Iterator[list[list[Any]]]:
        """Ingest uploaded files on the background ingest worker (`assistant.ingest_jobs`),
        yielding the per-file result table each time a file is done."""
        try:
            from assistant.ingest_jobs import JOBS
        except ImportError as exc:  # the research ingest is optional in this build
            raise WebError("Research upload is not available in this build.") from exc
        self.ensure(session, "edit")
        if not files:
            raise WebError("Choose one or more files first.")
        kb = session.context.knowledge
        job = JOBS.submit(kb, [Path(path) for path in files], session.map.id)
        shown = 0
        while True:
            finished = job.wait(0.25)
            if job.done > shown:
                for done in range(shown + 1, job.done + 1):
                    yield [views.ingest_row(r) for r in job.results[:done]]
                shown = job.done
            if finished:
                break
        if job.error:
            raise WebError(f"The upload could not be ingested: {job.error}")

    # ideas -----------------------------------------------------------------------------------
    def set_ideas(self, session: Session, ids: list[str], status: str) -> str:
        self.ensure(session, "edit")
        if not ids:
            raise WebError("Pick one or more ideas first.")
        result = session.tools.call("set_idea_status", {"item_ids": ids, "status": status})
        if not result.ok:
            raise WebError(result.refusal or result.text)
        statuses = labels(session.map.language)["map"]["statuses"]
        return f"{len(ids)} × {statuses.get(status, status)}"

    def ideas_file(self, session: Session, include_rejected: bool = False) -> str:
        """The content calendar as a CSV download (rejected ideas only when asked)."""
        self.ensure(session, "view")
        journey = session.map
        folder = Path(tempfile.mkdtemp(dir=self._exports()))
        path = folder / f"{file_stem(journey.name)}-content-calendar.csv"
        path.write_text(views.ideas_csv(journey, include_rejected), encoding="utf-8")
        self.downloads.register(path, journey.id)
        return str(path)

    # exports ---------------------------------------------------------------------------------
    def export(self, session: Session, fmt: str) -> str:
        self.ensure(session, "view")
        if fmt not in FORMATS:
            raise WebError(f"Unknown format '{fmt}'. Choose one of: {', '.join(FORMATS)}.")
        folder = Path(tempfile.mkdtemp(dir=self._exports()))
        try:
            path = write_export(session.map, fmt, folder)
        except RuntimeError as exc:  # RendererMissing for PNG without Chromium
            raise WebError(str(exc)) from exc
        self.downloads.register(path, session.map_id)
        return str(path)

    def _exports(self) -> Path:
        self.exports_dir.mkdir(parents=True, exist_ok=True)
        return self.exports_dir
