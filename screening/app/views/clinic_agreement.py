"""Clinic: how well the screen agrees with the therapists' reviews, per check and route."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from screening.app.clinic_common import (
    ASSESSMENT_KEY,
    REVIEW_PAGE,
    clinic_sidebar,
    clinic_store,
)
from screening.clinic.agreement import (
    ROUTE,
    Agreement,
    Pair,
    disagreements,
    in_period,
    judged_pairs,
    kappa_text,
    summarise,
    to_csv,
    to_pdf,
)
from screening.clinic.repository import all_assessments
from screening.core.wording import ROUTE_WORDS, check_name

VIEWS = {
    "Every view": None,
    "From the front": "front",
    "From the left side": "side_left",
    "From the right side": "side_right",
    "At 45 degrees": "oblique",
}


def _name(what: str) -> str:
    return "Route" if what == ROUTE else check_name(what)


def _table(rows: list[Agreement]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Check": _name(a.what),
                "Reviewed": a.pairs,
                "Agreement": f"{a.percent:.0f}%" if a.percent is not None else "-",
                "Confirmed": a.confirmed if a.what != ROUTE else None,
                "Rejected": a.rejected if a.what != ROUTE else None,
                "Added": a.added if a.what != ROUTE else None,
                "Cohen's kappa (95% CI)": kappa_text(a),
            }
            for a in rows
        ]
    )


def _said(what: str, answer: str) -> str:
    if what == ROUTE:
        return ROUTE_WORDS[answer][0] if answer in ROUTE_WORDS else answer
    return "found" if answer == "present" else "not found"


def _disagreements(pairs: list[Pair], rows: list[Agreement]) -> None:
    st.subheader("Where they differ")
    choices = [a.what for a in rows if a.agreed < a.pairs]
    if not choices:
        st.caption("The screen and the therapists agreed on every reviewed result.")
        return
    what = st.selectbox("Check", choices, format_func=_name, key="clinic.agreement.what")
    for p in disagreements(pairs, what):
        left, right = st.columns([4, 1])
        left.write(
            f"{p.performed_on:%d %b %Y}: the screen said {_said(what, p.machine)}, "
            f"the therapist {_said(what, p.therapist)}"
        )
        if right.button("Open", key=f"clinic.agreement.open.{what}.{p.assessment_id}"):
            st.session_state[ASSESSMENT_KEY] = p.assessment_id
            st.switch_page(REVIEW_PAGE)


def main() -> None:
    clinic_sidebar()
    st.title("Agreement with the therapists")
    st.caption(
        "Each reviewed result is a label: for every check the screen could judge, did the "
        "therapist keep its answer? Kappa is agreement beyond chance (1 perfect, 0 no better "
        "than chance); with few reviews its interval is wide."
    )
    today = date.today()
    since, until = st.columns(2)
    start = since.date_input("From", today - timedelta(days=365), key="clinic.agreement.from")
    end = until.date_input("To", today, key="clinic.agreement.to")
    view = VIEWS[st.selectbox("Filmed", list(VIEWS), key="clinic.agreement.view")]
    assessments = in_period(all_assessments(clinic_store()), start, end)
    pairs = [p for p in judged_pairs(assessments) if view is None or p.view == view]
    rows = summarise(pairs)
    if not rows:
        st.info("No reviewed results in this period yet. Review results from a client's history.")
        return
    st.dataframe(_table(rows), hide_index=True, use_container_width=True)
    csv_col, pdf_col = st.columns(2)
    csv_col.download_button(
        "Agreement (CSV)",
        data=to_csv(rows),
        file_name=f"agreement-{start}-{end}.csv",
        mime="text/csv",
        on_click="ignore",
    )
    chosen = next(name for name, v in VIEWS.items() if v == view).lower()
    pdf_col.download_button(
        "Agreement (PDF)",
        data=lambda: to_pdf(rows, f"from {start:%d %b %Y} to {end:%d %b %Y}", chosen),
        file_name=f"agreement-{start}-{end}.pdf",
        mime="application/pdf",
        on_click="ignore",
    )
    _disagreements(pairs, rows)


main()
