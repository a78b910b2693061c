"""Clinic: a client's progress over sessions: each key measure and the route over time."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from screening.app.clinic_common import (
    CLIENT_PAGE,
    clinic_sidebar,
    clinic_store,
    need_client,
    plain,
)
from screening.clinic.progress import (
    ROUTE_LEVEL,
    measure_series,
    progress_rows,
    route_series,
)
from screening.clinic.repository import client_assessments, get_client
from screening.core.settings import load_settings
from screening.core.wording import ROUTE_WORDS, check_name

MEASURE_WORDS = {"hip_drop_fraction": "Squat depth (hip drop, fraction of leg length)"}
DATE_FORMAT = "%d %b %Y"
"""Dates read at a glance, with month and year ('05 Dec 2026'), on axes and in the table."""
SESSION_AXIS = alt.X("date:T", title="Session", axis=alt.Axis(format=DATE_FORMAT))
DATE_TIP = alt.Tooltip("date:T", title="Date", format=DATE_FORMAT)


def _threshold(name: str) -> float | None:
    """Where the screen starts to call this measure a fault (its mild cut-off)."""
    code = name.rpartition("_")[0]
    cfg = load_settings().checks.get(code)
    return None if cfg is None else float(cfg.mild)


def _measure_title(name: str) -> str:
    if name in MEASURE_WORDS:
        return MEASURE_WORDS[name]
    code, _, units = name.rpartition("_")
    return f"{check_name(code)} ({units.replace('deg', 'degrees')})"


def _route_words(route: str | None) -> str:
    return ROUTE_WORDS[route][0] if route in ROUTE_WORDS else "-"


def _route_chart(rows: list[dict]) -> alt.Chart:
    data = pd.DataFrame(route_series(rows))
    data["route_words"] = [ROUTE_WORDS[r][0] if r in ROUTE_WORDS else "-" for r in data["route"]]
    labels = (
        " : ".join(
            f"datum.value == {level} ? '{ROUTE_WORDS[route][0]}'"
            for route, level in ROUTE_LEVEL.items()
        )
        + " : ''"
    )
    return (
        alt.Chart(data)
        .mark_line(point=True, interpolate="step-after")
        .encode(
            x=SESSION_AXIS,
            y=alt.Y(
                "level:Q",
                title=None,
                scale=alt.Scale(domain=[0, 3]),
                axis=alt.Axis(values=list(ROUTE_LEVEL.values()), labelExpr=labels),
            ),
            color=alt.Color("movement:N", title="Movement"),
            tooltip=[DATE_TIP, alt.Tooltip("route_words:N", title="Route")],
        )
    )


def _measure_chart(points: pd.DataFrame, name: str) -> alt.Chart | alt.LayerChart:
    """The measure over sessions, with a dashed line where it becomes a fault."""
    line = (
        alt.Chart(points, title=_measure_title(name))
        .mark_line(point=True)
        .encode(
            x=SESSION_AXIS,
            y=alt.Y("value:Q", title=None),
            color=alt.Color("movement:N", title="Movement"),
            tooltip=[DATE_TIP, alt.Tooltip("value:Q", title="Value", format=".1f")],
        )
    )
    threshold = _threshold(name)
    if threshold is None:
        return line
    rule = (
        alt.Chart(pd.DataFrame({"threshold": [threshold]}))
        .mark_rule(strokeDash=[6, 4], color="grey")
        .encode(y="threshold:Q", tooltip=[alt.Tooltip("threshold:Q", title="Fault from")])
    )
    return line + rule


def main() -> None:
    clinic_sidebar()
    client_id = need_client()
    client = get_client(clinic_store(), client_id)
    st.title(f"Progress: {plain(client.name)}")
    rows = progress_rows(client_assessments(clinic_store(), client_id))
    if not rows:
        st.info("No assessments yet.")
        st.page_link(CLIENT_PAGE, label="Back to the client", icon=":material/person:")
        return
    if len(rows) == 1:
        st.info("One session so far: the charts show change from the second one on.")
    st.subheader("Route over time")
    st.caption("The route that counts: the therapist's where the result was reviewed.")
    st.altair_chart(_route_chart(rows), width="stretch")
    st.subheader("Key measures")
    st.caption(
        "Each measure averaged over the reps of a session; lower is better except "
        "for depth. The dashed line is where the screen starts to call it a fault."
    )
    points = pd.DataFrame(measure_series(rows))
    for name in sorted(points["measure"].unique()) if len(points) else []:
        st.altair_chart(_measure_chart(points[points["measure"] == name], name), width="stretch")
    st.subheader("Sessions")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Date": r["date"].strftime(DATE_FORMAT),
                    "Movement": check_name(r["movement"] or "-"),
                    "Screen's FMS": r["machine_fms"],
                    "FMS": r["fms"],
                    "Screen's route": _route_words(r["machine_route"]),
                    "Route": _route_words(r["route"]),
                    "Findings": r["findings"],
                }
                for r in rows
            ]
        ),
        hide_index=True,
    )
    st.page_link(CLIENT_PAGE, label="Back to the client", icon=":material/person:")


main()
