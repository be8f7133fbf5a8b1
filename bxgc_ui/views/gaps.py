"""The gaps page (差距整改): overdue items, the commitments editor and the look back."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bxgc_metrics.store import GAP_COLUMNS
from bxgc_ui import fmt
from bxgc_ui.i18n import Texts, lang
from bxgc_ui.names import names as named
from bxgc_ui.widths import text_width

TEXTS: dict[str, tuple[str, str]] = {
    "gaps_title": ("差距排查与整改承诺", "Gaps and rectification commitments"),
    "gaps_help": (
        "每个单位对照标杆提出1-2条主要差距和整改措施。可直接在表中修改，改完点“保存”。",
        "Each unit names 1-2 main gaps against its benchmark, with measures. Edit in the "
        "table and press Save.",
    ),
    "gaps_overdue": (
        "{n} 项整改已过期限仍未完成：",
        "{n} items are past their deadline and not done:",
    ),
    "gaps_none_overdue": ("没有逾期未完成的整改事项。", "No overdue items."),
    "gaps_save": ("保存", "Save"),
    "gaps_saved": ("已保存。", "Saved."),
    "gaps_lookback": ("回头看：承诺与实绩", "Look back: commitments against results"),
    "gaps_lookback_help": (
        "对照《差距排查与整改承诺书》，承诺的指标值与该年最新实际值并列。",
        "Each commitment beside the latest actual value of the year it promised.",
    ),
    "col_gap": ("差距", "Gap"),
    "col_measure": ("整改措施", "Measures"),
    "col_owner": ("责任人", "Owner"),
    "col_deadline": ("完成时限", "Deadline"),
    "col_indicator": ("关联指标", "Indicator"),
    "col_promised": ("承诺值", "Promised"),
    "col_promised_year": ("承诺年度", "Year"),
    "col_overdue": ("逾期", "Overdue"),
    "col_days_overdue": ("逾期天数", "Days overdue"),
    "gap_col_note": ("备注", "Note"),
    "gap_met_note": (
        "已达到承诺值，请确认是否已完成",
        "The promised value is reached: is it done?",
    ),
    "col_latest": ("最新实际", "Latest actual"),
    "col_achieved": ("完成承诺", "Achieved"),
    "gap_open": ("未开始", "open"),
    "gap_in_progress": ("整改中", "in progress"),
    "gap_done": ("已完成", "done"),
}

t = Texts(TEXTS)

GAP_STATUSES = ("open", "in_progress", "done")
GAP_FIELDS = ["id", *GAP_COLUMNS]


def overdue_table(
    gaps: pd.DataFrame, names: dict[str, str], met: frozenset[int] = frozenset()
) -> pd.DataFrame:
    """Overdue rectification items, most overdue first, with how many days past the
    deadline; an item whose promised value is reached (its id in ``met``, from
    :func:`~bxgc_metrics.metrics.campaign.look_back`) says so."""
    rows = gaps.sort_values("days_left")
    return pd.DataFrame(
        {
            t("unit"): rows["unit_code"].map(names),
            t("col_gap"): rows["gap"],
            t("col_owner"): rows["owner"],
            t("col_deadline"): rows["deadline"].astype(str),
            t("col_days_overdue"): -rows["days_left"],
            t("gap_col_note"): [t("gap_met_note") if i in met else "" for i in rows["id"]],
        }
    )


def gaps_editor_frame(gaps: pd.DataFrame) -> pd.DataFrame:
    """The editable gap rows, with the overdue flag shown beside them."""
    frame = gaps[[*GAP_FIELDS, "overdue"]].copy()
    frame["deadline"] = pd.to_datetime(frame["deadline"]).dt.date
    return frame


GAP_WIDTH = 250
"""The gap's column: a short sentence (about 16 characters) before it is cut."""
MEASURE_WIDTH = 330
"""The measure's column: a longer sentence; owner, deadline and status still fit beside
the unit, the gap and it at 1440 px."""


def gaps_columns(names: dict[str, str], indicators: pd.DataFrame) -> dict:
    """Column settings: units and indicators picked by name, status from a list. The
    table is wider than a 1440 px page and scrolls sideways, so the unit stays pinned at
    its left, wide enough for its name."""
    cc = st.column_config
    ind_codes = list(indicators["code"])
    ind_names = named(indicators)
    return {
        "id": None,
        "unit_code": cc.SelectboxColumn(
            t("unit"),
            options=list(names),
            required=True,
            format_func=lambda c: names.get(str(c), str(c)),
            width=text_width(names.values()),
            pinned=True,
        ),
        "gap": cc.TextColumn(t("col_gap"), required=True, width=GAP_WIDTH),
        "measure": cc.TextColumn(t("col_measure"), required=True, width=MEASURE_WIDTH),
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
    language = lang()
    return pd.DataFrame(
        {
            t("unit"): review["unit_code"].map(names),
            t("col_gap"): review["gap"],
            t("col_indicator"): review["indicator_code"].map(named(indicators)),
            t("col_promised"): [
                fmt.amount(v, m, language)
                for v, m in zip(review["promised_value"], measure, strict=True)
            ],
            t("col_latest"): [
                fmt.amount(v, m, language)
                for v, m in zip(review["latest_value"], measure, strict=True)
            ],
            t("col_achieved"): [fmt.pct(v, signed=False) for v in review["achieved"]],
            t("col_status"): [
                fmt.bracketed(t(f"gap_{s}"), t("gap_met_note"))
                if met and s != "done"
                else t(f"gap_{s}")
                for s, met in zip(review["status"], review["met"], strict=True)
            ],
        }
    )


def look_back_columns(table: pd.DataFrame) -> dict:
    """Column settings of :func:`look_back_table`: wider than a 1440 px page too, so the
    unit is pinned at its left, and the status is wide enough for its note."""
    cc = st.column_config
    unit, status = t("unit"), t("col_status")
    return {
        unit: cc.TextColumn(width=text_width(table[unit].dropna()), pinned=True),
        t("col_gap"): cc.TextColumn(width=GAP_WIDTH),
        status: cc.TextColumn(width=text_width(table[status], most=MEASURE_WIDTH)),
    }
