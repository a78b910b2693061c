"""The screen on real recordings of real people, against a physiotherapist's labels.

../shared/real_videos holds 36 real clips (never copied into the project) and LABELS.json:
for each, the movement, view, reps and, per check, present / absent / unclear as a careful
physiotherapist sees it in the frames. They are mostly side views with few faults, so they
guard against confident wrong answers more than they measure recall. The test skips when
the folder is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from screening.batch.evaluation import evaluate, load_labels, summary

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real_videos"
LABELS = REAL / "LABELS.json"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LABELS.exists(), reason=f"no real recordings at {REAL}"),
]


@pytest.fixture(scope="module")
def report():
    from screening.core.settings import load_settings
    from screening.pose.model_file import resolve_model

    labels = load_labels(REAL, None)
    outcomes = evaluate(
        REAL, labels, resolve_model(), load_settings(), workers=min(2, os.cpu_count() or 1)
    )
    return summary(outcomes)


def test_every_real_clip_is_scored(report):
    assert report["clips"] == 36
    assert report["failed"] == []


def test_faults_the_physiotherapist_sees_are_found_or_called_borderline(report):
    """Of the 7 faults labelled present, 6 are forward leans the side view can judge (the
    seventh is filmed at 45 degrees, where the trunk check is not assessable). Two of them
    read within a degree or two of the 15-degree line, inside their own jitter, and are
    honestly borderline; none may be called clean."""
    assert report["present"] == 7
    missed = [
        (c["name"], c["faults"], c["found"], c["borderline"])
        for c in report["per_clip"]
        if set(c["faults"]) - set(c["found"]) - set(c["borderline"])
    ]
    assert report["present_found"] >= 4, missed
    assert report["present_found"] + report["present_borderline"] >= 6, missed


def test_few_findings_where_the_physiotherapist_sees_none(report):
    wrong = [
        (c["name"], c["found"], c["severity_found"])
        for c in report["per_clip"]
        if set(c["absent"]) & set(c["found"])
    ]
    assert report["absent_flagged"] <= 1, wrong


def test_no_fault_labelled_absent_is_reported_as_moderate_or_worse(report):
    assert report["absent_flagged_moderate"] == []


def test_views_and_movements_mostly_right(report):
    assert report["view_accuracy"] >= 0.9
    assert report["movement_accuracy"] >= 0.85


def test_a_movement_the_screen_does_not_judge_is_named_not_scored(report):
    """The side lunge (labelled "other") is said to be one, and gets no finding."""
    assert report["other_movements_named"] == report["other_movements"] != []
    for clip in report["per_clip"]:
        if clip["movement"] == "other":
            assert clip["found"] == [], clip
