"""The Excel workbooks the pages offer, built from the same results the pages show.

Each builder takes a domain result (standings, a composite ranking, rewards, the pace
matrix) and says, in the reader's language, what each column holds;
:func:`bxgc_metrics.export.workbook` writes figures as numbers with number formats and the
notes above the table (indicator, period, peer group, data date, method). Nothing is
recomputed here: the rank in the workbook is the rank on the screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from bxgc_metrics.export import Column, Table
from bxgc_metrics.metrics.rewards import Rewards
from bxgc_ui import ranking_labels
from bxgc_ui.i18n import Texts, listed

TEXTS: dict[str, tuple[str, str]] = {
    "export_period": ("期间：{period}", "Period: {period}"),
    "export_group": ("参与排名：{group}", "Units ranked: {group}"),
    "export_composite_unreported": (
        "未报送全部指标、未参与综合排名的单位（{count}个）：{who}",
        "Not reported every indicator, so not in the composite ({count}): {who}",
    ),
    "export_unreported": (
        "未报送本期数据、未参与排名的单位（{count}个）：{who}",
        "Not reported for the period, so not ranked ({count}): {who}",
    ),
    "export_data_date": ("数据更新：{date}", "Data as of: {date}"),
    "export_indicator": ("指标：{indicator}", "Indicator: {indicator}"),
    "export_ranking_title": ("{indicator}排名（按{by}）", "{indicator}: ranking by {by}"),
    "export_composite_sheet": ("综合排名", "Composite"),
    "export_composite_title": ("综合排名", "Composite ranking"),
    "export_rewards_title": ("奖励测算：各单位合计", "Rewards: total per unit"),
    "export_rewards_items_title": ("奖励测算：明细", "Rewards: itemised"),
    "export_pace_sheet": ("时间进度", "Pace"),
}

t = Texts(TEXTS, ranking_labels.TEXTS)


@dataclass(frozen=True)
class Context:
    """What every exported table says about itself in its notes."""

    period: str
    """The period in words (2026年1-10月)."""
    group: str
    """The peer group in words."""
    data_date: str
    """When the figures were last imported (in the configured time zone)."""

    def notes(self, *first: str) -> tuple[str, ...]:
        return (
            *first,
            t("export_period", period=self.period),
            t("export_group", group=self.group),
            t("export_data_date", date=self.data_date or "—"),
        )


def _named(frame: pd.DataFrame, names: Mapping[str, str], key: str = "unit_code") -> pd.DataFrame:
    return frame.assign(unit_name=[names.get(c, c) for c in frame[key]])


def standings_table(
    table: pd.DataFrame,
    names: Mapping[str, str],
    *,
    indicator: str,
    measure: str,
    by: str,
    context: Context,
    unreported: Sequence[str] = (),
) -> Table:
    """One indicator's ranking (:func:`bxgc_metrics.tables.standings.standings`) as a sheet;
    ``unreported``, the units expected that have not reported the period
    (:func:`bxgc_ui.data.unreported_of`), are named in its notes."""
    columns = (
        Column("rank", t("rank_col_rank"), "rank"),
        Column(
            "rank_change",
            t("rank_col_move"),
            "move",
            missing=t("meeting_new"),
            missing_unless="rank",
        ),
        Column("unit_name", t("unit")),
        Column("value", t("ytd_value"), "amount", measure),
        Column("target", t("annual_target"), "amount", measure),
        Column("completion", t("completion"), "percent"),
        Column("yoy", t("yoy"), "signed_percent"),
        Column("previous_rank", t("rank_col_prev"), "rank"),
    )
    frame = _named(table, names).astype({"rank": "Float64", "previous_rank": "Float64"})
    frame = frame.astype({"rank_change": "Float64"})
    title = t("export_ranking_title", indicator=indicator, by=t(f"by_{by}_word"))
    # the figures' measure is in their headers, as shown (亿元 for large 万元 figures)
    notes = context.notes(t("export_indicator", indicator=indicator))
    if unreported:
        who = listed(names.get(u, u) for u in unreported)
        notes = (*notes, t("export_unreported", count=len(unreported), who=who))
    return Table(indicator[:28] or "ranking", title, notes, frame, columns)


def composite_table(
    table: pd.DataFrame,
    names: Mapping[str, str],
    *,
    method: Sequence[str],
    context: Context,
    unreported: Sequence[str] = (),
) -> Table:
    """The composite ranking as a sheet, with how it was made in its notes, and the units
    it ranks without (``unreported``: they have not reported every indicator)."""
    columns = (
        Column("rank", t("rank_col_rank"), "rank"),
        Column("rank_change", t("rank_col_move"), "move", missing=t("meeting_new")),
        Column("unit_name", t("unit")),
        Column("score", t("rank_col_score"), "score"),
        Column("previous_rank", t("rank_col_prev"), "rank"),
    )
    frame = _named(table, names).astype(
        {"rank": "Float64", "previous_rank": "Float64", "rank_change": "Float64"}
    )
    notes = context.notes(*method)
    if unreported:
        who = listed(names.get(u, u) for u in unreported)
        notes = (*notes, t("export_composite_unreported", count=len(unreported), who=who))
    return Table(t("export_composite_sheet"), t("export_composite_title"),
                 notes, frame, columns)  # fmt: skip


def reward_tables(rewards: Rewards, names: Mapping[str, str], *, context: Context) -> list[Table]:
    """Totals per unit and the itemised rewards, as two sheets."""
    totals = _named(rewards.totals.sort_values("amount_yuan", ascending=False), names, "unit")
    totals = totals.assign(excellent=[t("yes" if v else "no") for v in totals["excellent_allowed"]])
    items = _named(rewards.items, names, "unit")
    detail = "description_zh" if t("yes") == "是" else "description_en"
    items = items.assign(rule=items[detail] if detail in items else items["rule_id"])
    money = Column("amount_yuan", t("reward_amount"), "yuan")
    points = Column("points", t("reward_points"), "number")
    return [
        Table(t("reward_totals"), t("export_rewards_title"), context.notes(), totals,
              (Column("unit_name", t("unit")), money, points,
               Column("excellent", t("reward_excellent"))),),
        Table(t("reward_items"), t("export_rewards_items_title"), context.notes(), items,
              (Column("unit_name", t("unit")), Column("rule", t("reward_rule")), money, points)),
    ]  # fmt: skip


def pace_table(matrix: pd.DataFrame, *, context: Context) -> Table:
    """The pace matrix (units × indicators, points against time elapsed) as a sheet."""
    frame = matrix.reset_index()
    first = frame.columns[0]
    columns = (
        Column(str(first), t("unit")),
        *(Column(str(c), str(c), "number") for c in frame.columns[1:]),
    )
    frame.columns = [str(c) for c in frame.columns]
    return Table(
        t("export_pace_sheet"), t("ov_matrix"), context.notes(t("ov_gap_pp")), frame, columns
    )
