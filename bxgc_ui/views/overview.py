"""The overview page's tables: progress with pace, honour and warning lists, the pace matrix."""

from __future__ import annotations

import pandas as pd

from bxgc_metrics.metrics.targets import (
    PACE_AHEAD,
    PACE_BEHIND,
    PACE_ON,
    PACE_UNKNOWN,
    pace_status,
)
from bxgc_ui import fmt, ranking_labels
from bxgc_ui.i18n import Texts, lang, name
from bxgc_ui.ranking_labels import places

TEXTS: dict[str, tuple[str, str]] = {
    "overview_chart_title": ("{period} {indicator}完成情况", "{indicator}, {period}: progress"),
    "ov_time": ("时间进度", "Time elapsed"),
    "ov_period": ("期间", "Period"),
    "ov_replay": ("逐月回放", "Month by month"),
    "ov_table": ("各单位明细表", "Every unit's figures"),
    "ov_replay_help": (
        "按 ▶ 回放本年各月的完成率排名，或拖动下方滑块；与会议大屏的排名赛跑为同一组逐月排名。",
        "Press ▶ to replay this year's completion ranking month by month, or drag the "
        "slider below; the same monthly rankings as the meeting screen's race.",
    ),
    "ov_period_help": (
        "拖动可逐月回看排名与进度（与会议大屏的排名赛跑同一组逐月排名）。",
        "Drag to replay the ranking and pace month by month (the same monthly rankings "
        "as the meeting screen's race).",
    ),
    "ov_ranked_units": ("参与排名单位", "Units ranked"),
    "ov_no_last": (
        "参与排名的单位较少，均已列入红榜，不列黑榜。",
        "Too few units ranked for last places beside the first three.",
    ),
    "ov_ranked_units_help": (
        "参与本期排名的单位数 / 应报送单位数（本期、上年同期或上一期报送过该指标的单位）。",
        "Units ranked this period / units expected to report (those that reported this "
        "indicator for this period, the same period last year or the period before).",
    ),
    "ov_on_track": ("达到时间进度的单位", "Units keeping pace"),
    "ov_on_track_help": (
        "完成率低于时间进度不超过{pp}个百分点的也计为达到（图中蓝色）；绿色为超前{pp}个百分点以上，红色为落后{pp}个百分点以上。",
        "Units up to {pp} points below time elapsed count as keeping pace (blue in the chart); "
        "green is more than {pp} points ahead, red more than {pp} points behind.",
    ),
    "ov_honour": ("红榜（完成率前三名）", "Honour list (top three places)"),
    "ov_warning": ("黑榜（完成率后三名）", "Warning list (last three places)"),
    "ov_pace_col": ("进度", "Pace"),
    "ov_matrix_help": (
        "绿色为超进度，红色为滞后；外部标杆不参与。",
        "Green is ahead, red is behind; external benchmarks are left out.",
    ),
    "ov_matrix_more": (
        "单位较多，仅列出滞后指标最多的 {n} 个单位（共 {total} 个）；完整矩阵请下载。",
        "Many units: listing the {n} with the most indicators behind (of {total}); "
        "download the whole matrix.",
    ),
    "ov_matrix_export": ("下载完整矩阵（Excel）", "Download the whole matrix (Excel)"),
}

t = Texts(TEXTS, ranking_labels.TEXTS)


def progress_table(table: pd.DataFrame, units: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Standings rows (with pace) joined to unit names, with hover text for the chart."""
    out = table.merge(units, left_on="unit_code", right_on="code", how="left")
    out["name_zh"] = out["name_zh"].fillna(out["unit_code"])
    language = lang()
    out["label"] = [name(r, language=language) for r in out.itertuples()]
    value, target, done, pace_col = (
        t("ytd_value"),
        t("annual_target"),
        t("completion"),
        t("ov_pace_col"),
    )
    status = {s: t("status_" + s) for s in out["status"].unique()}
    values = fmt.amounts(out["value"], measure, language)
    targets = fmt.amounts(out["target"], measure, language)
    out["hover"] = [
        f"{fmt.chart(r.label)}<br>{value} {v}<br>{target} {g}"
        f"<br>{done} {fmt.pct(r.completion, signed=False)}"
        f"<br>{fmt.yoy(r.yoy, language)}<br>{pace_col}: {status[r.status]}"
        for r, v, g in zip(out.itertuples(), values, targets, strict=True)
    ]
    return out


def shown_table(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The progress table as read, in rank order: place, value, target, completion, pace,
    growth."""
    rows = table  # standings order: by rank, unranked last
    language = lang()
    status = {s: t("status_" + s) for s in rows["status"].unique()}
    return pd.DataFrame(
        {
            t("rank_col_rank"): places(rows["rank"]),  # "—": no place, as elsewhere
            t("unit"): rows["label"],
            t("ytd_value"): fmt.amounts(rows["value"], measure, language),
            t("annual_target"): fmt.amounts(rows["target"], measure, language),
            t("completion"): [fmt.pct(v, signed=False) for v in rows["completion"]],
            t("ov_pace_col"): [  # no pace without a target: "—", not "— +0.0"
                status[s] if pd.isna(g) else f"{status[s]} {g:+.1f}"
                for s, g in zip(rows["status"], rows["gap_pp"], strict=True)
            ],
            t("yoy"): [fmt.pct(v) for v in rows["yoy"]],
        }
    )


def honour_lists(table: pd.DataFrame) -> tuple[list[str], list[str]]:
    """红榜 and 黑榜 from the standings' bands: the top places best first and the last places
    (末位) last first, each with its place (markdown lines, names escaped)."""

    def lines(rows: pd.DataFrame) -> list[str]:
        return [  # "17\\." keeps markdown from renumbering the places as a list
            f"- {fmt.md(f'{int(r.rank)}.')} {fmt.md(r.label)} {fmt.pct(r.completion, signed=False)}"
            for r in rows.itertuples()
        ]

    top = table[table["band"] == "top"].sort_values(["rank", "unit_code"])
    bottom = table[table["band"] == "bottom"].sort_values(["rank", "unit_code"], ascending=False)
    return lines(top), lines(bottom)


MATRIX_ROWS = 50
"""Units the coloured pace matrix lists at most; a city-wide matrix (a thousand units)
is read as "who is behind", so the rest goes to the download."""


def labelled_matrix(
    matrix: pd.DataFrame, names: dict[str, str], indicator_names: dict[str, str]
) -> pd.DataFrame:
    """The pace matrix with unit and indicator names, rounded to 0.1 point; a name two
    units share is followed by each one's code (a table's rows, unlike a chart's, are
    found by name alone)."""
    shown = matrix.rename(columns=indicator_names).round(1)
    labels = pd.Series([names.get(c, c) for c in matrix.index], index=matrix.index, dtype=str)
    twice = labels.duplicated(keep=False)
    shown.index = labels.where(~twice, labels + " (" + labels.index.astype(str) + ")").to_numpy()
    shown.index.name = t("unit")
    return shown


def pace_verdicts(matrix: pd.DataFrame) -> pd.DataFrame:
    """Each cell's pace verdict (ahead, on pace, behind, unknown) read from the unrounded
    gaps by :func:`bxgc_metrics.metrics.targets.pace_status`, as the overview's table
    reads it: −0.98 points is on pace even where the cell shows −1.0."""
    return pd.DataFrame(pace_status(matrix.to_numpy()), index=matrix.index, columns=matrix.columns)


def most_behind(
    matrix: pd.DataFrame, verdicts: pd.DataFrame, limit: int = MATRIX_ROWS
) -> pd.DataFrame:
    """The matrix itself when it has at most ``limit`` units, else the ``limit`` units with
    the most indicators behind (their ``verdicts``), the furthest behind in total first."""
    if len(matrix) <= limit:
        return matrix
    order = pd.DataFrame(
        {"behind": (verdicts == PACE_BEHIND).sum(axis=1), "total": matrix.sum(axis=1)},
        index=matrix.index,
    )
    order = order.sort_values(["behind", "total"], ascending=[False, True], kind="stable")
    return matrix.loc[order.index[:limit]]


PACE_CELLS = {
    PACE_AHEAD: "background-color: #DCF2E3; color: #1B5E20",
    PACE_BEHIND: "background-color: #FBE0E3; color: #8E0B1F",
    PACE_ON: "background-color: #F1F3F5",
    PACE_UNKNOWN: "",
}
"""A pace matrix cell's look by its verdict: green ahead, red behind, grey on pace."""


def matrix_cells(verdicts: pd.DataFrame) -> pd.DataFrame:
    """Each cell's CSS, by its verdict (:data:`PACE_CELLS`)."""
    return verdicts.apply(lambda column: column.map(PACE_CELLS))


def styled_matrix(shown: pd.DataFrame, verdicts: pd.DataFrame) -> object:
    """The (labelled) pace matrix coloured by each cell's verdict (``verdicts``, cell for
    cell in the same order; two units may share a name): green ahead, red behind."""
    cells = matrix_cells(verdicts).set_axis(shown.index).set_axis(shown.columns, axis=1)
    return shown.style.apply(lambda _: cells, axis=None).format("{:+.1f}", na_rep="—")
