"""设置 Settings: units, indicators, benchmark pairs, composite weights, reward rules, events,
data-quality rules."""

from collections.abc import Callable

import streamlit as st

from bxgc_metrics.errors import BxgcError
from bxgc_metrics.metrics.quality import load_default_quality_rules, validate_quality_rules
from bxgc_metrics.metrics.rewards import load_default_rules
from bxgc_metrics.tables.reporting import CONTACT_COLUMNS
from bxgc_ui import auth, data, widgets
from bxgc_ui.views import settings as view
from bxgc_ui.views.settings import t
from bxgc_ui.widgets import refused

path, version = data.snapshot()
store = auth.writer()
units, indicators = data.units(path, version), data.indicators(path, version)
st.title(t("set_title"))
editable = auth.need("settings")  # says at the top who may change settings
rows = "dynamic" if editable else "fixed"  # for readers every table is locked
tabs = st.tabs(
    [
        t("set_units"),
        t("set_indicators"),
        t("set_pairs"),
        t("set_weights"),
        t("set_rules"),
        t("events"),
        t("set_quality_rules"),
    ]
)


def save(action: Callable[..., object], *args: object, **kwargs: object) -> None:
    """Run one store write (the store checks the role) and say how it went."""
    try:
        action(*args, **kwargs)
    except BxgcError as exc:
        refused(exc)
    else:
        st.success(t("set_saved"))


with tabs[0]:
    st.caption(t("set_units_help"))
    shown = view.unit_rows(units)
    if not auth.can("contacts"):  # the reporting contacts' names and phones: not for everyone
        shown = shown.drop(columns=list(CONTACT_COLUMNS), errors="ignore")
    edited = widgets.editor(
        st,
        shown,
        num_rows=rows,
        disabled=not editable,
        hide_index=True,
        column_config=view.unit_columns(),
        key="set_units_editor",
    )
    if editable and st.button(t("set_save"), key="set_units_save"):
        save(store.upsert_units, view.from_editor(edited).dropna(subset=["code", "name_zh"]))

with tabs[1]:
    st.caption(t("set_indicators_help"))
    edited = widgets.editor(
        st,
        view.indicator_rows(indicators),
        num_rows=rows,
        disabled=not editable,
        hide_index=True,
        column_config=view.indicator_columns(),
        key="set_ind_editor",
    )
    if editable and st.button(t("set_save"), key="set_ind_save"):
        save(store.upsert_indicators, view.from_editor(edited).dropna(subset=["code", "name_zh"]))

with tabs[2]:
    pairs = data.table(path, version, "benchmark_pairs")
    edited = widgets.editor(
        st,
        view.for_every(view.editable(pairs.drop(columns=["id"]))),
        num_rows=rows,
        disabled=not editable,
        hide_index=True,
        column_config=view.pair_columns(units, indicators),
        key="set_pairs_editor",
    )
    if editable and st.button(t("set_save"), key="set_pairs_save"):
        pairs_out = view.from_editor(edited).dropna(subset=["chaser_code"])
        save(store.replace_table, "benchmark_pairs", pairs_out)

with tabs[3]:
    st.caption(t("set_weights_help"))
    frame = view.weights_table(indicators, data.setting(path, version, "composite_weights"))
    edited = widgets.editor(
        st,
        frame,
        hide_index=True,
        disabled=["code", "name"] if editable else True,
        column_config=view.weights_columns(),
        key="set_weights_editor",
    )
    if editable and st.button(t("set_save"), key="set_weights_save"):
        save(
            store.save_setting,
            "composite_weights",
            dict(zip(edited["code"], edited["weight"].astype(float), strict=True)),
        )

with tabs[4]:
    st.caption(t("set_rules_help"))
    rules = data.reward_rules(path, version)
    shown = view.editable(load_default_rules() if rules is None else rules)
    edited = widgets.editor(
        st,
        shown,
        num_rows=rows,
        disabled=not editable,
        hide_index=True,
        column_config=view.rule_columns(list(shown.columns)),
        key="set_rules_editor",
    )
    left, right = st.columns(2)
    if editable and left.button(t("set_save"), key="set_rules_save"):
        save(store.save_reward_rules, view.from_editor(edited).dropna(subset=["rule_id"]))
    if editable and right.button(t("set_reset_rules"), key="set_rules_reset"):
        save(store.save_reward_rules, load_default_rules())

with tabs[5]:  # analysts keep the events; the editor restarts once the data changes
    st.caption(t("set_events_help"))
    may_edit = auth.need("edit_events")  # analysts and admins; others read
    events = data.events(path, version)
    edited = widgets.editor(
        st,
        view.event_rows(events),
        num_rows="dynamic" if may_edit else "fixed",
        disabled=["created_by"] if may_edit else True,
        hide_index=True,
        column_config=view.event_columns(units, indicators),
        key=f"set_events_editor_{version}",
    )
    if may_edit and st.button(t("set_save"), key="set_events_save"):
        save(store.save_events, **view.event_changes(events, edited))

with tabs[6]:
    st.caption(t("set_quality_rules_help"))
    stored = data.quality_rules(path, version)
    shown = view.editable(load_default_quality_rules() if stored is None else stored)
    edited = widgets.editor(
        st,
        shown,
        num_rows=rows,
        disabled=not editable,
        hide_index=True,
        column_config=view.quality_rule_columns(shown, indicators),
        key="set_quality_rules_editor",
    )
    left, right = st.columns(2)
    if editable and left.button(t("set_save"), key="set_quality_rules_save"):
        codes = list(indicators["code"])
        save(
            lambda: store.save_quality_rules(validate_quality_rules(edited, indicator_codes=codes))
        )
    if editable and right.button(t("set_reset_quality_rules"), key="set_quality_rules_reset"):
        save(store.save_quality_rules, load_default_quality_rules())
