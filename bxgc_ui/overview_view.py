"""The overview page's tables: progress with pace, honour and warning lists, the pace matrix."""

from __future__ import annotations

import pandas as pd

from bxgc_ui import fmt
from bxgc_ui.i18n import lang, name, t


def progress_table(table: pd.DataFrame, units: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Progress rows joined to unit names, with hover text for the chart."""
    out = table.merge(units, left_on="unit_code", right_on="code")
    language = lang()
    out["label"] = [name(r, language=language) for r in out.itertuples()]
    value, target, done, pace_col = (
        t("ytd_value"),
        t("annual_target"),
        t("completion"),
        t("ov_pace_col"),
    )
    status = {s: t("status_" + s) for s in out["status"].unique()}
    out["hover"] = [
        f"{r.label}<br>{value} {fmt.amount(r.value, measure, language)}"
        f"<br>{target} {fmt.amount(r.target, measure, language)}"
        f"<br>{done} {fmt.pct(r.completion, signed=False)}"
        f"<br>{fmt.yoy(r.yoy, language)}<br>{pace_col}: {status[r.status]}"
        for r in out.itertuples()
    ]
    return out


def shown_table(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The progress table as read: value, target, completion, pace, growth."""
    rows = table.sort_values("completion", ascending=False)
    language = lang()
    status = {s: t("status_" + s) for s in rows["status"].unique()}
    return pd.DataFrame(
        {
            t("unit"): rows["label"],
            t("ytd_value"): [fmt.amount(v, measure, language) for v in rows["value"]],
            t("annual_target"): [fmt.amount(v, measure, language) for v in rows["target"]],
            t("completion"): [fmt.pct(v, signed=False) for v in rows["completion"]],
            t("ov_pace_col"): [
                f"{status[s]} {g:+.1f}"
                for s, g in zip(rows["status"], rows["gap_pp"].fillna(0), strict=True)
            ],
            t("yoy"): [fmt.pct(v) for v in rows["yoy"]],
        }
    )


def honour_lists(table: pd.DataFrame, n: int = 3) -> tuple[list[str], list[str]]:
    """红榜 and 黑榜: the best and worst ``n`` by completion (markdown lines, names escaped)."""
    ranked = table.dropna(subset=["completion"]).sort_values("completion", ascending=False)
    line = [f"{fmt.md(r.label)} {fmt.pct(r.completion, signed=False)}" for r in ranked.itertuples()]
    return line[:n], line[-n:][::-1]


MATRIX_ROWS = 50
"""Units the coloured pace matrix lists at most; a city-wide matrix (a thousand units)
is read as "who is behind", so the rest goes to the download."""


def labelled_matrix(
    matrix: pd.DataFrame, names: dict[str, str], indicator_names: dict[str, str]
) -> pd.DataFrame:
    """The pace matrix with unit and indicator names, rounded to 0.1 point."""
    shown = matrix.rename(index=names, columns=indicator_names).round(1)
    shown.index.name = t("unit")
    return shown


def most_behind(matrix: pd.DataFrame, limit: int = MATRIX_ROWS) -> pd.DataFrame:
    """The matrix itself when it has at most ``limit`` units, else the ``limit`` units with
    the most indicators behind (≤ −1 point), the furthest behind in total first."""
    if len(matrix) <= limit:
        return matrix
    order = pd.DataFrame(
        {"behind": (matrix <= -1).sum(axis=1), "total": matrix.sum(axis=1)}, index=matrix.index
    )
    order = order.sort_values(["behind", "total"], ascending=[False, True], kind="stable")
    return matrix.loc[order.index[:limit]]


def styled_matrix(shown: pd.DataFrame) -> object:
    """The (labelled) pace matrix coloured: green ahead, red behind."""

    def colour(value: float) -> str:
        if pd.isna(value):
            return ""
        if value >= 1:
            return "background-color: #DCF2E3; color: #1B5E20"
        if value <= -1:
            return "background-color: #FBE0E3; color: #8E0B1F"
        return "background-color: #F1F3F5"

    return shown.style.map(colour).format("{:+.1f}")
