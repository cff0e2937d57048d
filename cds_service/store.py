"""The feedback store: which cards were issued and what clinicians did with them.

Only the card's id, the rules version, the first option and times are kept: never a
patient identifier, never an input, never free text. SQLAlchemy 2; the schema is made
by the Alembic migrations in ``cds_service/migrations`` (``FeedbackStore.migrate``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from alembic import command
from alembic.config import Config
from pydantic import BaseModel, ConfigDict
from sqlalchemy import DateTime, ForeignKey, String, create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_S = 15  # several workers may write one SQLite file


class Base(DeclarativeBase):
    """The store's tables."""


class IssuedCard(Base):
    """A card the service answered with: what feedback on it will be counted against."""

    __tablename__ = "issued_card"

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    rules_version: Mapped[str] = mapped_column(String(40))
    top_option: Mapped[str | None] = mapped_column(String(40))
    """None for the card that asks for missing inputs."""
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CardFeedback(Base):
    """One CDS Hooks feedback entry: accepted or overridden, and the coded reason."""

    __tablename__ = "card_feedback"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    card_uuid: Mapped[str] = mapped_column(ForeignKey("issued_card.uuid"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    override_reason: Mapped[str | None] = mapped_column(String(64))
    outcome_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OptionFeedback(BaseModel):
    """How often the cards of one rules version and first option were followed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules_version: str
    option: str | None
    accepted: int
    overridden: int
    override_reasons: dict[str, int]


class FeedbackSummary(BaseModel):
    """``GET /feedback/summary``: one row per rules version and first option."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rows: tuple[OptionFeedback, ...]


@dataclass(frozen=True)
class Outcome:
    """What one clinician did with one card, as the store keeps it."""

    card_uuid: UUID
    outcome: str
    override_reason: str | None
    outcome_at: datetime


class UnknownCardError(LookupError):
    """Feedback names a card this service never issued."""

    def __init__(self, positions: list[int]) -> None:
        super().__init__(positions)
        self.positions = positions


class FeedbackStore:
    """Issued cards and feedback in SQLite (default) or PostgreSQL."""

    def __init__(self, database_url: str) -> None:
        is_sqlite = database_url.startswith("sqlite")
        self.engine: Engine = create_engine(
            database_url,
            pool_pre_ping=not is_sqlite,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S} if is_sqlite else {},
        )

    def migrate(self) -> None:
        """Bring the schema to the newest migration (run once before the workers start)."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def record_issued(self, card_uuid: UUID, rules_version: str, top_option: str | None) -> None:
        """Remember a card that was sent, so feedback on it can be counted."""
        with Session(self.engine) as session, session.begin():
            session.add(
                IssuedCard(
                    uuid=str(card_uuid),
                    rules_version=rules_version,
                    top_option=top_option,
                    issued_at=datetime.now(UTC),
                )
            )

    def record_feedback(self, outcomes: Iterable[Outcome]) -> None:
        """Store every outcome, or none when one names a card never issued."""
        outcomes = list(outcomes)
        wanted = {str(outcome.card_uuid) for outcome in outcomes}
        received = datetime.now(UTC)
        with Session(self.engine) as session, session.begin():
            known = set(session.scalars(select(IssuedCard.uuid).where(IssuedCard.uuid.in_(wanted))))
            unknown = [n for n, o in enumerate(outcomes) if str(o.card_uuid) not in known]
            if unknown:
                raise UnknownCardError(unknown)
            session.add_all(
                CardFeedback(
                    card_uuid=str(outcome.card_uuid),
                    outcome=outcome.outcome,
                    override_reason=outcome.override_reason,
                    outcome_at=outcome.outcome_at,
                    received_at=received,
                )
                for outcome in outcomes
            )

    def summary(self) -> FeedbackSummary:
        """Accepted and overridden counts per rules version and first option, with reasons."""
        query = select(
            IssuedCard.rules_version,
            IssuedCard.top_option,
            CardFeedback.outcome,
            CardFeedback.override_reason,
        ).join(IssuedCard, CardFeedback.card_uuid == IssuedCard.uuid)
        outcomes: defaultdict[tuple[str, str | None], Counter[str]] = defaultdict(Counter)
        reasons: defaultdict[tuple[str, str | None], Counter[str]] = defaultdict(Counter)
        with Session(self.engine) as session:
            for version, option, outcome, reason in session.execute(query):
                outcomes[version, option][outcome] += 1
                if reason is not None:
                    reasons[version, option][reason] += 1
        return FeedbackSummary(
            rows=tuple(
                OptionFeedback(
                    rules_version=version,
                    option=option,
                    accepted=counts["accepted"],
                    overridden=counts["overridden"],
                    override_reasons=dict(sorted(reasons[version, option].items())),
                )
                for (version, option), counts in sorted(
                    outcomes.items(), key=lambda item: (item[0][0], item[0][1] or "")
                )
            )
        )
