"""Clinic: a client's progress over sessions: each key measure and the route over time."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.clinic_common import CLIENT_PAGE, clinic_sidebar, clinic_store, need_client, plain
from screening.store.progress import (
    ROUTE_LEVEL,
    measure_series,
    progress_rows,
    route_series,
)
from screening.store.repository import client_assessments, get_client
from screening.words import ROUTE_WORDS, check_name

MEASURE_WORDS = {"hip_drop_fraction": "Squat depth (hip drop, fraction of leg length)"}


def _measure_title(name: str) -> str:
    if name in MEASURE_WORDS:
        return MEASURE_WORDS[name]
    code, _, units = name.rpartition("_")
    return f"{check_name(code)} ({units.replace('deg', 'degrees')})"


def _route_chart(rows: list[dict]) -> alt.Chart:
    data = pd.DataFrame(route_series(rows))
    data["route_words"] = [ROUTE_WORDS[r][0] if r in ROUTE_WORDS else "-" for r in data["route"]]
    labels = " : ".join(f"datum.value == {level} ? '{ROUTE_WORDS[route][0]}'"
                        for route, level in ROUTE_LEVEL.items()) + " : ''"
    return alt.Chart(data).mark_line(point=True, interpolate="step-after").encode(
        x=alt.X("date:T", title="Session"),
        y=alt.Y("level:Q", title=None, scale=alt.Scale(domain=[0, 3]),
                axis=alt.Axis(values=list(ROUTE_LEVEL.values()), labelExpr=labels)),
        color=alt.Color("movement:N", title="Movement"),
        tooltip=[alt.Tooltip("date:T", title="Date"), alt.Tooltip("route_words:N",
                                                                  title="Route")])


def _measure_chart(points: pd.DataFrame, name: str) -> alt.Chart:
    return alt.Chart(points, title=_measure_title(name)).mark_line(point=True).encode(
        x=alt.X("date:T", title="Session"), y=alt.Y("value:Q", title=None),
        color=alt.Color("movement:N", title="Movement"),
        tooltip=[alt.Tooltip("date:T", title="Date"), alt.Tooltip("value:Q", title="Value")])


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
    st.caption("Each measure averaged over the reps of a session; lower is better except "
               "for depth.")
    points = pd.DataFrame(measure_series(rows))
    for name in sorted(points["measure"].unique()) if len(points) else []:
        st.altair_chart(_measure_chart(points[points["measure"] == name], name),
                        width="stretch")
    st.subheader("Sessions")
    st.dataframe(pd.DataFrame([{
        "Date": r["date"], "Movement": check_name(r["movement"] or "-"),
        "Screen's FMS": r["machine_fms"], "FMS": r["fms"],
        "Screen's route": r["machine_route"], "Route": r["route"],
        "Findings": r["findings"]} for r in rows]), hide_index=True)
    st.page_link(CLIENT_PAGE, label="Back to the client", icon=":material/person:")


main()
