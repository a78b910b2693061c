"""Reading and writing clinic records. Each write function is one transaction.

A save either lands whole (the assessment, its clips and its result together) or not at
all: the work happens inside `Store.writing()`, which commits once at the end. Functions
take and return plain ids and loaded objects, so a page or the CLI never holds a session.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session, selectinload

from screening import __version__
from screening.clinic.database import Store, StoreError, ensure_clips_dir
from screening.clinic.review import FindingDecision
from screening.clinic.tables import (
    CLIP_KINDS,
    DECISIONS,
    RECORD_FORMAT,
    Assessment,
    Client,
    Clip,
    Result,
    Review,
    ReviewFinding,
)
from screening.core.codes import Check
from screening.decide.programs import ROUTES
from screening.io.files import private_dir, write_private_atomic

MAX_NAME = 200


@dataclass(frozen=True)
class ClipInput:
    """A clip of an assessment being saved."""

    kind: str = "view"
    """view, or the retake it is: heels_elevated, hands_on_hips."""
    view: str | None = None
    file_ref: str | None = None
    """The kept video (see `keep_clip`), the user's own file, or None when not kept."""


@dataclass(frozen=True)
class ClientSummary:
    id: int
    name: str
    reference: str
    notes: str
    assessments: int
    last_assessed: date | None


def _clean_name(name: str, what: str = "client name") -> str:
    name = " ".join((name or "").split())
    if not name:
        raise StoreError(f"the {what} is empty")
    if len(name) > MAX_NAME:
        raise StoreError(f"the {what} is longer than {MAX_NAME} characters")
    return name


def create_client(store: Store, name: str, reference: str = "", notes: str = "") -> int:
    """Add a client; returns their id. Names need not be unique (two people may share one)."""
    client = Client(name=_clean_name(name), reference=reference.strip()[:100], notes=notes.strip())
    with store.writing() as session:
        session.add(client)
        session.flush()
        return client.id


def _summaries(session: Session, where: Any = None) -> list[ClientSummary]:
    query = (
        select(Client, func.count(Assessment.id), func.max(Assessment.performed_on))
        .outerjoin(Assessment)
        .group_by(Client.id)
        .order_by(func.lower(Client.name), Client.id)
    )
    if where is not None:
        query = query.where(where)
    return [
        ClientSummary(
            id=c.id,
            name=c.name,
            reference=c.reference,
            notes=c.notes,
            assessments=n,
            last_assessed=last,
        )
        for c, n, last in session.execute(query)
    ]


def find_clients(store: Store, search: str = "") -> list[ClientSummary]:
    """Clients whose name or reference contains `search` (any case), by name."""
    search = search.strip()
    where = (
        or_(
            Client.name.icontains(search, autoescape=True),
            Client.reference.icontains(search, autoescape=True),
        )
        if search
        else None
    )
    with store.reading() as session:
        return _summaries(session, where)


def get_client(store: Store, client_id: int) -> ClientSummary:
    with store.reading() as session:
        found = _summaries(session, Client.id == client_id)
    if not found:
        raise StoreError(f"there is no client number {client_id}")
    return found[0]


def client_by_name(store: Store, name: str) -> int:
    """The id of the one client called `name` (any case), created if there is none."""
    name = _clean_name(name)
    with store.writing() as session:
        ids = session.scalars(
            select(Client.id).where(func.lower(Client.name) == name.lower())
        ).all()
        if len(ids) > 1:
            raise StoreError(
                f"{len(ids)} clients are called {name!r}; tell them apart in "
                "the app (e.g. give one a middle initial)"
            )
        if ids:
            return ids[0]
        client = Client(name=name, reference="", notes="")
        session.add(client)
        session.flush()
        return client.id


def _result_row(record: dict[str, Any]) -> Result:
    score = record.get("score") or {}
    return Result(
        record=record,
        record_format=RECORD_FORMAT,
        screening_version=str(record.get("version") or __version__),
        movement=record.get("movement"),
        route=record.get("route"),
        fms=score.get("fms"),
    )


def save_assessment(
    store: Store,
    client_id: int,
    record: dict[str, Any],
    *,
    clips: list[ClipInput] | None = None,
    performed_on: date | None = None,
    pain: dict[str, float] | None = None,
    notes: str = "",
    therapist: str = "",
) -> int:
    """Save one assessment with its clips and the machine's result, all or nothing.

    record: the screen's result record as a dict (`ScreeningRecord.to_dict()`).
    Returns the new assessment's id.
    """
    if not isinstance(record, dict) or "findings" not in record:
        raise StoreError("the result to save is not a screening record")
    for clip in clips or []:
        if clip.kind not in CLIP_KINDS:
            raise StoreError(f"unknown clip kind {clip.kind!r} (one of {', '.join(CLIP_KINDS)})")
    result = _result_row(record)
    assessment = Assessment(
        client_id=client_id,
        performed_on=performed_on or date.today(),
        pain=dict(pain if pain is not None else record.get("pain") or {}),
        notes=notes.strip(),
        therapist=therapist.strip()[:MAX_NAME],
        results=[result],
    )
    with store.writing() as session:
        if session.get(Client, client_id) is None:
            raise StoreError(f"there is no client number {client_id}")
        session.add(assessment)
        session.flush()
        session.add_all(
            Clip(
                assessment_id=assessment.id,
                result_id=result.id,
                kind=c.kind,
                view=c.view,
                file_ref=c.file_ref,
            )
            for c in clips or []
        )
        return assessment.id


def _loaded_assessments() -> Any:
    return select(Assessment).options(
        selectinload(Assessment.client),
        selectinload(Assessment.clips),
        selectinload(Assessment.results).selectinload(Result.clips),
        selectinload(Assessment.results).selectinload(Result.reviews).selectinload(Review.findings),
    )


def client_assessments(store: Store, client_id: int) -> list[Assessment]:
    """A client's assessments, oldest first, with everything they hold loaded."""
    with store.reading() as session:
        return list(
            session.scalars(
                _loaded_assessments()
                .where(Assessment.client_id == client_id)
                .order_by(Assessment.performed_on, Assessment.id)
            )
        )


def all_assessments(store: Store) -> list[Assessment]:
    """Every assessment of every client, by client then date, with everything loaded."""
    with store.reading() as session:
        return list(
            session.scalars(
                _loaded_assessments().order_by(
                    Assessment.client_id, Assessment.performed_on, Assessment.id
                )
            )
        )


def get_assessment(store: Store, assessment_id: int) -> Assessment:
    with store.reading() as session:
        found = session.scalars(_loaded_assessments().where(Assessment.id == assessment_id)).first()
    if found is None:
        raise StoreError(f"there is no assessment number {assessment_id}")
    return found


def save_review(
    store: Store,
    result_id: int,
    *,
    route: str,
    decisions: list[FindingDecision],
    notes: str = "",
    reviewer: str = "",
) -> int:
    """Record a therapist's review of a machine result; the machine record stays as it was.

    decisions: confirmed/removed for the machine's findings (by code and side), added for
    findings the machine did not report. Returns the review's id.
    """
    if route not in ROUTES:
        raise StoreError(f"unknown route {route!r} (one of {', '.join(ROUTES)})")
    codes = {c.value for c in Check}
    for d in decisions:
        if d.decision not in DECISIONS:
            raise StoreError(f"unknown decision {d.decision!r} (one of {', '.join(DECISIONS)})")
        if d.code not in codes:
            raise StoreError(f"unknown finding {d.code!r}")
    with store.writing() as session:
        if session.get(Result, result_id) is None:
            raise StoreError(f"there is no result number {result_id}")
        review = Review(
            result_id=result_id,
            route=route,
            notes=notes.strip(),
            reviewer=reviewer.strip()[:MAX_NAME],
            findings=[
                ReviewFinding(
                    code=d.code,
                    side=d.side,
                    decision=d.decision,
                    severity=d.severity,
                    note=d.note.strip(),
                )
                for d in decisions
            ],
        )
        session.add(review)
        session.flush()
        return review.id


def keep_clip(store: Store, client_id: int, video: bytes, suffix: str = ".mp4") -> str:
    """Keep a video in the store's private clips folder (0600); returns the file reference.

    Keep before saving the assessment that refers to it; if that save fails, pass the
    reference to `discard_clip`.
    """
    folder = private_dir(ensure_clips_dir(store) / str(client_id))
    return str(write_private_atomic(folder / f"{uuid.uuid4().hex}{suffix}", video))


def kept_path(store: Store, file_ref: str | None) -> Path | None:
    """The file behind a reference when it is one of ours (inside the clips folder)."""
    if not file_ref:
        return None
    path = Path(file_ref).resolve()
    return path if path.is_relative_to(store.clips_dir.resolve()) else None


def discard_clip(store: Store, file_ref: str) -> None:
    """Delete a kept clip (only files inside the store's clips folder are ever deleted)."""
    path = kept_path(store, file_ref)
    if path is not None:
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Erasure:
    """What deleting a client removed, and what it could not."""

    name: str
    assessments: int
    files_deleted: int
    files_left: list[str]
    """Videos that were the user's own files (outside the clips folder): not ours to delete."""


def delete_client(store: Store, client_id: int) -> Erasure:
    """Erase a client and everything of theirs: assessments, clips, results, reviews, kept
    videos. On SQLite the freed space is overwritten and the journal emptied, so the
    erased records cannot be read back from the file.
    """
    with store.writing() as session:
        client = session.get(Client, client_id)
        if client is None:
            raise StoreError(f"there is no client number {client_id}")
        refs = session.scalars(
            select(Clip.file_ref)
            .join(Assessment)
            .where(Assessment.client_id == client_id, Clip.file_ref.is_not(None))
        ).all()
        count = (
            session.scalar(
                select(func.count(Assessment.id)).where(Assessment.client_id == client_id)
            )
            or 0
        )
        name = client.name
        session.delete(client)
    deleted, left = 0, list[str]()
    for ref in refs:
        path = kept_path(store, ref) if ref is not None else None
        if path is None:
            left.append(str(ref))
        elif path.exists():
            path.unlink()
            deleted += 1
    with contextlib.suppress(OSError):
        (store.clips_dir / str(client_id)).rmdir()
    if store.engine.url.get_backend_name() == "sqlite":
        with store.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return Erasure(name=name, assessments=count, files_deleted=deleted, files_left=left)
