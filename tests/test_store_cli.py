"""`screening score ... --client NAME [--db URL]` saves batch results in the clinic store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from screening.clinic import open_store
from screening.clinic import repository as repo

from .media import sample_clip


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screening", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.slow
def test_scored_clip_is_saved_for_the_client_and_failures_are_not(tmp_path: Path):
    clip, label = sample_clip(movement="deep_squat", view="side_left")
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"this is not a video")
    db = tmp_path / "clinic.sqlite3"
    # The database comes from the environment when --db is not given.
    result = _run(
        "score",
        str(clip),
        str(broken),
        "--client",
        "Ada Lovelace",
        "--out",
        str(tmp_path / "r.jsonl"),
        env={"SCREENING_DB_URL": f"sqlite:///{db}"},
    )
    assert result.returncode == 1, result.stderr  # one video failed
    assert f"saved 1 assessment of Ada Lovelace in sqlite:///{db}" in result.stderr
    written = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    good = next(r for r in written if r["ok"])
    with open_store(f"sqlite:///{db}") as store:
        [client] = repo.find_clients(store, "ada")
        [assessment] = repo.client_assessments(store, client.id)
    [stored] = assessment.results
    assert stored.record == good  # the same record as the --out file
    assert stored.movement == label["movement"] == "deep_squat"
    assert [(c.kind, c.view, c.file_ref) for c in assessment.clips] == [
        ("view", label["view"], str(clip.resolve()))
    ]
    assert db.stat().st_mode & 0o777 == 0o600


@pytest.mark.slow
def test_same_person_views_make_one_assessment_with_both_clips(tmp_path: Path):
    front, _ = sample_clip(movement="deep_squat", view="front")
    side, _ = sample_clip(movement="deep_squat", view="side_left")
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    with open_store(url) as store:  # an existing client is found by name, not duplicated
        known = repo.create_client(store, "Grace Hopper", reference="GH-1")
    result = _run(
        "score", str(front), str(side), "--same-person", "--db", url, "--client", "grace hopper"
    )
    assert result.returncode == 0, result.stderr
    with open_store(url) as store:
        [client] = repo.find_clients(store)
        [assessment] = repo.client_assessments(store, client.id)
    assert (client.id, client.reference) == (known, "GH-1")
    assert [(c.view, c.file_ref) for c in assessment.clips] == [
        ("front", str(front.resolve())),
        ("side_left", str(side.resolve())),
    ]
    assert assessment.results[0].record["view"] == "front+side_left"


def test_db_without_client_is_a_usage_error(tmp_path: Path):
    clip, _ = sample_clip()
    result = _run("score", str(clip), "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "screening: error: --db is the clinic database for --client NAME: give --client too"
    )
    assert not (tmp_path / "x.sqlite3").exists()


def test_bad_database_url_is_one_line_before_any_scoring():
    clip, _ = sample_clip()
    result = _run("score", str(clip), "--db", "not a url", "--client", "Ada")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "screening: error: 'not a url' is not a database URL (try "
        "sqlite:///path/clinic.sqlite3 or postgresql+psycopg://user@host/clinic)"
    ]
    assert result.stdout == ""


def test_help_explains_client_and_db():
    result = _run("score", "--help")
    text = " ".join(result.stdout.split())
    assert "--client NAME also save each result as an assessment of this client" in text
    assert "--db URL the clinic database for --client" in text
    assert "$SCREENING_DB_URL" in text
