"""The small Python API every front end uses: open a session on a map, send answers.

session = open_session(map="acme", home="journey-data")
reply = session.send("Acme Analytics")
reply.text, reply.gap, reply.status.percent, session.map
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

from pydantic import ValidationError

from assistant.completeness import Status, status
from assistant.conversation import Engine, OpenOffer, Reply
from assistant.guided import GuidedEngine
from assistant.schema import JourneyMap
from assistant.settings import Settings, get_settings
from assistant.state import InterviewState
from assistant.store import Store
from tools import ToolBox, ToolContext
from tools.evidence_tools import make_evidence_tools
from tools.knowledge_tools import make_knowledge_tools
from tools.results import ToolResult

__all__ = ["OpenOffer", "Reply", "Session", "open_session"]


class Session:
    """One conversation about one map. Every change goes through `self.tools`.

    The engines see it as a `Conversation` (assistant/conversation.py)."""

    def __init__(
        self, store: Store, journey: JourneyMap, settings: Settings, language: str | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self.map_id = journey.id
        self.language = language or journey.language
        """Interview language: the `--lang` given when opening, else the map's own."""
        self.front_end = "cli"
        """Who shows the replies: `cli` or `web` (closing messages point at its own export)."""
        self.context = ToolContext(store, journey.id, settings)
        self.context.language = self.language
        self.state = load_state(store, journey.id)
        """What the conversation remembers; written with every change and every reply."""
        self.context.on_change = self._on_change
        extra = [*make_knowledge_tools(self.context), *make_evidence_tools(self.context)]
        self.tools = ToolBox(self.context, extra=extra)
        self.engine = make_engine(settings)

    def _on_change(self, result: ToolResult) -> str:
        self.state.note_change(result.seq, result.added)
        return self.state.model_dump_json()

    def open_offer(self) -> OpenOffer | None:
        """The open offer with its numbered items as on the map now, or None."""
        offer = self.state.offer
        if offer is None:
            return None
        items = offer.items(self.map)
        return OpenOffer(offer.kind, items) if items else None

    @property
    def map(self) -> JourneyMap:
        """The map as persisted now (a shared snapshot: read it, change it only via tools)."""
        return self.store.snapshot(self.map_id)

    @property
    def status(self) -> Status:
        return status(self.map)

    def start(self) -> Reply:
        """The opening message: a greeting and the first question, or a resume summary."""
        reply = self.engine.opening(self)
        self._save_reply(reply)
        return reply

    def send(self, text: str) -> Reply:
        """Answer one user message; every accepted change is on disk when this returns."""
        self._begin(text)
        reply = self.engine.respond(self, text)
        self._save_reply(reply)
        return reply

    def stream(self, text: str) -> Generator[str | Reply, None, None]:
        """Like `send`, yielding text pieces as they come, then the final `Reply`. The reply
        is saved even when the caller stops reading early (a closed browser tab): what was
        streamed so far is saved then."""
        self._begin(text)
        final: Reply | None = None
        streamed: list[str] = []
        try:
            for piece in self.engine.stream(self, text):
                if isinstance(piece, Reply):
                    final = piece
                    self._save_reply(final)  # saved before the caller sees it
                else:
                    streamed.append(piece)
                yield piece
        finally:
            if final is None and streamed:
                self.store.add_message(
                    self.map_id,
                    "assistant",
                    "".join(streamed),
                    {"partial": True},
                    state=self.state.model_dump_json(),
                )

    def _begin(self, text: str) -> None:
        self.state.begin_answer()
        self.store.add_message(self.map_id, "user", text[:100_000])

    def _save_reply(self, reply: Reply) -> None:
        if reply.offer is None:
            reply.offer = self.open_offer()
        meta: dict[str, str | None] = {"gap": reply.gap}
        if reply.offer is not None:
            meta["offer"] = reply.offer.kind
        self.store.add_message(
            self.map_id, "assistant", reply.text, meta, state=self.state.model_dump_json()
        )

    def history(self, limit: int = 200) -> list[dict]:
        """The stored chat transcript of this map."""
        return self.store.messages(self.map_id, limit)


def load_state(store: Store, map_id: str) -> InterviewState:
    """The map's conversation state as stored; a fresh one when there is none or it cannot be
    read (an unreadable state costs the conversation's memory, never the map)."""
    raw = store.load_state(map_id)
    if raw is None:
        return InterviewState()
    try:
        return InterviewState.model_validate_json(raw)
    except ValidationError:
        return InterviewState()


def make_engine(settings: Settings) -> Engine:
    """`guided` -> the offline interviewer; `provider:model` -> the LLM agent."""
    if settings.model.strip().casefold() == "guided":
        return GuidedEngine()
    from assistant.agent import AgentEngine  # LangChain's model stack only when a model is set

    return AgentEngine(settings)


def open_session(
    map: str | None = None,
    home: str | Path | None = None,
    *,
    new: bool = False,
    lang: str | None = None,
    model: str | None = None,
    settings: Settings | None = None,
) -> Session:
    """Open (or create) a map and a session on it.

    `map` names the map (a new name creates it; `new=True` refuses an existing one); `home`,
    `lang` and `model` override the settings. Without a name, the most recent map is resumed,
    or a map called `my-journey` is created.
    """
    settings = settings or get_settings()
    settings = settings.with_overrides(home=Path(home) if home else None, lang=lang, model=model)
    store = Store(settings.database)
    if map is None:
        existing = store.list_maps()
        if existing and not new:
            return Session(store, existing[0], settings, lang)
        map = _free_name(store, "my-journey")
    if store.exists(map):
        if new:
            raise ValueError(f"A map named '{map}' already exists; drop --new to resume it.")
        return Session(store, store.load(map), settings, lang)
    return Session(store, store.create(map, settings.language), settings)


def _free_name(store: Store, base: str) -> str:
    name, n = base, 1
    while store.exists(name):
        n += 1
        name = f"{base}-{n}"
    return name
