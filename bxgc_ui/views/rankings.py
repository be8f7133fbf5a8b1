"""The rankings page (排名) between the domain results and the widgets."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import pandas as pd
import streamlit as st

from bxgc_metrics.export import Table
from bxgc_metrics.metrics.ranking import AGGREGATIONS, NORMALISATIONS, rank_sensitivity
from bxgc_metrics.metrics.rewards import Rewards
from bxgc_metrics.periods import format_label
from bxgc_metrics.tables.scorecard import directions
from bxgc_ui import data, exports, fmt, ranking_labels
from bxgc_ui.i18n import Texts, lang, name
from bxgc_ui.ranking_labels import arrow, moves, places
from bxgc_ui.widgets import cut_note, unranked_note, unreported_note
from bxgc_ui.widths import text_width

TEXTS: dict[str, tuple[str, str]] = {
    "rank_title": ("考核排名", "Rankings"),
    "rank_tab_single": ("单项排名", "By indicator"),
    "rank_tab_composite": ("综合排名", "Composite"),
    "rank_tab_rewards": ("奖励测算", "Rewards"),
    "rank_by": ("排名依据", "Rank by"),
    "rank_group": ("参与排名的单位", "Units ranked"),
    "group_all": ("全部单位", "All units"),
    "rank_period": ("时期", "Period"),
    "rank_chart_title": (
        "{period}{indicator}排名（{by}）",
        "{indicator}, {period}: ranking by {by}",
    ),
    "rank_composite_chart": ("{period}综合排名", "Composite ranking, {period}"),
    "rank_normalisation": ("标准化方法", "Normalisation"),
    "norm_minmax": ("极差法（0-1）", "Min-max (0-1)"),
    "norm_zscore": ("Z 分数", "Z-score"),
    "norm_frontier": ("前沿距离", "Distance to frontier"),
    "rank_weighting": ("权重", "Weights"),
    "weights_equal": ("等权", "Equal"),
    "weights_entropy": ("熵权法", "Entropy"),
    "weights_custom": ("自定义", "Custom"),
    "rank_aggregation": ("合成方法", "Aggregation"),
    "agg_weighted_sum": ("加权求和", "Weighted sum"),
    "agg_topsis": ("TOPSIS 逼近理想解", "TOPSIS"),
    "rank_weight_col": ("权重", "Weight"),
    "rank_sensitivity": (
        "排名稳健性：换一种方法，名次变化多少？",
        "How robust is the ranking to the method?",
    ),
    "rank_scenario": ("方案", "Scenario"),
    "rank_spearman": ("与当前排名的秩相关", "Rank correlation with the current ranking"),
    "rank_max_shift": ("最大名次变动", "Largest rank shift"),
    "rank_mean_shift": ("平均名次变动", "Mean rank shift"),
    "rank_export": ("导出 Excel", "Export to Excel"),
    "rank_no_matrix": (
        "该时期的指标数据不足以计算综合排名。",
        "Not enough figures in this period for a composite.",
    ),
    "reward_of_year": ("考核年度", "Year"),
    "reward_kind": ("考核节点", "Assessment"),
    "reward_note": (
        "按综合排名与上年同期相比的名次变化及前三名计算；奖励规则可在“设置”中修改。",
        "From the composite rank against the same point last year and the top three; "
        "edit the rules in Settings.",
    ),
    "reward_no_year": (
        "还没有可用于{kind}考核的数据（需要6月或12月的数据）。",
        "No figures for a {kind} assessment yet (June or December figures are needed).",
    ),
    "rank_reference_note": (
        "外部标杆只作参照，不参与排名：{marks}",
        "External benchmarks are references, never ranked: {marks}",
    ),
    "export_method_norm": ("标准化方法：{how}", "Normalisation: {how}"),
    "export_method_weights": ("权重：{how}（{weights}）", "Weights: {how} ({weights})"),
    "export_method_agg": ("合成方法：{how}", "Aggregation: {how}"),
    "export_method_basis": ("单项依据：{by}", "Each indicator by: {by}"),
}

t = Texts(TEXTS, ranking_labels.TEXTS)


BY = ("completion", "growth")
"""What a ranking ranks on (the page's 排名依据)."""
WEIGHTINGS = ("equal", "entropy", "custom")
TABS = ("single", "composite", "rewards")
"""The page's tabs by name, as the address keeps the open one (``tab=composite``)."""

COMPOSITE_CHOICES = (
    ("norm", "rank_normalisation", "norm", NORMALISATIONS),
    ("weighting", "rank_weighting", "weights", WEIGHTINGS),
    ("agg", "rank_aggregation", "agg", AGGREGATIONS),
)
"""The composite's three choices: address parameter, label, option text prefix, options."""


def months(
    observations: pd.DataFrame, indicator: str | list[str], limit: int = 24
) -> list[tuple[int, int]]:
    """The latest monthly periods with actual figures of ``indicator`` (or of any of a list
    of indicators), newest first."""
    wanted = [indicator] if isinstance(indicator, str) else list(indicator)
    rows = observations[
        observations["indicator_code"].isin(wanted)
        & (observations["value_kind"] == "actual")
        & (observations["freq"] == "M")
    ]
    pairs = rows[["year", "sub"]].drop_duplicates().sort_values(["year", "sub"], ascending=False)
    return [(int(y), int(s)) for y, s in pairs.head(limit).itertuples(index=False)]


def month_labels(path: str, version: int, codes: list[str]) -> dict[str, tuple[int, int]]:
    """The months a ranking of ``codes`` can show (:func:`months`, built once per data
    version), newest first, each under the label the address writes (``2026-10``)."""
    periods = data.built(
        ("rank_months", path, version),
        lambda: months(data.actual_periods(path, version), codes),
    )
    return {format_label("M", *p): p for p in periods}


def standings_sheet(
    table: pd.DataFrame,
    names: dict[str, str],
    *,
    by: str,
    context: exports.Context,
    indicator: str,
    measure: str,
    chosen: tuple,
    unreported: Sequence[str] = (),
) -> Table:
    """The single ranking's export sheet, built once per data version and ``chosen``
    (everything the chart and sheet show), naming the units that have not reported."""
    sheet = partial(
        exports.standings_table, table, names, by=by, context=context, unreported=unreported
    )
    sheet = partial(sheet, indicator=indicator, measure=measure)
    return data.built(("rank_sheet", *chosen), sheet)


def composite_sheet(
    table: pd.DataFrame,
    names: dict[str, str],
    *,
    method: Sequence[str],
    context: exports.Context,
    chosen: tuple,
    unreported: Sequence[str] = (),
) -> Table:
    """The composite ranking's export sheet, built once per data version and ``chosen``,
    naming the units it ranks without."""
    sheet = partial(
        exports.composite_table, table, names, method=method, context=context, unreported=unreported
    )
    return data.built(("rank_comp_sheet", *chosen), sheet)


def single_notes(
    where: object,
    table: pd.DataFrame,
    marks: pd.DataFrame,
    *,
    at: tuple[str, int, str, int, int, str, str],
    names: dict[str, str],
    period: str,
) -> tuple[str, ...]:
    """The notes under the single ranking's chart, ``at`` (path, data version, indicator,
    year, month, basis, group): a cut chart, the units not reported yet, those reported
    but without a place, the outside benchmarks. Returns the units not reported (the
    workbook names them too)."""
    path, version, code, year, sub, by, group = at
    cut_note(where, int(table["rank"].notna().sum()))
    missing, _ = data.unreported_of(path, version, code, freq="M", year=year, sub=sub, group=group)
    unreported_note(where, missing, names=names, period=period)
    unranked_note(where, table, names=names, by=by)
    if len(marks):
        where.caption(reference_note(marks, names, by))  # type: ignore[attr-defined]
    return missing


def composite_notes(
    where: object,
    table: pd.DataFrame,
    *,
    at: tuple[str, int, int, int, str, str, tuple],
    names: dict[str, str],
    period: str,
) -> tuple[str, ...]:
    """The notes under the composite's chart, ``at`` (path, data version, year, month,
    basis, group, options key): a cut chart and the units it ranks without, which it
    returns (the workbook names them too)."""
    path, version, year, sub, by, group, key = at
    cut_note(where, len(table))
    left_out = data.composite_unreported_of(
        path, version, year, sub=sub, by=by, group=group, options=key
    )
    unreported_note(where, left_out, names=names, period=period, composite=True)
    return left_out


def assessed_years(periods: list[tuple[int, int]], kind: str) -> list[int]:
    """Years whose half-year (June) or year-end (December) figures are in."""
    month = 6 if kind == "half" else 12
    return sorted({y for y, s in periods if s >= month}, reverse=True)


def single_ranking(
    path: str,
    version: int,
    code: str,
    *,
    year: int,
    sub: int,
    by: str,
    higher: bool,
    group: str,
) -> tuple[pd.DataFrame, pd.DataFrame, frozenset[str]]:
    """What the single-indicator tab shows of ``code`` in month ``sub`` of ``year``: the
    standings of ``group``, the outside benchmarks' marks and the units whose figure has
    an open data-quality flag (each read once per data version, :mod:`bxgc_ui.data`)."""
    table = data.standings_of(
        path, version, code, freq="M", year=year, sub=sub, by=by, higher_is_better=higher,
        group=group,
    )  # fmt: skip
    marks = data.references_of(
        path, version, code, freq="M", year=year, sub=sub, by=by, higher_is_better=higher
    )
    return table, marks, data.flagged_units(path, version, code, period=("M", year, sub))


def standings_table(
    table: pd.DataFrame,
    names: dict[str, str],
    measure: str,
    *,
    by: str,
    flagged: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """The single-indicator ranking as the page shows it (the export is
    :func:`bxgc_ui.exports.standings_table` of the same standings), the figure ranked
    ``by`` right after the unit; a unit whose figure has an open data-quality flag carries
    the ⚠ after its name (需核实)."""
    language = lang()
    badge = "⚠"
    completion = {t("completion"): [fmt.pct(v, signed=False) for v in table["completion"]]}
    growth = {t("yoy"): [fmt.pct(v) for v in table["yoy"]]}
    ranked, other = (completion, growth) if by == "completion" else (growth, completion)
    return pd.DataFrame(
        {  # the figure that decides the places beside the unit: a phone shows the first few
            t("rank_col_rank"): places(table["rank"]),
            t("rank_col_move"): moves(table["rank"], table["rank_change"]),
            t("unit"): [
                f"{names.get(u, u)} {badge}" if u in flagged else names.get(u, u)
                for u in table["unit_code"]
            ],
            **ranked,
            t("ytd_value"): fmt.amounts(table["value"], measure, language),
            t("annual_target"): fmt.amounts(table["target"], measure, language),
            **other,
            t("rank_col_prev"): places(table["previous_rank"]),
        }
    )


def composite_table(table: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The composite ranking as shown."""
    return pd.DataFrame(
        {
            t("rank_col_rank"): table["rank"],
            t("rank_col_move"): [arrow(c) for c in table["rank_change"]],
            t("unit"): table["unit_code"].map(names),
            t("rank_col_score"): table["score"].round(3),
            t("rank_col_prev"): places(table["previous_rank"]),
        }
    )


PLACE_MOST = 56
"""A place or a move, two digits and an arrow under a header of two characters or four
letters: no wider than this."""


def ranking_columns(shown: pd.DataFrame) -> dict[str, object]:
    """How a ranking table beside its chart (half the page: narrower than its columns in
    English, and by one column in Chinese at 1440 px) is laid out: the place and the unit
    stay pinned at the left, the unit as wide as its longest name, and the place and its
    move take no more room than they need, so the figures get the rest."""
    cc = st.column_config
    place, move, unit = t("rank_col_rank"), t("rank_col_move"), t("unit")

    def narrow(column: str) -> int:
        return text_width([column, *shown[column]], least=40, most=PLACE_MOST)

    return {
        place: cc.Column(width=narrow(place), pinned=True),
        move: cc.Column(width=narrow(move)),
        unit: cc.Column(width=text_width(shown[unit].dropna()), pinned=True),
    }


def weights_frame(indicators: pd.DataFrame, codes: list[str], saved: dict | None) -> pd.DataFrame:
    """The weights editor's rows: indicator name and weight (saved, else equal)."""
    rows = indicators.set_index("code").loc[codes]
    return pd.DataFrame(
        {
            "code": codes,
            t("indicator"): [name(r) for r in rows.itertuples()],
            t("rank_weight_col"): [float((saved or {}).get(c, 1.0)) for c in codes],
        }
    )


def sensitivity(
    matrix: pd.DataFrame, indicators: pd.DataFrame, by: str, *, options: dict
) -> pd.DataFrame:
    """How far ranks move under the other normalisations, weightings and aggregations."""
    scenarios = {}
    for norm in ("minmax", "zscore", "frontier"):
        for weights in ("equal", "entropy"):
            scenarios[f"{t('norm_' + norm)} · {t('weights_' + weights)}"] = {
                "normalisation": norm,
                "weights": weights,
            }
    scenarios[f"{t('agg_topsis')} · {t('weights_equal')}"] = {"aggregation": "topsis"}
    base = {k: v for k, v in options.items() if k != "weights" or not isinstance(v, dict)}
    if isinstance(options.get("weights"), dict):
        base["weights"] = {k: v for k, v in options["weights"].items() if k in matrix.columns}
    result = rank_sensitivity(matrix, directions(indicators, by), scenarios, base=base)
    summary = result.summary.reset_index()
    summary.columns = [
        t("rank_scenario"),
        t("rank_spearman"),
        t("rank_max_shift"),
        t("rank_mean_shift"),
    ]
    return summary.round(3)


def reward_tables(rewards: Rewards, names: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Totals per unit and the itemised explanation (each item's figures before its rule's
    sentence, which a half-width table cuts off at its right edge)."""
    totals = rewards.totals.sort_values("amount_yuan", ascending=False)
    shown = pd.DataFrame(
        {
            t("unit"): totals["unit"].map(names),
            t("reward_amount"): totals["amount_yuan"].map(lambda v: f"{v:,.0f}"),
            t("reward_points"): totals["points"],
            t("reward_excellent"): totals["excellent_allowed"].map(
                lambda v: t("yes" if v else "no")
            ),
        }
    )
    items = rewards.items
    detail = "description_zh" if t("yes") == "是" else "description_en"
    listed = pd.DataFrame(
        {
            t("unit"): items["unit"].map(names),
            t("reward_amount"): items["amount_yuan"].map(lambda v: f"{v:,.0f}"),
            t("reward_points"): items["points"],
            t("reward_rule"): items[detail] if detail in items else items["rule_id"],
        }
    )
    return shown, listed


def method_notes(
    options: dict, weights: dict[str, float], indicators: pd.DataFrame, *, by: str
) -> list[str]:
    """How a composite was made, for its export: normalisation, each weight, aggregation."""
    named = {r.code: name(r) for r in indicators.itertuples()}
    how = options["weights"] if isinstance(options["weights"], str) else "custom"
    listed = "、".join(f"{named.get(c, c)} {w:.3f}" for c, w in weights.items())
    return [
        t("export_method_basis", by=t(f"by_{by}")),
        t("export_method_norm", how=t(f"norm_{options['normalisation']}")),
        t("export_method_weights", how=t(f"weights_{how}"), weights=listed),
        t("export_method_agg", how=t(f"agg_{options['aggregation']}")),
    ]


def reference_note(marks: pd.DataFrame, names: dict[str, str], by: str) -> str:
    """The external benchmarks' figures in one line (they are references, never ranked)."""
    column = "completion" if by == "completion" else "yoy"
    listed = ("；" if lang() == "zh" else "; ").join(
        f"{fmt.md(names.get(r.unit_code, r.unit_code))} {fmt.pct(getattr(r, column), signed=by != 'completion')}"
        for r in marks.itertuples()
    )
    return t("rank_reference_note", marks=listed)


def options_key(options: dict) -> tuple:
    """Composite options as sorted, hashable pairs: the cache key of ``data.composite_of``."""
    return tuple(
        sorted(
            (k, tuple(sorted(v.items())) if isinstance(v, dict) else v) for k, v in options.items()
        )
    )
