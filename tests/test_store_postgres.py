"""The clinic store on a real PostgreSQL server (`SCREENING_DB_URL` for a bigger clinic):
migrations, records and reviews, erasure by cascade, case-insensitive search, two
processes writing at once, and a process killed in the middle of a save.

The server is started by the tests themselves (tests/pgserver.py). Without PostgreSQL on
the machine these tests skip, unless SCREENING_REQUIRE_POSTGRES=1 (set by CI), when a
missing server is a failure rather than a quiet skip.
"""

from __future__ import annotations

import itertools
import os

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from screening.clinic import StoreError, open_store
from screening.clinic import repository as repo
from screening.clinic.database import _alembic_config
from screening.clinic.review import reviewed_result
from screening.clinic.tables import Base
from tests import pgserver
from tests.test_store import (
    _WRITER,
    TABLES,
    _python,
    kill_in_the_middle_of_a_save,
    make_record,
)

_names = itertools.count()


@pytest.fixture(scope="module")
def server():
    try:
        import psycopg  # noqa: F401

        srv = pgserver.start()
    except (ImportError, OSError, pgserver.PgServerError) as exc:
        if os.environ.get("SCREENING_REQUIRE_POSTGRES") == "1":
            raise
        pytest.skip(f"no PostgreSQL server to test against: {exc}")
    yield srv
    srv.stop()


@pytest.fixture
def pg_url(server) -> str:
    return server.create_database(f"clinic_{os.getpid()}_{next(_names)}")


@pytest.fixture
def store(pg_url: str):
    with open_store(pg_url) as s:
        yield s


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in sorted(TABLES)
        }
    engine.dispose()
    return counts


def _whole_assessments(url: str) -> int:
    """Every assessment has exactly one result and two clips; returns how many there are."""
    engine = create_engine(url)
    with engine.connect() as conn:
        partial = conn.execute(
            text("""
            SELECT a.id FROM assessments a
            WHERE (SELECT count(*) FROM results r WHERE r.assessment_id = a.id) != 1
               OR (SELECT count(*) FROM clips c WHERE c.assessment_id = a.id) != 2
        """)
        ).fetchall()
        total = conn.execute(text("SELECT count(*) FROM assessments")).scalar_one()
    engine.dispose()
    assert partial == []
    return total


def test_opening_migrates_and_the_migrations_match_the_models_both_ways(pg_url: str):
    with open_store(pg_url) as s:
        assert repo.find_clients(s) == []
    engine = create_engine(pg_url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO alembic_version VALUES ('9999')"))  # emptied above
    engine.dispose()
    with pytest.raises(StoreError, match="newer version of screening"):
        open_store(pg_url)


def test_search_round_trip_review_and_a_failed_save(store, pg_url: str):
    mary = repo.create_client(store, "  Mary   Shelley ", reference="MS-100")
    repo.create_client(store, "Percy Shelley")
    assert [c.name for c in repo.find_clients(store, "mary")] == ["Mary Shelley"]
    assert [c.id for c in repo.find_clients(store, "ms-1")] == [mary]
    assert repo.client_by_name(store, "MARY SHELLEY") == mary

    record = make_record(
        findings=(("heel_lift", "left", "mild", 3.0), ("knee_valgus", "right", "mild", 8.0))
    )
    repo.save_assessment(
        store,
        mary,
        record,
        pain={"knee": 2},
        notes="first visit",
        clips=[repo.ClipInput("view", "front"), repo.ClipInput("view", "side_left")],
    )
    [assessment] = repo.client_assessments(store, mary)
    result = assessment.results[0]
    assert result.record == record and assessment.pain == {"knee": 2}
    repo.save_review(
        store,
        result.id,
        route="stability",
        reviewer="Dr Who",
        decisions=[
            repo.FindingDecision("heel_lift", "left", "removed"),
            repo.FindingDecision("knee_valgus", "right", "confirmed"),
        ],
    )
    reviewed = reviewed_result(repo.client_assessments(store, mary)[0].results[0])
    assert (reviewed.machine_route, reviewed.route) == ("mobility", "stability")
    assert [f.label for f in reviewed.kept] == ["Knee valgus (right)"]

    with pytest.raises(RuntimeError), store.writing() as session:
        session.add(
            repo.Assessment(
                client_id=mary,
                performed_on=assessment.performed_on,
                pain={},
                notes="",
                therapist="",
            )
        )
        session.flush()
        raise RuntimeError("crash mid-save")
    with pytest.raises(StoreError, match="no client number 999"):
        repo.save_assessment(store, 999, make_record())
    assert _counts(pg_url)["assessments"] == 1


def test_delete_client_cascades_to_everything_of_theirs_and_only_theirs(store, pg_url: str):
    keep = repo.create_client(store, "Kept Person")
    gone = repo.create_client(store, "Zebedee Quarrington")
    repo.save_assessment(store, keep, make_record())
    aid = repo.save_assessment(
        store,
        gone,
        make_record(),
        clips=[repo.ClipInput("view", "front"), repo.ClipInput("view", "side_left")],
    )
    rid = repo.get_assessment(store, aid).results[0].id
    repo.save_review(
        store, rid, route="pain", decisions=[repo.FindingDecision("heel_lift", "left", "removed")]
    )

    erased = repo.delete_client(store, gone)

    assert (erased.name, erased.assessments) == ("Zebedee Quarrington", 1)
    assert _counts(pg_url) == {
        "clients": 1,
        "assessments": 1,
        "results": 1,
        "clips": 0,
        "reviews": 0,
        "review_findings": 0,
    }
    assert [c.name for c in repo.find_clients(store)] == ["Kept Person"]


def test_two_processes_saving_at_once_both_land(store, pg_url: str):
    cid = repo.create_client(store, "Shared Client")
    writers = [_python(_WRITER, pg_url, str(cid), "25", tag) for tag in ("a", "b")]
    for w in writers:
        out, err = w.communicate(timeout=300)
        assert w.returncode == 0, err
        assert out.strip() == "done"
    assert _whole_assessments(pg_url) == 50
    assert {a.notes for a in repo.client_assessments(store, cid)} == {
        f"{t}-{i}" for t in "ab" for i in range(25)
    }


def test_process_killed_in_the_middle_of_a_save_leaves_no_half_assessment(store, pg_url: str):
    cid = repo.create_client(store, "Client")
    kill_in_the_middle_of_a_save(pg_url, cid)
    assert _whole_assessments(pg_url) == 1
    [a] = repo.client_assessments(store, cid)
    assert a.notes == "committed"
    repo.save_assessment(
        store,
        cid,
        make_record(),
        clips=[repo.ClipInput("view", "front"), repo.ClipInput("view", "side_left")],
    )
    assert _whole_assessments(pg_url) == 2


def test_a_server_that_is_not_there_is_one_clear_line(tmp_path):
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError) as caught:
        open_store(f"postgresql+psycopg://clinic@/clinic?host={tmp_path}")
    message = str(caught.value)
    assert message.startswith("cannot open the clinic database postgresql+psycopg://")
    assert "No such file or directory" in message and "\n" not in message
