"""Batch results into the clinic store: `screening score ... --client NAME [--db URL]`.

Each scored record becomes one assessment of the client, dated today, with a clip per
video it came from. The videos stay where they are: the store keeps a reference to each
file, never a copy. Videos that could not be scored are not stored (there is no result).
"""

from __future__ import annotations

from pathlib import Path

from screening.clinic.database import Store, open_store
from screening.clinic.repository import ClipInput, client_by_name, save_assessment
from screening.io.record import ScreeningRecord


def record_clips(record: ScreeningRecord, retakes: dict[str, str] | None = None) -> list[ClipInput]:
    """The clips behind a record: each view's video, then each retake's."""
    views: dict[str, str | None] = {**(record.sources or {record.source: record.view})}
    clips = [ClipInput("view", view, str(Path(src).resolve())) for src, view in views.items()]
    clips += [
        ClipInput(kind, None, str(Path(src).resolve())) for kind, src in (retakes or {}).items()
    ]
    return clips


class ClientSaver:
    """Saves each record of a batch as an assessment of one client, as it arrives."""

    def __init__(
        self, url: str | None, client_name: str, retakes: dict[str, str] | None = None
    ) -> None:
        self.store: Store = open_store(url)
        self.client_id = client_by_name(self.store, client_name)
        self.client_name = client_name
        self.retakes = retakes or {}
        self.saved = 0

    def save(self, record: ScreeningRecord) -> None:
        if not record.ok:
            return
        save_assessment(
            self.store,
            self.client_id,
            record.to_dict(),
            clips=record_clips(record, self.retakes),
            pain=record.pain,
        )
        self.saved += 1

    def summary_line(self) -> str:
        plural = "" if self.saved == 1 else "s"
        return f"saved {self.saved} assessment{plural} of {self.client_name} in {self.store.url}"

    def close(self) -> None:
        self.store.close()
