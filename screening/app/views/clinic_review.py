"""Clinic: the therapist reviews a result: confirms, removes or adds findings, changes the
route. The machine's result stays as it was, shown beside the review."""

from __future__ import annotations

import streamlit as st

from screening.app.clinic_common import (
    ASSESSMENT_KEY,
    CLIENT_PAGE,
    CLINIC_NAME_KEY,
    THERAPIST_KEY,
    clinic_sidebar,
    clinic_store,
    plain,
)
from screening.clinic import StoreError
from screening.clinic.exports import assessment_pdf
from screening.clinic.repository import get_assessment, save_review
from screening.clinic.review import (
    FindingSummary,
    ReviewedResult,
    machine_findings,
    review_decisions,
    reviewed_result,
)
from screening.clinic.tables import Result
from screening.core.codes import Check
from screening.core.wording import ROUTE_WORDS, check_name
from screening.decide.programs import ROUTES

SIDES = ("both", "left", "right", "none")
SEVERITIES = ("mild", "moderate", "severe")
DECISION_WORDS = {
    "machine": "not reviewed",
    "confirmed": "confirmed",
    "removed": "removed",
    "added": "added by the therapist",
}


def _finding_line(f: FindingSummary) -> str:
    measure = f", up to {f.value:.1f} {f.units}" if f.value is not None else ""
    reps = f" in {f.reps} rep{'s' if f.reps != 1 else ''}" if f.reps else ""
    return f"{f.label}: {f.severity or '-'}{measure}{reps}"


def _side_by_side(r: ReviewedResult) -> None:
    machine, review = st.columns(2)
    with machine:
        st.subheader("The screen found")
        st.markdown(f"**{ROUTE_WORDS[r.machine_route][0] if r.machine_route else 'No route'}**")
        found = [f for f in r.findings if f.decision != "added"]
        for f in found:
            st.markdown(f"- {_finding_line(f)}")
        if not found:
            st.write("No compensation.")
    with review:
        st.subheader("Your review")
        if not r.reviewed:
            st.write("Not reviewed yet.")
            return
        st.markdown(
            f"**{ROUTE_WORDS[r.route][0] if r.route else 'No route'}**"
            + (" (changed)" if r.route_changed else "")
        )
        for f in r.findings:
            st.markdown(f"- {f.label}: {DECISION_WORDS[f.decision]}")
        if r.notes:
            st.caption(plain(r.notes))


def _review_form(result: Result, current: ReviewedResult) -> None:
    st.subheader("Review")
    machine = machine_findings(result.record)
    previous = {f.key: f.decision for f in current.findings}
    removed = set()
    for f in machine:
        choice = st.radio(
            _finding_line(f),
            ["Confirm", "Remove"],
            horizontal=True,
            index=1 if previous.get(f.key) == "removed" else 0,
            key=f"review.{result.id}.{f.code}.{f.side}",
        )
        if choice == "Remove":
            removed.add(f.key)
    seen = {f.code for f in machine}
    had = [f for f in current.findings if f.decision == "added"]
    codes = st.multiselect(
        "Add findings the screen did not report",
        [c.value for c in Check if c.value not in seen],
        default=[f.code for f in had],
        format_func=check_name,
        key=f"review.{result.id}.added",
    )
    added = []
    for code in codes:
        before = next((f for f in had if f.code == code), None)
        side_col, severity_col = st.columns(2)
        side = side_col.selectbox(
            f"{check_name(code)}: side",
            SIDES,
            index=SIDES.index(before.side) if before else 0,
            key=f"review.{result.id}.{code}.side",
        )
        severity = severity_col.selectbox(
            f"{check_name(code)}: severity",
            SEVERITIES,
            index=SEVERITIES.index(before.severity) if before and before.severity else 0,
            key=f"review.{result.id}.{code}.severity",
        )
        added.append((code, side, severity))
    route = st.selectbox(
        "Route",
        ROUTES,
        index=ROUTES.index(current.route or "conditioning"),
        format_func=lambda r: ROUTE_WORDS[r][0],
        key=f"review.{result.id}.route",
    )
    notes = st.text_area(
        "Notes (printed on the report)", value=current.notes, key=f"review.{result.id}.notes"
    )
    if st.button("Save review", type="primary", key=f"review.{result.id}.save"):
        try:
            save_review(
                clinic_store(),
                result.id,
                route=route,
                notes=notes,
                decisions=review_decisions(machine, removed, added),
                reviewer=st.session_state.get(THERAPIST_KEY, ""),
            )
        except StoreError as exc:
            st.error(f"The review was not saved: {exc}.")
            return
        st.session_state["clinic.review_saved"] = True
        st.rerun()


def _report(assessment_id: int) -> None:
    st.subheader("Report")
    key = f"clinic.pdf.{assessment_id}"
    if st.button("Make the PDF report", key=f"{key}.make"):
        with st.spinner("Drawing the report..."):
            st.session_state[key] = assessment_pdf(
                clinic_store(),
                assessment_id,
                clinic_name=st.session_state.get(CLINIC_NAME_KEY) or None,
            )
    if key in st.session_state:
        st.download_button(
            "Download the PDF report",
            st.session_state[key],
            file_name=f"report-{assessment_id}.pdf",
            mime="application/pdf",
            key=f"{key}.download",
        )


def main() -> None:
    clinic_sidebar()
    assessment_id = st.session_state.get(ASSESSMENT_KEY)
    if assessment_id is None:
        st.info("Choose an assessment to review from a client's history.")
        st.page_link(CLIENT_PAGE, label="Client history", icon=":material/person:")
        return
    try:
        a = get_assessment(clinic_store(), assessment_id)
    except StoreError as exc:
        st.error(str(exc))
        return
    st.title(f"Review: {plain(a.client.name)}")
    st.caption(f"Assessment of {a.performed_on.isoformat()}")
    if st.session_state.pop("clinic.review_saved", False):
        st.success("Review saved. The screen's original result is kept beside it.")
    for result in a.results:
        current = reviewed_result(result)
        _side_by_side(current)
        if result.record.get("ok"):
            _review_form(result, current)
    if a.notes:
        st.caption("Assessment notes: " + plain(a.notes))
    _report(a.id)
    st.page_link(CLIENT_PAGE, label="Back to the client's history", icon=":material/person:")


main()
