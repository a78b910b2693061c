"""The clinic's data model: clients, their assessments, the clips, results and reviews.

    Client 1--* Assessment 1--* Clip
                           1--* Result 1--* Review 1--* ReviewFinding

An assessment is one visit: a date, the pain answers, the therapist's notes. Its clips are
the views filmed (front, side) and the retakes (heels elevated, hands on hips), each with a
reference to the kept file or none when the video was not kept. A result is the machine's
record (SPEC section 7) exactly as the screen wrote it, stored whole with the format and
program version that made it, so it can always be shown as it was. A review is a
therapist's override of one result: findings confirmed, removed or added, and the route
they chose. The machine record is never changed; the latest review sits beside it.

Deleting a client deletes everything of theirs: every foreign key cascades.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

RECORD_FORMAT = 1
"""Layout of the stored result record (SPEC section 7); raise it when the layout changes."""

CLIP_KINDS = ("view", "heels_elevated", "hands_on_hips")
"""A clip is one of the views of the movement, or one of the retakes."""

DECISIONS = ("confirmed", "removed", "added")
"""What a therapist can do with a finding."""


def utc_now() -> datetime:
    """Timestamps are stored in UTC without a zone (SQLite keeps no zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    # Named constraints, so migrations can alter them on SQLite (batch mode) and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    reference: Mapped[str] = mapped_column(String(100), default="")
    """The clinic's own number or code for the client (optional)."""
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="client",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Assessment.performed_on, Assessment.id)",
    )


class Assessment(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    performed_on: Mapped[date] = mapped_column(Date)
    pain: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The pain answers as given: region -> 0-10 rating."""
    notes: Mapped[str] = mapped_column(Text, default="")
    therapist: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    client: Mapped[Client] = relationship(back_populates="assessments")
    clips: Mapped[list[Clip]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Clip.id",
    )
    results: Mapped[list[Result]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Result.id",
    )

    @property
    def movements(self) -> list[str]:
        """The movement set screened in this assessment (from its results)."""
        return sorted({r.movement for r in self.results if r.movement})


class Clip(Base):
    __tablename__ = "clips"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    result_id: Mapped[int | None] = mapped_column(
        ForeignKey("results.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    """One of CLIP_KINDS."""
    view: Mapped[str | None] = mapped_column(String(30))
    """front, side_left, side_right or oblique, as the screen saw it."""
    file_ref: Mapped[str | None] = mapped_column(Text)
    """Where the video is kept, or None when it was not kept."""

    assessment: Mapped[Assessment] = relationship(back_populates="clips")


class Result(Base):
    __tablename__ = "results"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The machine's record, as written (SPEC section 7)."""
    record_format: Mapped[int] = mapped_column(Integer, default=RECORD_FORMAT)
    screening_version: Mapped[str] = mapped_column(String(50))
    """The version of the program that produced the record."""
    movement: Mapped[str | None] = mapped_column(String(30))
    route: Mapped[str | None] = mapped_column(String(20))
    fms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    assessment: Mapped[Assessment] = relationship(back_populates="results")
    clips: Mapped[list[Clip]] = relationship(order_by="Clip.id", viewonly=True)
    reviews: Mapped[list[Review]] = relationship(
        back_populates="result",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Review.id",
    )

    @property
    def latest_review(self) -> Review | None:
        return self.reviews[-1] if self.reviews else None


class Review(Base):
    """A therapist's override of one machine result."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"), index=True)
    reviewer: Mapped[str] = mapped_column(String(200), default="")
    route: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    result: Mapped[Result] = relationship(back_populates="reviews")
    findings: Mapped[list[ReviewFinding]] = relationship(
        back_populates="review",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ReviewFinding.id",
    )


class ReviewFinding(Base):
    """One decision of a review: a machine finding confirmed or removed, or one added."""

    __tablename__ = "review_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    side: Mapped[str] = mapped_column(String(10))
    decision: Mapped[str] = mapped_column(String(10))
    """One of DECISIONS."""
    severity: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="findings")
