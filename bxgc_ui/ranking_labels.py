"""How a ranking reads on every page: groups, places, moves, bases and reward columns.

The overview, the rankings page, the meeting screen and the Excel exports show the same
standings; their labels and the small rules for writing a place or a move live here, so
that no page borrows them from another page's module.
"""

from __future__ import annotations

import pandas as pd

from bxgc_metrics.tables.bulletin import rankable as rankable_codes
from bxgc_metrics.tables.standings import ALL
from bxgc_ui import fmt
from bxgc_ui.i18n import Texts

TEXTS: dict[str, tuple[str, str]] = {
    "meeting_group_all": ("全部单位", "All units"),
    "meeting_group_城区街道": ("城区街道", "Urban sub-districts"),
    "meeting_group_乡镇": ("乡镇", "Townships"),
    "meeting_group_外部标杆": ("外部标杆", "External benchmarks"),
    "meeting_new": ("新", "new"),
    "rank_col_rank": ("名次", "Rank"),
    "rank_col_move": ("进位", "Move"),
    "rank_col_score": ("综合得分", "Score"),
    "rank_col_prev": ("上期名次", "Previous rank"),
    "rank_flagged_note": (
        "单位名称后的 ⚠ 表示需核实：该单位本期这项数据有待核实的预警（见“数据质量”页），预警只是提示，不影响排名。",
        "⚠ after a unit's name: a data-quality flag on its figure for the period is open "
        "(see the Data quality page); a flag is a prompt, it does not change the ranking.",
    ),
    "by_completion": ("完成率", "Completion"),
    "by_growth": ("同比增长", "YoY growth"),
    "by_value": ("累计值", "Value"),
    # the same inside a sentence ("…: ranking by completion")
    "by_completion_word": ("完成率", "completion"),
    "by_growth_word": ("同比增长", "YoY growth"),
    "by_value_word": ("累计值", "value"),
    "ov_matrix": (
        "时间过半、任务过半：各单位各指标完成率与时间进度之差（个百分点）",
        "Keeping pace: completion minus time elapsed, per unit and indicator (points)",
    ),
    "ov_gap_pp": ("与时间进度差（个百分点）", "Against time elapsed (points)"),
    "reward_half": ("半年", "Half-year"),
    "reward_year": ("年终", "Year-end"),
    "reward_totals": ("各单位奖励合计", "Reward per unit"),
    "reward_items": ("明细", "Itemised"),
    "reward_amount": ("奖金（元）", "Amount (yuan)"),
    "reward_points": ("加分", "Points"),
    "reward_excellent": ("可评优秀", "May be graded excellent"),
    "reward_rule": ("规则", "Rule"),
}

t = Texts(TEXTS)


def rankable(indicators: pd.DataFrame) -> pd.DataFrame:
    """Monthly indicators that can be ranked on completion and growth (not rates): the rows
    of :func:`bxgc_metrics.tables.bulletin.rankable`'s codes, by code."""
    return indicators.set_index("code", drop=False).loc[rankable_codes(indicators)]


def group_label(group: str) -> str:
    """A peer group's display name (``all`` and known groups translated, others as stored)."""
    if group == ALL:
        return t("meeting_group_all")
    key = f"meeting_group_{group}"
    return t(key) if key in t else fmt.plain(group)


def arrow(change: object) -> str:
    """A rank move as the screen prints it: ▲2, ▼1, – (none) or 新 (no previous rank)."""
    if change is None or change is pd.NA or fmt.is_missing(change):  # type: ignore[arg-type]
        return t("meeting_new")
    n = int(change)  # type: ignore[call-overload]
    return f"▲{n}" if n > 0 else (f"▼{-n}" if n < 0 else "–")


def moves(ranks: pd.Series, changes: pd.Series) -> list[str]:
    """Each unit's move as read (:func:`arrow`), or "—" for a unit with no place now (it
    reported but cannot be ranked): such a unit is no new entry (新)."""
    return ["—" if pd.isna(r) else arrow(c) for r, c in zip(ranks, changes, strict=True)]


def places(ranks: pd.Series) -> list[str]:
    """Places as read: ``3``, or "—" where there is none (a new unit, an unranked one)."""
    return ["—" if pd.isna(r) else str(int(r)) for r in ranks]
