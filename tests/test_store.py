"""The clinic store on real SQLite files: schema, migrations, records, reviews, erasure,
two processes writing at once, and a process killed in the middle of a save."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from screening.checks.base import Finding
from screening.clinic import StoreError, open_store
from screening.clinic import repository as repo
from screening.clinic.database import _alembic_config
from screening.clinic.review import apply_review, reviewed_result
from screening.clinic.tables import Base
from screening.io.record import ScreeningRecord

TABLES = {"clients", "assessments", "clips", "results", "reviews", "review_findings"}


def make_record(
    route: str = "mobility",
    fms: int | None = 2,
    findings: tuple[tuple[str, str, str, float], ...] = (
        ("heel_lift", "left", "mild", 3.0),
        ("heel_lift", "left", "moderate", 4.5),
    ),
    movement: str = "deep_squat",
    metrics: dict[str, float] | None = None,
) -> dict:
    """A result record as the screen writes it, with the given findings (code, side,
    severity, value) in consecutive reps."""
    from screening.io.record import RepRecord

    rec = ScreeningRecord(
        source="clip.mp4",
        ok=True,
        movement=movement,
        view="side_left",
        fps=30.0,
        frames=90,
        pose_detected_fraction=1.0,
        route=route,
        score={"fms": fms, "criteria": {}},
    )
    rec.findings = [
        Finding(
            code=c,
            side=s,
            severity=sev,
            confidence=0.9,
            value=v,
            units="cm",
            rep=i,
            frames=[10 * i],
        )
        for i, (c, s, sev, v) in enumerate(findings)
    ]
    rec.reps = [
        RepRecord(
            index=0,
            start_frame=0,
            bottom_frame=20,
            end_frame=40,
            metrics=dict(metrics or {"hip_drop_fraction": 0.4}),
        )
    ]
    return rec.to_dict()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'clinic' / 'clinic.sqlite3'}"


@pytest.fixture
def store(db_url: str):
    with open_store(db_url) as s:
        yield s


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# ---------------------------------------------------------------- files and schema


def test_new_database_is_private_and_migrated(tmp_path: Path):
    old = os.umask(0)  # permissions must not depend on the user's umask
    try:
        path = tmp_path / "new" / "deeper" / "clinic.sqlite3"
        with open_store(f"sqlite:///{path}") as s:
            repo.create_client(s, "Ada Lovelace")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert path.parent.parent.stat().st_mode & 0o777 == 0o700
    for sidecar in path.parent.glob("clinic.sqlite3-*"):  # WAL and shared-memory files
        assert sidecar.stat().st_mode & 0o777 == 0o600, sidecar
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert set(inspect(create_engine(f"sqlite:///{path}")).get_table_names()) >= TABLES


def test_migrations_from_empty_match_the_models_and_go_down_and_up(tmp_path: Path):
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()  # an existing, empty database file
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()
    with open_store(f"sqlite:///{path}") as s:  # opening upgrades again
        assert repo.find_clients(s) == []
    assert set(inspect(create_engine(f"sqlite:///{path}")).get_table_names()) >= TABLES


def test_reopening_keeps_data(db_url: str):
    with open_store(db_url) as s:
        cid = repo.create_client(s, "Grace Hopper", reference="GH-1")
    with open_store(db_url) as s:
        assert repo.get_client(s, cid).reference == "GH-1"


def test_database_from_a_newer_version_is_refused(db_url: str, tmp_path: Path):
    open_store(db_url).close()
    with sqlite3.connect(tmp_path / "clinic" / "clinic.sqlite3") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="newer version of screening"):
        open_store(db_url)


@pytest.mark.parametrize(
    "url, message",
    [
        ("not a url", "is not a database URL"),
        ("nosuchdb://host/db", "driver is not installed"),
    ],
)
def test_bad_urls_give_one_clear_error(url: str, message: str):
    with pytest.raises(StoreError, match=message):
        open_store(url)


def test_unusable_path_gives_one_clear_error(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match=r"cannot create the clinic database .*Not a directory"):
        open_store(f"sqlite:///{blocker / 'clinic.sqlite3'}")


def test_env_var_chooses_the_database(tmp_path: Path, monkeypatch):
    path = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("SCREENING_DB_URL", f"sqlite:///{path}")
    with open_store() as s:
        repo.create_client(s, "Env Person")
    assert _count(path, "clients") == 1


# ---------------------------------------------------------------- clients and assessments


def test_client_search_by_name_or_reference_any_case(store):
    a = repo.create_client(store, "  Mary   Shelley ", reference="MS-100")
    b = repo.create_client(store, "percy 100% Shelley")
    repo.create_client(store, "John Keats")
    assert [c.id for c in repo.find_clients(store, "shelley")] == [a, b]
    assert repo.get_client(store, a).name == "Mary Shelley"  # spaces tidied
    assert [c.id for c in repo.find_clients(store, "ms-1")] == [a]
    assert [c.id for c in repo.find_clients(store, "100%")] == [b]  # % is not a wildcard
    assert len(repo.find_clients(store, "")) == 3
    with pytest.raises(StoreError, match="client name is empty"):
        repo.create_client(store, "   ")


def test_assessment_round_trip_with_clips_and_result(store):
    cid = repo.create_client(store, "Ada")
    record = make_record()
    aid = repo.save_assessment(
        store,
        cid,
        record,
        performed_on=date(2026, 3, 1),
        pain={"knee": 0.0},
        notes="Left heel lifts early.",
        therapist="Dr Who",
        clips=[
            repo.ClipInput("view", "front", None),
            repo.ClipInput("view", "side_left", "/videos/side.mp4"),
            repo.ClipInput("heels_elevated", "side_left", None),
        ],
    )
    [a] = repo.client_assessments(store, cid)
    assert a.id == aid and a.performed_on == date(2026, 3, 1)
    assert a.notes == "Left heel lifts early." and a.therapist == "Dr Who"
    assert a.pain == {"knee": 0.0}
    assert a.movements == ["deep_squat"]
    assert [(c.kind, c.view, c.file_ref) for c in a.clips] == [
        ("view", "front", None),
        ("view", "side_left", "/videos/side.mp4"),
        ("heels_elevated", "side_left", None),
    ]
    [result] = a.results
    assert result.record == record  # stored whole, exactly as written
    assert (result.route, result.fms, result.movement) == ("mobility", 2, "deep_squat")
    assert result.record_format == 1 and result.screening_version == record["version"]
    assert [c.id for c in result.clips] == [c.id for c in a.clips]
    summary = repo.get_client(store, cid)
    assert (summary.assessments, summary.last_assessed) == (1, date(2026, 3, 1))


def test_a_failed_save_writes_nothing(store, tmp_path: Path):
    cid = repo.create_client(store, "Ada")
    with pytest.raises(StoreError, match="no client number 999"):
        repo.save_assessment(store, 999, make_record())
    with pytest.raises(StoreError, match="unknown clip kind"):
        repo.save_assessment(store, cid, make_record(), clips=[repo.ClipInput("top")])
    # An error after part of the assessment reached the database rolls all of it back.
    with pytest.raises(RuntimeError), store.writing() as session:
        session.add(
            repo.Assessment(
                client_id=cid, performed_on=date.today(), pain={}, notes="", therapist=""
            )
        )
        session.flush()
        raise RuntimeError("crash mid-save")
    path = tmp_path / "clinic" / "clinic.sqlite3"
    assert _count(path, "assessments") == 0 and _count(path, "results") == 0


def test_client_by_name_finds_or_creates_and_refuses_ambiguity(store):
    first = repo.client_by_name(store, "Alan Turing")
    assert repo.client_by_name(store, "alan turing") == first
    repo.create_client(store, "Alan TURING")
    with pytest.raises(StoreError, match="2 clients are called"):
        repo.client_by_name(store, "Alan Turing")


# ---------------------------------------------------------------- reviews


def test_review_keeps_the_machine_result_beside_the_therapists(store):
    cid = repo.create_client(store, "Ada")
    record = make_record(
        route="mobility",
        findings=(
            ("heel_lift", "left", "mild", 3.0),
            ("heel_lift", "left", "severe", -6.5),
            ("knee_valgus", "right", "mild", 8.0),
        ),
    )
    repo.save_assessment(store, cid, record)
    result = repo.client_assessments(store, cid)[0].results[0]
    machine = reviewed_result(result)
    assert not machine.reviewed and machine.route == "mobility"
    assert [(f.code, f.side, f.severity, f.reps, f.value) for f in machine.findings] == [
        ("heel_lift", "left", "severe", 2, 6.5),
        ("knee_valgus", "right", "mild", 1, 8.0),
    ]

    repo.save_review(
        store,
        result.id,
        route="stability",
        reviewer="Dr Who",
        notes="Heel lift was the shoe.",
        decisions=[
            repo.FindingDecision("heel_lift", "left", "removed"),
            repo.FindingDecision("knee_valgus", "right", "confirmed"),
            repo.FindingDecision(
                "asymmetric_shift", "none", "added", severity="mild", note="shifts right"
            ),
        ],
    )
    result = repo.client_assessments(store, cid)[0].results[0]
    reviewed = reviewed_result(result)
    assert result.record == record  # the machine record is untouched
    assert (reviewed.machine_route, reviewed.route, reviewed.route_changed) == (
        "mobility",
        "stability",
        True,
    )
    assert [(f.code, f.decision) for f in reviewed.findings] == [
        ("heel_lift", "removed"),
        ("knee_valgus", "confirmed"),
        ("asymmetric_shift", "added"),
    ]
    assert [f.label for f in reviewed.kept] == ["Knee valgus (right)", "Asymmetric shift"]
    assert reviewed.notes == "Heel lift was the shoe." and reviewed.reviewer == "Dr Who"

    # A second review replaces the first as the one that counts; both are kept.
    repo.save_review(store, result.id, route="mobility", decisions=[])
    result = repo.client_assessments(store, cid)[0].results[0]
    assert len(result.reviews) == 2
    assert reviewed_result(result).route == "mobility"
    assert apply_review(result.record, result.reviews[0]).route == "stability"


def test_review_rejects_unknown_route_decision_or_finding(store):
    cid = repo.create_client(store, "Ada")
    repo.save_assessment(store, cid, make_record())
    rid = repo.client_assessments(store, cid)[0].results[0].id
    with pytest.raises(StoreError, match="unknown route 'rest'"):
        repo.save_review(store, rid, route="rest", decisions=[])
    with pytest.raises(StoreError, match="unknown decision"):
        repo.save_review(
            store, rid, route="pain", decisions=[repo.FindingDecision("heel_lift", "left", "maybe")]
        )
    with pytest.raises(StoreError, match="unknown finding 'bad_knees'"):
        repo.save_review(
            store, rid, route="pain", decisions=[repo.FindingDecision("bad_knees", "left", "added")]
        )
    with pytest.raises(StoreError, match="no result number 999"):
        repo.save_review(store, 999, route="pain", decisions=[])


# ---------------------------------------------------------------- erasure


def test_delete_client_erases_everything_of_theirs_and_only_theirs(store, tmp_path: Path):
    keep = repo.create_client(store, "Kept Person")
    gone = repo.create_client(store, "Zebedee Quarrington", reference="ZQ-42")
    video = tmp_path / "own.mp4"  # a file of the user's that the store refers to
    video.write_bytes(b"video bytes")
    kept = repo.keep_clip(store, gone, b"kept video bytes")
    assert Path(kept).read_bytes() == b"kept video bytes"
    assert Path(kept).stat().st_mode & 0o777 == 0o600
    assert Path(kept).parent.parent.stat().st_mode & 0o777 == 0o700
    repo.save_assessment(store, keep, make_record())
    aid = repo.save_assessment(
        store,
        gone,
        make_record(),
        notes="Quarrington's notes",
        clips=[
            repo.ClipInput("view", "front", kept),
            repo.ClipInput("view", "side_left", str(video)),
        ],
    )
    rid = repo.get_assessment(store, aid).results[0].id
    repo.save_review(
        store,
        rid,
        route="pain",
        notes="Quarrington review",
        decisions=[repo.FindingDecision("heel_lift", "left", "removed")],
    )

    erased = repo.delete_client(store, gone)

    assert erased == repo.Erasure(
        name="Zebedee Quarrington", assessments=1, files_deleted=1, files_left=[str(video)]
    )
    assert not Path(kept).exists() and video.exists()  # the user's own file is not ours
    path = tmp_path / "clinic" / "clinic.sqlite3"
    assert {t: _count(path, t) for t in TABLES} == {
        "clients": 1,
        "assessments": 1,
        "results": 1,
        "clips": 0,
        "reviews": 0,
        "review_findings": 0,
    }
    for f in path.parent.glob("clinic.sqlite3*"):  # overwritten, not just unlinked
        assert b"Quarrington" not in f.read_bytes(), f
    assert [c.name for c in repo.find_clients(store)] == ["Kept Person"]
    with pytest.raises(StoreError, match="no client number"):
        repo.delete_client(store, gone)


# ---------------------------------------------------------------- several processes

_WRITER = textwrap.dedent("""
    import sys
    from screening.clinic import open_store
    from screening.clinic import repository as repo
    from tests.test_store import make_record

    url, client, count, tag = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    with open_store(url) as store:
        for i in range(count):
            repo.save_assessment(store, client, make_record(), notes=f"{tag}-{i}",
                                 clips=[repo.ClipInput("view", "front"),
                                        repo.ClipInput("view", "side_left")])
    print("done", flush=True)
""")


def _python(code: str, *args: str, **kw) -> subprocess.Popen[str]:
    root = Path(__file__).resolve().parent.parent
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=root,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kw,
    )


def _assert_consistent(path: Path) -> int:
    """Integrity check passes and every assessment is whole: one result, two clips."""
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        partial = conn.execute("""
            SELECT a.id FROM assessments a
            WHERE (SELECT count(*) FROM results r WHERE r.assessment_id = a.id) != 1
               OR (SELECT count(*) FROM clips c WHERE c.assessment_id = a.id) != 2
        """).fetchall()
        assert partial == []
        return conn.execute("SELECT count(*) FROM assessments").fetchone()[0]


def test_two_processes_saving_at_once_both_land(db_url: str, tmp_path: Path):
    with open_store(db_url) as s:
        cid = repo.create_client(s, "Shared Client")
    writers = [_python(_WRITER, db_url, str(cid), "40", tag) for tag in ("a", "b")]
    outputs = [w.communicate(timeout=300) for w in writers]
    for w, (out, err) in zip(writers, outputs, strict=True):
        assert w.returncode == 0, err
        assert out.strip() == "done"
    path = tmp_path / "clinic" / "clinic.sqlite3"
    assert _assert_consistent(path) == 80
    with sqlite3.connect(path) as conn:
        notes = {n for (n,) in conn.execute("SELECT notes FROM assessments")}
    assert notes == {f"{t}-{i}" for t in "ab" for i in range(40)}


_STALLING_WRITER = textwrap.dedent("""
    import sys, time
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    from screening.clinic import open_store
    from screening.clinic import repository as repo
    from tests.test_store import make_record

    url, client = sys.argv[1], int(sys.argv[2])
    store = open_store(url)
    repo.save_assessment(store, client, make_record(), notes="committed",
                         clips=[repo.ClipInput("view", "front"),
                                repo.ClipInput("view", "side_left")])

    @event.listens_for(Session, "after_flush")
    def stall(session, context):
        # The assessment row is written inside the open transaction, its clips not yet.
        print("mid-write", flush=True)
        time.sleep(120)

    repo.save_assessment(store, client, make_record(), notes="interrupted",
                         clips=[repo.ClipInput("view", "front"),
                                repo.ClipInput("view", "side_left")])
""")


def kill_in_the_middle_of_a_save(url: str, client: int) -> None:
    """One assessment committed, then the writer killed while its second is half written."""
    child = _python(_STALLING_WRITER, url, str(client))
    try:
        assert child.stdout.readline().strip() == "mid-write", child.stderr.read()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)


def test_process_killed_in_the_middle_of_a_save_leaves_no_half_assessment(
    db_url: str, tmp_path: Path
):
    with open_store(db_url) as s:
        cid = repo.create_client(s, "Client")
    kill_in_the_middle_of_a_save(db_url, cid)
    path = tmp_path / "clinic" / "clinic.sqlite3"
    assert _assert_consistent(path) == 1
    with open_store(db_url) as s:  # the store opens and writes as usual afterwards
        [a] = repo.client_assessments(s, cid)
        assert a.notes == "committed"
        repo.save_assessment(
            s,
            cid,
            make_record(),
            clips=[repo.ClipInput("view", "front"), repo.ClipInput("view", "side_left")],
        )
    assert _assert_consistent(path) == 2


def test_kills_at_random_moments_of_a_busy_writer_never_corrupt(db_url: str, tmp_path: Path):
    import random
    import time

    with open_store(db_url) as s:
        cid = repo.create_client(s, "Client")
    path = tmp_path / "clinic" / "clinic.sqlite3"
    rng = random.Random(7)
    before = 0
    for _ in range(4):
        child = _python(_WRITER, db_url, str(cid), "100000", "busy")
        while _assert_consistent(path) == before:  # wait until it is saving...
            assert child.poll() is None, child.stderr.read()
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.3))  # ...then kill it at a random point of its work
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        after = _assert_consistent(path)
        assert after > before
        before = after
