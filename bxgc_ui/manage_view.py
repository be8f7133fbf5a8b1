"""Tables and editor settings for the gaps, campaign and settings pages."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from bxgc_metrics.store import GAP_COLUMNS
from bxgc_ui import fmt
from bxgc_ui.i18n import STRINGS, lang, name, t

GAP_STATUSES = ("open", "in_progress", "done")
GAP_FIELDS = ["id", *GAP_COLUMNS]


def overdue_table(gaps: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Overdue rectification items, most overdue first."""
    rows = gaps.sort_values("days_left")
    return pd.DataFrame(
        {
            t("unit"): rows["unit_code"].map(names),
            t("col_gap"): rows["gap"],
            t("col_owner"): rows["owner"],
            t("col_deadline"): rows["deadline"].astype(str),
            t("col_days_left"): rows["days_left"],
        }
    )


def gaps_editor_frame(gaps: pd.DataFrame) -> pd.DataFrame:
    """The editable gap rows, with the overdue flag shown beside them."""
    frame = gaps[[*GAP_FIELDS, "overdue"]].copy()
    frame["deadline"] = pd.to_datetime(frame["deadline"]).dt.date
    return frame


def gaps_columns(names: dict[str, str], indicators: pd.DataFrame) -> dict:
    """Column settings: units and indicators picked by name, status from a list."""
    cc = st.column_config
    ind_codes = list(indicators["code"])
    ind_names = {r.code: name(r) for r in indicators.itertuples()}
    return {
        "id": None,
        "unit_code": cc.SelectboxColumn(
            t("unit"),
            options=list(names),
            required=True,
            format_func=lambda c: names.get(str(c), str(c)),
        ),
        "gap": cc.TextColumn(t("col_gap"), required=True, width="medium"),
        "measure": cc.TextColumn(t("col_measure"), required=True, width="large"),
        "owner": cc.TextColumn(t("col_owner")),
        "deadline": cc.DateColumn(t("col_deadline"), format="YYYY-MM-DD"),
        "status": cc.SelectboxColumn(
            t("col_status"),
            options=list(GAP_STATUSES),
            required=True,
            format_func=lambda s: t(f"gap_{s}"),
        ),
        "indicator_code": cc.SelectboxColumn(
            t("col_indicator"),
            options=ind_codes,
            format_func=lambda c: ind_names.get(str(c), str(c)),
        ),
        "promised_value": cc.NumberColumn(t("col_promised")),
        "promised_year": cc.NumberColumn(t("col_promised_year"), format="%d"),
        "overdue": cc.CheckboxColumn(t("col_overdue"), disabled=True),
    }


def gaps_from_editor(edited: pd.DataFrame) -> pd.DataFrame:
    """The editor's rows as the store's gaps table (new rows get ids from the store)."""
    rows = edited.dropna(subset=["unit_code", "gap", "measure"]).copy()
    rows["status"] = rows["status"].fillna("open")
    return rows[list(GAP_COLUMNS)]


def look_back_table(
    review: pd.DataFrame, names: dict[str, str], indicators: pd.DataFrame
) -> pd.DataFrame:
    """Each commitment beside the latest actual value."""
    ind = indicators.set_index("code")
    measure = review["indicator_code"].map(ind["measure"])
    return pd.DataFrame(
        {
            t("unit"): review["unit_code"].map(names),
            t("col_gap"): review["gap"],
            t("col_indicator"): review["indicator_code"].map(ind["name_zh"]),
            t("col_promised"): [
                fmt.amount(v, m) for v, m in zip(review["promised_value"], measure, strict=True)
            ],
            t("col_latest"): [
                fmt.amount(v, m) for v, m in zip(review["latest_value"], measure, strict=True)
            ],
            t("col_achieved"): [fmt.pct(v, signed=False) for v in review["achieved"]],
            t("col_status"): review["status"].map(lambda s: t(f"gap_{s}")),
        }
    )


def milestone_table(milestones: pd.DataFrame) -> pd.DataFrame:
    """Milestones with due date, done date, status and days late."""
    return pd.DataFrame(
        {
            t("camp_milestone"): [name(r) for r in milestones.itertuples()],
            t("camp_due"): milestones["due_date"].astype(str).str[:10],
            t("camp_done"): [str(d)[:10] if pd.notna(d) else "" for d in milestones["done_date"]],
            t("col_status"): milestones["status"].map(lambda s: t(f"ms_{s}")),
            t("camp_days_late"): milestones["days_late"],
        }
    )


def phase_table(phases: pd.DataFrame) -> pd.DataFrame:
    """Phases with their dates and status."""
    return pd.DataFrame(
        {
            t("camp_phase"): [name(r) for r in phases.itertuples()],
            t("camp_due"): phases["start_date"].astype(str).str[:10]
            + " — "
            + phases["end_date"].astype(str).str[:10],
            t("col_status"): phases["status"].map(lambda s: t(f"ph_{s}")),
        }
    )


def timeline_labels(campaign: str) -> dict:
    """Texts of the timeline chart, and how to name a phase or milestone."""
    return {
        "name": name,
        "title": t("camp_chart_title", name=campaign),
        "x": t("camp_axis"),
        "today": t("camp_today"),
        "late": t("ms_late"),
        "done": t("ms_done"),
        "date_format": "%Y年%-m月" if lang() == "zh" else "%b %Y",
    }


def latest_campaign(phases: pd.DataFrame, milestones: pd.DataFrame) -> str:
    """The campaign whose calendar reaches furthest: the one to show first."""
    dates = pd.concat(
        [
            phases.assign(at=pd.to_datetime(phases["end_date"]))[["campaign", "at"]],
            milestones.assign(at=pd.to_datetime(milestones["due_date"]))[["campaign", "at"]],
        ]
    )
    return str(dates.sort_values("at")["campaign"].iloc[-1])


def campaign_end(phases: pd.DataFrame, milestones: pd.DataFrame) -> dt.date | None:
    """The last date a campaign's phases or milestones reach."""
    dates = pd.concat([pd.to_datetime(phases["end_date"]), pd.to_datetime(milestones["due_date"])])
    return None if dates.dropna().empty else dates.max().date()


def _labels(columns: list[str], prefix: str = "fld_") -> dict:
    """Plain columns headed in the reader's language (an unknown column keeps its name)."""
    return {
        c: st.column_config.Column(t(f"{prefix}{c}") if f"{prefix}{c}" in STRINGS else c)
        for c in columns
    }


def _options(values: list[str], label: str) -> object:
    """A required drop-down whose codes read in the reader's language."""
    names = {v: t(f"opt_{v}") for v in values}
    return st.column_config.SelectboxColumn(
        label, options=values, required=True, format_func=lambda v: names.get(str(v), str(v))
    )


def unit_columns() -> dict:
    """Settings editor columns for units, headed in the reader's language."""
    cc = st.column_config
    return {
        **_labels(["code", "name_zh", "name_en", "parent_code", "peer_group", "is_demo"]),
        "kind": cc.SelectboxColumn(
            t("fld_kind_unit"), options=["街道", "乡镇", "部门", "学校", "外部标杆"], required=True
        ),
    }


def indicator_columns() -> dict:
    """Settings editor columns for indicators, headed in the reader's language."""
    return {
        **_labels(["code", "name_zh", "name_en", "measure", "allow_negative", "is_demo"]),
        "growth_of": st.column_config.Column(t("fld_growth_of")),
        "direction": _options(["higher", "lower"], t("fld_direction")),
        "kind": _options(["flow", "stock", "rate"], t("fld_kind_indicator")),
        "frequency": _options(["Y", "H", "Q", "M"], t("fld_frequency")),
    }


def weights_columns() -> dict:
    """The composite-weights editor: the code hidden, name and weight headed."""
    return {"code": None, **_labels(["name", "weight"])}


def rule_columns(columns: list[str]) -> dict:
    """The reward-rules editor, headed in the reader's language."""
    return _labels(columns, prefix="rule_")


def pair_columns(units: pd.DataFrame, indicators: pd.DataFrame) -> dict:
    """Settings editor columns for benchmark pairs: units and indicators by name."""
    cc = st.column_config
    names = {r.code: name(r) for r in units.itertuples()}
    inds = {r.code: name(r) for r in indicators.itertuples()}
    return {
        "chaser_code": cc.SelectboxColumn(
            t("catchup_chaser"),
            options=list(names),
            format_func=lambda c: names.get(str(c), str(c)),
        ),
        "benchmark_code": cc.SelectboxColumn(
            t("catchup_benchmarks"),
            options=list(names),
            format_func=lambda c: names.get(str(c), str(c)),
        ),
        "indicator_code": cc.SelectboxColumn(
            t("indicator"), options=list(inds), format_func=lambda c: inds.get(str(c), str(c))
        ),
    }


def weights_table(indicators: pd.DataFrame, saved: dict | None) -> pd.DataFrame:
    """Composite weights per monthly indicator (saved, else 1)."""
    monthly = indicators[(indicators["frequency"] == "M") & (indicators["kind"] != "rate")]
    return pd.DataFrame(
        {
            "code": monthly["code"],
            "name": [name(r) for r in monthly.itertuples()],
            "weight": [float((saved or {}).get(c, 1.0)) for c in monthly["code"]],
        }
    )


def editable(frame: pd.DataFrame) -> pd.DataFrame:
    """A reference table for an editor: empty text fields as blank cells, not "None"."""
    text = [
        c
        for c in frame.columns
        if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])
    ]
    return frame.assign(**{c: frame[c].astype(object).where(frame[c].notna(), "") for c in text})


def from_editor(edited: pd.DataFrame) -> pd.DataFrame:
    """An edited reference table for the store: blank text fields stored as missing."""
    text = [
        c
        for c in edited.columns
        if edited[c].dtype == object or pd.api.types.is_string_dtype(edited[c])
    ]
    cleaned = {
        c: edited[c]
        .astype(object)
        .map(lambda v: None if isinstance(v, str) and not v.strip() else v)
        for c in text
    }
    return edited.assign(**cleaned)
