"""The catch-up page (赶超轨迹) between the data and the widgets: choices, defaults, labels."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from bxgc_metrics import clock
from bxgc_metrics.measures import display_scale, reads_in_points
from bxgc_metrics.metrics.backtest import (
    BASELINE,
    DIFFERENCE,
    MIN_CALIBRATION,
    MIN_COVERAGE_CHECKS,
)
from bxgc_metrics.metrics.campaign import phase_status
from bxgc_metrics.metrics.catchup import (
    STANDING_LEVEL,
    STATUS_CATCHES_UP,
    STATUS_LEVEL,
    STATUS_NO_PROJECTION,
    STATUS_NOT_FASTER,
    STATUS_NOT_WITHIN_HORIZON,
)
from bxgc_metrics.tables.annotations import chart_events, chart_phases
from bxgc_metrics.tables.trajectory import (
    HORIZON,
    REQUIRED_FORMS,
    Trajectory,
    default_pace,
)
from bxgc_ui import charts, data, fmt, widgets
from bxgc_ui.chart_export import Caption
from bxgc_ui.i18n import Texts, lang, name
from bxgc_ui.widgets import chart_with_downloads, figures, folded

TEXTS: dict[str, tuple[str, str]] = {
    "catchup_pair": (
        "**{chaser}** 对标 **{benchmarks}** · {indicator}",
        "**{chaser}** against **{benchmarks}** · {indicator}",
    ),
    "catchup_title": ("赶超轨迹", "Catch-up trajectory"),
    "catchup_model": ("预测方法", "Projection model"),
    "model_plan": ("按设定增速", "At the growth rates set"),
    "model_naive": ("沿用最新值（基准）", "Last value carried forward (baseline)"),
    "model_cagr": ("历史年均增速", "Historic CAGR"),
    "model_linear": ("线性趋势", "Linear trend"),
    "model_loglinear": ("对数线性趋势", "Log-linear trend"),
    "model_ets": ("指数平滑（阻尼趋势）", "Exponential smoothing (damped)"),
    "catchup_target_year": ("目标赶超年份", "Target year"),
    "catchup_rate_ours": ("本单位年增速（%）", "Our annual growth (%)"),
    "catchup_rate_theirs": ("{name}年增速（%）", "{name} annual growth (%)"),
    "catchup_change_ours": ("本单位每年变化（个百分点）", "Our change a year (pp)"),
    "catchup_change_theirs": ("{name}每年变化（个百分点）", "{name} change a year (pp)"),
    "catchup_gap": ("当前差距（{year}年）", "Gap now ({year})"),
    "catchup_crossing": ("预计赶超年份", "Year of overtaking"),
    "catchup_required": ("{year}年赶超所需年增速", "Growth to be level by {year}"),
    "catchup_required_change": ("{year}年赶超所需年均变化", "Change a year to be level by {year}"),
    "catchup_required_either": (
        "{year}年赶超所需年增速或年均变化",
        "Growth or change a year to be level by {year}",
    ),
    "catchup_probability": ("{year}年持平或领先的概率", "Chance not behind in {year}"),
    "catchup_gap_ratio": ("相当于标杆的 {ratio}", "{ratio} of the benchmark"),
    "catchup_lead": ("领先{amount}", "ahead by {amount}"),
    "catchup_lead_now": ("当前领先（{year}年）", "Lead now ({year})"),
    "catchup_gap_levels": ("本单位 {ours}，标杆 {bench}", "ours {ours}, benchmark {bench}"),
    "catchup_probability_help": (
        "{year}年当年本单位达到或超过标杆的可能性：两条预测线各按所选方法过去在这些单位上提前同样年数预测时的实际误差浮动（与图中阴影同一组误差）。两者提前年数相同时，概率不低于50%当且仅当图中预测线在该年本单位持平或领先。",
        "The chance that we are level or ahead in {year} itself: each projected line misses by "
        "the errors this model actually made on these units when forecasting as many years "
        "ahead (the errors behind the shaded bands). With both as many years ahead it is 50 % "
        "or more exactly when the chart's lines have us level or ahead that year.",
    ),
    "catchup_probability_backtest": (
        "回测误差不足（每个提前年数至少需要{n}个），暂不给出概率和预测区间。",
        "Too few back-test errors ({n} per step ahead are needed), so no chance or band yet.",
    ),
    "catchup_skill_title": ("各方法回测表现", "How each model did in back-tests"),
    "catchup_skill_of": ("{share}（{n}次）", "{share} of {n}"),
    "catchup_skill_few": ("仅{n}次，无从判断", "only {n}: too few to tell"),
    "catchup_skill_best_cover": (
        "校准后80%区间覆盖 {cover}",
        "its calibrated 80 % band held {cover}",
    ),
    "catchup_skill_best_few": (
        "校准后80%区间仅检验{n}次，无从判断覆盖率",
        "its calibrated 80 % band was checked only {n} times, too few to tell how it holds",
    ),
    "catchup_skill_none": (
        "历史年份太少，无法回测任何方法，因此不给出预测区间和概率。",
        "Too few years of history to back-test any model, so no band or chance is given.",
    ),
    "catchup_skill_model": ("方法", "Model"),
    "catchup_skill_forecasts": ("回测次数", "Forecasts"),
    "catchup_skill_mape": ("平均误差", "Mean abs. % error"),
    "catchup_skill_mae": ("平均绝对误差", "Mean abs. error"),
    "catchup_skill_vs_naive": ("相对基准", "vs. baseline"),
    "catchup_skill_model_cover": ("方法自带80%区间覆盖", "Own 80% interval held"),
    "catchup_skill_cover": ("校准后80%区间覆盖", "Calibrated 80% band held"),
    "catchup_skill_help": (
        "回测：以过去每一年为“最新年份”，用之前的数据预测之后1–3年，再与实际比较（本单位和所选标杆，样本不足时加入同指标其他单位）。“相对基准”为平均误差与“沿用最新值”之比，小于1才说明该方法比直接沿用最新值更准。校准后区间只用当时已知的误差，覆盖率接近80%才可信；检验不足{n}次时覆盖率无从判断，不列百分比。",
        "Back-test: each past year in turn is taken as the latest, the model forecasts 1–3 "
        "years on, and the forecast is compared with what happened (our unit and the chosen "
        "benchmarks, with other units on this indicator when those are few). 'vs. baseline' "
        "is the error over carrying the last value forward: below 1 means the model beats "
        "it. Calibrated bands use only the errors known at the time; trust them when they "
        "hold close to 80 %. Checked fewer than {n} times, a band's share tells nothing, so "
        "none is given.",
    ),
    "catchup_skill_best": (
        "在这些单位的回测中误差最小的是“{model}”（平均误差 {error}，{cover}）。展开下表可比较各方法。",
        "In back-tests on these units '{model}' erred least (mean error {error}; {cover}). "
        "Open the table below to compare the models.",
    ),
    "catchup_probability_fixed": (
        "按固定增速推算，结果是确定的（见“预计赶超年份”），没有概率可言。",
        "A fixed-rate projection is certain by construction (see the year of overtaking); it "
        "has no probability.",
    ),
    "catchup_probability_not_positive": (
        "按此方法，预测值在目标年份降到零或以下，而该指标历来为正，过去的相对误差对此无从估计，因此不给出概率。",
        "Under this model a projection falls to zero or below by the target year on an "
        "indicator that has always been positive; its past relative errors say nothing "
        "there, so no chance is given.",
    ),
    "catchup_probability_short": (
        "历史数据太短，该方法无法预测，也就无法估计概率。",
        "Too little history for this model to project, so no chance can be estimated.",
    ),
    "catchup_never_plan": ("按设定增速无法赶超", "Never at the rates set"),
    "catchup_never_cagr": ("按历史年均增速无法赶超", "Never at the historic rates"),
    "catchup_not_within": ("{n}年内无法赶超", "Not within {n} years"),
    "catchup_no_projection": ("无法预测", "No forecast"),
    "catchup_never": ("无法赶超", "Never"),
    "catchup_never_why_plan": ("按设定增速", "At the rates set"),
    "catchup_never_why_cagr": ("按历史年均增速", "At the historic rates"),
    "catchup_beyond": ("{n}年以上", "{n}+ years"),
    "catchup_ahead": ("已领先", "Ahead now"),
    "catchup_level": ("已持平", "Level now"),
    "catchup_year": ("{year}年", "{year}"),
    "catchup_chart_title": ("{indicator}：历史与预测", "{indicator}: history and projection"),
    "catchup_axis_year": ("年份", "Year"),
    "catchup_history": ("实际", "actual"),
    "catchup_projected": ("预测", "projected"),
    "catchup_stated": ("方案所列", "as planned"),
    "catchup_cross_label": ("预计{year}年赶超", "overtakes in {year}"),
    "catchup_cross_on_target": (
        "预计{year}年赶超（即目标年份）",
        "overtakes in {year}, the target year",
    ),
    "catchup_band": ("80%预测区间", "80% band"),
    "catchup_required_help": (
        "从{base}年的{value}起，每年至少增长这么多，才能在{target}年达到标杆按此方法预测的{bench}。",
        "The constant growth from {value} in {base} that reaches the benchmark's projected "
        "{bench} in {target} under this model.",
    ),
    "catchup_required_help_lower": (
        "从{base}年的{value}起，每年增速不超过这么多（为负即每年至少下降这么多），才能在{target}年降到标杆按此方法预测的{bench}或以下。",
        "The most growth a year from {value} in {base} (a negative rate: the least fall a "
        "year) that still gets down to the benchmark's projected {bench} or below in "
        "{target} under this model.",
    ),
    "catchup_required_change_help_lower": (
        "从{base}年的{value}起，每年变化不超过这么多（为负即每年至少下降这么多），才能在{target}年降到标杆按此方法预测的{bench}或以下。",
        "The most change a year from {value} in {base} (a negative change: the least fall "
        "a year) that still gets down to the benchmark's projected {bench} or below in "
        "{target} under this model.",
    ),
    "catchup_may_fall": ("可年降{amount}", "may fall {amount}/yr"),
    "catchup_fall_allowed": ("{year}年持平允许的年降幅", "Fall allowed, level by {year}"),
    "catchup_fall_allowed_change": ("{year}年持平允许的年均减少", "Fall allowed, level by {year}"),
    "catchup_required_help_fall": (
        "从{base}年的{value}起，每年下降不超过这么多，{target}年仍能达到标杆按此方法预测的{bench}。",
        "From {value} in {base}, a fall of up to this much a year still reaches the "
        "benchmark's projected {bench} in {target} under this model.",
    ),
    "catchup_required_change_help_fall": (
        "从{base}年的{value}起，每年减少不超过这么多，{target}年仍能达到标杆按此方法预测的{bench}。",
        "From {value} in {base}, a fall of up to this much a year still reaches the "
        "benchmark's projected {bench} in {target} under this model.",
    ),
    "catchup_required_change_help": (
        "从{base}年的{value}起，每年变化这么多，才能在{target}年达到标杆按此方法预测的{bench}。",
        "The same change a year from {value} in {base} that reaches the benchmark's "
        "projected {bench} in {target} under this model.",
    ),
    "catchup_changes_model": (
        "“{model}”按历史数据推算，不使用增速设定；{base}–{target}年隐含年均变化：本单位 {ours}，{name} {theirs}。",
        "'{model}' projects from the history and ignores the growth settings; the change a "
        "year it implies for {base}–{target}: ours {ours}, {name} {theirs}.",
    ),
    "catchup_rates_model": (
        "“{model}”按历史数据推算，不使用增速设定；{base}–{target}年隐含年均增速：本单位 {ours}，{name} {theirs}。",
        "'{model}' projects from the history and ignores the growth settings; the growth it "
        "implies for {base}–{target}: ours {ours}, {name} {theirs}.",
    ),
    "catchup_model_help": (
        "按设定增速：用下方滑块的增速复利推算（假设情景，无区间和概率；以%计的指标如增速、占比，滑块设每年变化多少个百分点，逐年累加）；沿用最新值：各年保持最新值，是衡量其他方法的基准；历史年均增速：按首末年复合增速推算；线性/对数线性趋势：最小二乘趋势；指数平滑：阻尼趋势模型。除“按设定增速”外，阴影80%区间和概率都按该方法在这些单位上的回测误差校准；该方法过去多偏低（或偏高）时，区间相应偏向线的上方（或下方）；近几年的实际结果若总落在当时区间的同一侧或总在区间内，区间也随之移动、放宽或收窄。预计赶超年份、所需增速、概率和图形都来自同一方法。",
        "At the rates set: compounds the sliders' rates (a what-if, with no band or chance; "
        "for an indicator in %, such as a growth rate or a share, the sliders set points a "
        "year, added year by year); "
        "last value carried forward: the baseline every model is measured against; historic "
        "CAGR: the first-to-last compound rate; linear / log-linear trend: least squares; "
        "exponential smoothing: damped trend. Except for the rates set, the shaded 80 % band "
        "and the chance are calibrated on the model's back-test errors on these units; where "
        "the model has mostly fallen short (or overshot), the band leans above (or below) its "
        "line, and where recent outcomes kept landing on one side of the bands of their day, "
        "or kept well inside them, the band moves, widens or narrows to match. The year, the "
        "rate needed, the chance and the chart all come from the chosen model.",
    ),
    "catchup_target_label": ("目标年份", "target year"),
    "catchup_chart_period": (
        "{base}年为基年，目标{target}年，{model}",
        "base year {base}, target {target}, {model}",
    ),
    "catchup_distance_title": (
        "与{name}的时间距离（落后年数）",
        "Time distance to {name} (years behind)",
    ),
    "catchup_distance_axis": ("落后年数（年，负数为领先）", "Years behind (negative = ahead)"),
    "catchup_distance_help": (
        "标杆在多少年前就达到了本单位现在的水平（Sicherl 时间距离）。",
        "How many years ago the benchmark stood where we stand now (Sicherl's time distance).",
    ),
    "catchup_short": (
        "{name}只有 {n} 年数据，无法用“{model}”预测；可改用“按设定增速”。",
        "{name} has {n} year(s) of data, too few for '{model}'; use 'at the growth rates set'.",
    ),
    "catchup_audit_title": ("方案核对", "Plan audit"),
    "catchup_audit_ok": (
        "方案各年数值与所列增速一致。",
        "Every planned value matches its stated growth.",
    ),
    "catchup_audit_flags": (
        "以下 {n} 行数值与“上年数值 ×（1+所列增速）”不符（容差 1%）：",
        "These {n} lines do not equal last year's value × (1 + stated growth) within 1 %:",
    ),
    "catchup_audit_line": (
        "{unit} {year}年：方案写 {stated}，按上年 {previous} 增长 {growth} 应为 {implied}（偏差 {dev}），实际隐含增速 {implied_growth}。",
        "{unit} {year}: the plan says {stated}; {previous} grown by {growth} is {implied} "
        "(off by {dev}); the implied growth is {implied_growth}.",
    ),
    "catchup_plan_verdict": (
        "方案结论：按方案所列数值，{year}年本单位（{ours}）超过标杆（{theirs}）。",
        "The plan's conclusion: on its own figures we ({ours}) pass the benchmark ({theirs}) in {year}.",
    ),
    "catchup_no_history": (
        "所选单位没有该指标的年度数据。",
        "No annual figures for this unit and indicator.",
    ),
    "catchup_pick_benchmark": ("请选择至少一个标杆。", "Pick at least one benchmark."),
    "catchup_phases": ("显示活动阶段", "Show campaign phases"),
    "catchup_phases_help": (
        "在图中以浅色底纹标出各活动阶段（如方案三的四个阶段），颜色表示已结束、进行中或未开始。",
        "Shade each campaign phase (such as plan three's four phases) behind the lines, "
        "coloured done, current or upcoming.",
    ),
    "catchup_no_phases": (
        "图中所示年份没有活动阶段。",
        "No campaign phase falls in the years shown.",
    ),
    "catchup_events_help": (
        "★ 为本单位或标杆的大事记，同色细虚线连到其标注；灰色虚线为适用于全部单位的大事记；悬停可见全文。分析员可在“设置 › 大事记”中维护。",
        "★ marks an event of our unit or a benchmark, joined to its label by a thin dotted "
        "line in its colour; a grey dotted line marks one of every unit; hover for the full "
        "text. Analysts keep them under Settings › Events.",
    ),
}

t = Texts(TEXTS)


def chaser_options(units: pd.DataFrame, pairs: pd.DataFrame) -> list[str]:
    """Units that chase: those named in benchmark pairs first, then the others (no externals)."""
    known = set(units["code"])
    named = [c for c in dict.fromkeys(pairs["chaser_code"]) if c in known]
    rest = [
        c
        for c, k in zip(units["code"], units["kind"], strict=True)
        if k != "外部标杆" and c not in named
    ]
    return named + rest


def indicator_names(
    indicators: pd.DataFrame, observations: pd.DataFrame, unit: str
) -> dict[str, str]:
    """Indicators the unit has actual figures for (stated growth rates left out)."""
    have = set(
        observations.loc[
            (observations["unit_code"] == unit) & (observations["value_kind"] == "actual"),
            "indicator_code",
        ]
    )
    rows = indicators[indicators["code"].isin(have) & indicators["growth_of"].isna()]
    rows = rows.sort_values(["kind", "code"], key=lambda c: c.ne("flow") if c.name == "kind" else c)
    return {row.code: name(row) for row in rows.itertuples()}


def growth_indicator(indicators: pd.DataFrame, code: str) -> str | None:
    """The indicator holding the growth rates a plan states for ``code``, if any."""
    rows = indicators[indicators["growth_of"] == code]
    return None if rows.empty else str(rows["code"].iloc[0])


def pair_defaults(
    pairs: pd.DataFrame, chaser: str, available: list[str]
) -> tuple[str, list[str], int | None]:
    """Indicator, benchmarks and target year from the chaser's benchmark pairs."""
    mine = pairs[pairs["chaser_code"] == chaser]
    given = [c for c in mine["indicator_code"].dropna() if c in available]
    indicator = given[0] if given else available[0]
    target = int(mine["target_year"].max()) if len(mine) else None
    return indicator, list(dict.fromkeys(mine["benchmark_code"])), target


def base_year(annual: pd.DataFrame, chaser: str, benchmarks: list[str]) -> int | None:
    """The latest year observed for the chaser and the first benchmark."""
    years = [set(annual.loc[annual["unit_code"] == u, "year"]) for u in (chaser, benchmarks[0])]
    common = years[0] & years[1]
    return max(common) if common else None


@dataclass(frozen=True)
class RateSlider:
    """The what-if sliders of one indicator: growth in %, or points a year."""

    low: float
    high: float
    step: float
    per: float
    """Slider value per unit of the plan model's rate (100 for a growth fraction)."""
    ours: str
    """Text key of the chaser's label."""
    theirs: str
    """Text key of the benchmark's label (``{name}``)."""


GROWTH_SLIDER = RateSlider(-30.0, 100.0, 0.5, 100.0, "catchup_rate_ours", "catchup_rate_theirs")
POINTS_SLIDER = RateSlider(-10.0, 10.0, 0.1, 1.0, "catchup_change_ours", "catchup_change_theirs")
SLIDER_FORMAT = "%.1f"
"""Both sliders show one decimal (a growth of 12.5 %, a change of -2.3 points)."""


def rate_slider(measure: str) -> RateSlider:
    """Growth sliders, or points a year for an indicator read in points (%)."""
    return POINTS_SLIDER if reads_in_points(measure) else GROWTH_SLIDER


def default_rates(
    annual: pd.DataFrame, units: list[str], stated: dict[str, float], *, measure: str
) -> dict[str, float]:
    """Slider defaults as the sliders read (:func:`rate_slider`): the plan's stated rate,
    else the last three years' CAGR, in %; for an indicator read in points, the last
    three years' average change in points (a plan's stated growth rates do not apply);
    a pace beyond the slider's ends starts it at the nearer end (+146.6 % a year at +100)."""
    slider = rate_slider(measure)
    out = {}
    for unit in units:
        rate = None if slider is POINTS_SLIDER else stated.get(unit)
        if rate is None:
            rate = default_pace(
                annual[annual["unit_code"] == unit].set_index("year")["value"], measure
            )
        shown = round(0.0 if math.isnan(rate) else rate * slider.per, 1)
        out[unit] = min(max(shown, slider.low), slider.high)
    return out


def crossing_text(answer: pd.Series, model: str) -> str:
    """The year of overtaking under ``model``, or why there is none (statuses of
    :attr:`bxgc_metrics.tables.trajectory.Trajectory.answers`)."""
    status = answer.get("status")
    if status == STATUS_LEVEL:  # level or ahead: the answer's standing says which
        return t("catchup_level" if answer.get("standing") == STANDING_LEVEL else "catchup_ahead")
    if status == STATUS_CATCHES_UP:
        return t("catchup_year", year=int(answer["crossing_period"]))
    if status == STATUS_NOT_FASTER:
        return t("catchup_never_cagr" if model == "cagr" else "catchup_never_plan")
    if status == STATUS_NOT_WITHIN_HORIZON:
        return t("catchup_not_within", n=HORIZON)
    return t("catchup_no_projection") if status == STATUS_NO_PROJECTION else "—"


def probability_text(answer: pd.Series) -> tuple[str, str]:
    """The chance shown, and the help beside it saying what it means or why it is "—"."""
    chance = answer.get("probability", math.nan)
    if isinstance(chance, float) and not math.isnan(chance):
        year = int(answer["target_year"])
        return fmt.pct(chance, signed=False, digits=0), t("catchup_probability_help", year=year)
    note = answer.get("probability_note")
    key = {
        "no_error_model": "catchup_probability_fixed",
        "short_backtest": "catchup_probability_backtest",
        "not_positive": "catchup_probability_not_positive",
    }.get(str(note), "catchup_probability_short")
    return "—", t(key, n=MIN_CALIBRATION)


def _in_points(table: pd.DataFrame) -> bool:
    """Whether the models' errors are differences in the indicator's units (values at zero
    or below), not percentages."""
    return bool((table["scale"] == DIFFERENCE).any())


def skill_error(value: float, table: pd.DataFrame, measure: str) -> str:
    """A back-test error as read: a percentage, or in the indicator's own units (points
    for a rate)."""
    if not _in_points(table):
        return fmt.pct(value, signed=False)
    return fmt.change(value, measure, lang(), signed=False)


def skill_table(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The back-test table beside the model picker, formatted for reading
    (:data:`bxgc_metrics.metrics.backtest.SKILL_COLUMNS` in; ``measure`` the indicator's)."""
    base = table.set_index("model")["error"].get(BASELINE, math.nan)
    heading = "catchup_skill_mae" if _in_points(table) else "catchup_skill_mape"
    return pd.DataFrame(
        {
            t("catchup_skill_model"): [t(f"model_{m}") for m in table["model"]],
            t("catchup_skill_forecasts"): table["forecasts"].astype(int).tolist(),
            t(heading): [skill_error(v, table, measure) for v in table["error"]],
            t("catchup_skill_vs_naive"): [
                "—" if math.isnan(v) or not base else f"{v / base:.2f}" for v in table["error"]
            ],
            t("catchup_skill_model_cover"): [
                fmt.pct(v, signed=False, digits=0) for v in table["model_coverage"]
            ],
            t("catchup_skill_cover"): [
                _coverage(v, int(n))
                for v, n in zip(table["coverage"], table["checked"], strict=True)
            ],
        }
    )


def best_model(table: pd.DataFrame) -> str | None:
    """The model with the smallest back-test error, or None when none was back-tested."""
    tested = table.dropna(subset=["error"])
    return None if tested.empty else str(tested.loc[tested["error"].idxmin(), "model"])


def best_model_text(table: pd.DataFrame, measure: str) -> str:
    """One sentence naming the model that erred least here, and how its band held."""
    best = best_model(table)
    if best is None:
        return ""
    row = table.set_index("model").loc[best]
    return t(
        "catchup_skill_best",
        model=t(f"model_{best}"),
        error=skill_error(row["error"], table, measure),
        cover=t("catchup_skill_best_few", n=int(row["checked"]))
        if _too_few(row["coverage"], int(row["checked"]))
        else t("catchup_skill_best_cover", cover=_coverage(row["coverage"], int(row["checked"]))),
    )


def _too_few(share: float, checked: int) -> bool:
    """Whether a band was checked, but too few times to say how it holds."""
    return not math.isnan(share) and checked < MIN_COVERAGE_CHECKS


def _coverage(share: float, checked: int) -> str:
    """A calibrated band's measured coverage with how many checks it rests on ("—" when
    never checked; too few checks read as such, not as a share)."""
    if math.isnan(share):
        return "—"
    if _too_few(share, checked):
        return t("catchup_skill_few", n=checked)
    return t("catchup_skill_of", share=fmt.pct(share, signed=False, digits=0), n=checked)


_REQUIRED_LABEL = {"rate": "catchup_required", "change": "catchup_required_change"}
"""The label of the growth needed by :data:`REQUIRED_FORMS`."""


def _in_change(answer: pd.Series) -> bool:
    return answer.get("required_form") == REQUIRED_FORMS[1]


def _higher_is_better(answer: pd.Series) -> bool:
    """The answer's direction (higher is better unless it says otherwise)."""
    return bool(answer.get("higher_is_better", True))


def _may_fall(answer: pd.Series) -> bool:
    """Whether, higher being better, the unit reaches the benchmark even falling: the
    growth needed is below zero, and reads as the fall allowed."""
    value = answer["required_change"] if _in_change(answer) else answer["required_rate"]
    return _higher_is_better(answer) and math.isfinite(float(value)) and float(value) < 0


def required_value(answer: pd.Series, measure: str) -> str:
    """The growth needed as the answer reads it: growth a year, or a change a year in the
    indicator's units (points for a percentage), rounded the way that still reaches the
    benchmark: up when it is the least needed, down when (lower being better) the most
    allowed, so the figure set on the what-if slider arrives by the target year. A unit
    that reaches it even falling reads the fall allowed (可年降8.7%), rounded down."""
    if _may_fall(answer):  # the headline's fall allowed, said in the cell itself
        return t("catchup_may_fall", amount=required_figure(answer, measure)[1])
    rounding = "up" if _higher_is_better(answer) else "down"
    if _in_change(answer):
        return fmt.change(answer["required_change"], measure, lang(), rounding=rounding)
    return fmt.pct(answer["required_rate"], signed=False, rounding=rounding)


def required_figure(answer: pd.Series, measure: str) -> tuple[str, str, str]:
    """The headline's third figure: its label, its value and what it means. A unit that
    reaches the benchmark even falling: the fall allowed, named so by its label."""
    year = int(answer["target_year"])
    if not _may_fall(answer):
        label = t(_REQUIRED_LABEL[answer["required_form"]], year=year)
        return label, required_value(answer, measure), required_help(answer, measure)
    if _in_change(answer):
        label = t("catchup_fall_allowed_change", year=year)
        value = fmt.change(
            -answer["required_change"], measure, lang(), signed=False, rounding="down"
        )
    else:
        label = t("catchup_fall_allowed", year=year)
        value = fmt.pct(-answer["required_rate"], signed=False, rounding="down")
    return label, value, required_help(answer, measure)


def required_help(answer: pd.Series, measure: str) -> str:
    """What the required rate means, with the figures it starts from and aims at: the
    least growth needed, or, when lower is better, the most growth allowed."""
    key = "catchup_required_change_help" if _in_change(answer) else "catchup_required_help"
    if _may_fall(answer):
        key = f"{key}_fall"
    elif not _higher_is_better(answer):
        key = f"{key}_lower"
    return t(
        key,
        base=int(answer["base_year"]),
        value=fmt.amount(answer["chaser_value"], measure, lang()),
        target=int(answer["target_year"]),
        bench=fmt.amount(answer["benchmark_at_target"], measure, lang()),
    )


def chart_period(base: int, target: int, model: str) -> str:
    """What an exported catch-up chart says for its period: base year, target, model."""
    return t("catchup_chart_period", base=base, target=target, model=t(f"model_{model}"))


def crossing_mark(answer: pd.Series) -> float | None:
    """The year the chart marks as the one of overtaking: the answer's crossing year when
    its status is that the chaser catches up, else none (a unit already level or ahead
    overtakes in no year, as :func:`crossing_text` says)."""
    if answer.get("status") != STATUS_CATCHES_UP:
        return None
    return float(answer["crossing_period"])


def chart_labels(indicator: str, crossing: float | None) -> dict[str, str]:
    """Texts of the trajectory chart."""
    finite = crossing is not None and math.isfinite(crossing)
    year = int(crossing) if crossing is not None and finite else 0
    return {
        "title": t("catchup_chart_title", indicator=indicator),
        "x": t("catchup_axis_year"),
        "history": t("catchup_history"),
        "projected": t("catchup_projected"),
        "band": t("catchup_band"),
        "stated": t("catchup_stated"),
        "cross": t("catchup_cross_label", year=year) if finite else "",
        "cross_on_target": t("catchup_cross_on_target", year=year) if finite else "",
        "target": t("catchup_target_label"),
        "events": t("events"),
        "all_units": t("all_units"),
        **{f"kind_{k}": t(f"kind_{k}") for k in ("policy", "project", "definition", "other")},
    }


def chart_marks(
    path: str, version: int, tr: Trajectory, *, units: list[str], indicator: str, phases: bool
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """What the trajectory chart of ``indicator`` for ``units`` marks in the years it
    spans: the events that apply, and (with ``phases``) the campaign phases, coloured by
    where they stand today and named in the reader's language."""
    answer = tr.answers.iloc[0]
    first, last = charts.trajectory_window(tr, int(answer["target_year"]), crossing_mark(answer))
    window = (first - 0.5, last + 0.5)
    events = chart_events(data.events(path, version), units, indicator, window=window)
    if not phases:
        return events, None
    stages = phase_status(data.table(path, version, "phases"), clock.today())
    bands = chart_phases(stages, window=window)
    return events, bands.assign(name=[name(r) for r in bands.itertuples()])


@dataclass(frozen=True)
class Shown:
    """What the catch-up page's charts show: the data, the pair and every choice."""

    path: str
    version: int
    indicator: str
    """The indicator's code."""
    indicator_name: str
    measure: str
    chaser: str
    benchmarks: tuple[str, ...]
    model: str
    base: int
    """The latest year both the chaser and the first benchmark have."""
    target: int
    rates: tuple[tuple[str, float], ...]
    """The plan model's rates, by unit, sorted."""

    def key(self) -> tuple:
        """The cache key of a chart of these choices; a phase is coloured by where it
        stands today, so the day is one of them (a server that runs past midnight draws
        the next day's chart anew)."""
        return (
            self.path, self.version, self.indicator, self.chaser, self.benchmarks,
            self.model, self.target, self.rates, clock.today(),
        )  # fmt: skip


def show_charts(
    tr: Trajectory, shown: Shown, *, names: dict[str, str], stated: pd.DataFrame, facts: Caption
) -> None:
    """The trajectory chart (events marked, phases behind a toggle), the answers of every
    benchmark when there are several, and the first benchmark's time distance."""
    units = [shown.chaser, *shown.benchmarks]
    phases = st.toggle(t("catchup_phases"), key="cu_phases", help=t("catchup_phases_help"))
    key = shown.key()
    events, bands = data.built(
        ("cu_marks", *key, phases),
        partial(chart_marks, shown.path, shown.version, tr, units=units,
                indicator=shown.indicator, phases=phases),
    )  # fmt: skip
    crossing = crossing_mark(tr.answers.iloc[0])
    labels = chart_labels(shown.indicator_name, crossing)
    trajectory = partial(
        charts.trajectory_figure, tr, names, shown.chaser, stated=stated, labels=labels,
        measure=shown.measure, target_year=shown.target, crossing=crossing, events=events,
        phases=bands, lang=lang(),
    )  # fmt: skip
    chart_with_downloads(
        st, trajectory, facts=facts, key="cu_trajectory", cache_key=("cu_trajectory", *key, phases)
    )
    for note in marks_notes(events, bands):
        st.caption(note)
    if len(tr.answers) > 1:
        table = answers_table(tr.answers, names, shown.measure, model=shown.model)
        widgets.table(st, table, hide_index=True)
    first = shown.benchmarks[0]
    distance = tr.distance[tr.distance["benchmark_code"] == first]
    if distance["time_distance"].notna().any():
        title = t("catchup_distance_title", name=names[first])
        gap_years = partial(charts.distance_figure, distance, title, t("catchup_axis_year"))
        gap_years = partial(gap_years, y_title=t("catchup_distance_axis"))
        chart_with_downloads(
            st, gap_years, facts=facts, key="cu_distance", cache_key=("cu_distance", *key)
        )
        st.caption(t("catchup_distance_help"))


def marks_notes(events: pd.DataFrame, bands: pd.DataFrame | None) -> list[str]:
    """Captions under the chart: how to read the event marks, or that no phase is in view."""
    notes = [t("catchup_events_help")] if len(events) else []
    if bands is not None and bands.empty:
        notes.append(t("catchup_no_phases"))
    return notes


def answers_table(
    answers: pd.DataFrame, names: dict[str, str], measure: str, *, model: str
) -> pd.DataFrame:
    """One row per benchmark, formatted for reading (the same answers as the headline)."""
    answers = answers[answers["status"] != "missing"]
    if answers.empty:
        return pd.DataFrame()
    year = int(answers["target_year"].iloc[0])
    return pd.DataFrame(
        {
            t("catchup_benchmarks"): answers["benchmark_code"].map(names),
            t("catchup_gap", year=int(answers["base_year"].iloc[0])): [
                gap_value(r, measure) for _, r in answers.iterrows()
            ],
            t("catchup_crossing"): [crossing_text(r, model) for _, r in answers.iterrows()],
            _required_heading(answers, year): [
                required_value(r, measure) for _, r in answers.iterrows()
            ],
            t("catchup_probability", year=year): [
                probability_text(r)[0] for _, r in answers.iterrows()
            ],
        }
    )


def _required_heading(answers: pd.DataFrame, year: int) -> str:
    """The answers table's heading for the growth needed: as the headline names it when
    every row reads the same way."""
    forms = set(answers["required_form"])
    if len(forms) > 1:
        return t("catchup_required_either", year=year)
    return t(_REQUIRED_LABEL[forms.pop()], year=year)


def audit_lines(flags: pd.DataFrame, names: dict[str, str], measure: str) -> list[str]:
    """One markdown sentence per inconsistent plan line (unit names escaped), its three
    amounts in one measure; what the growth gives keeps one decimal more than the plan's
    figures (3.5 × 1.15 reads 4.025亿元, not a rounded 4.02 or 4.03)."""
    lines = []
    for r in flags.itertuples():
        scale = display_scale([r.stated, r.previous, r.implied], measure, lang())
        lines.append(
            t(
                "catchup_audit_line",
                unit=fmt.md(names.get(r.unit, r.unit)),
                year=int(r.period),
                stated=fmt.scaled(r.stated, scale, lang()),
                previous=fmt.scaled(r.previous, scale, lang()),
                growth=fmt.pct(r.growth),
                implied=fmt.scaled(r.implied, scale, lang(), finer=1),
                dev=fmt.pct(r.deviation),
                implied_growth=fmt.pct(r.implied_growth),
            )
        )
    return lines


def model_rates_text(answer: pd.Series, model: str, benchmark: str, *, measure: str) -> str:
    """For a model that ignores the growth sliders: say so, with the rates it implies
    (a change a year where the answer reads so)."""
    if _in_change(answer):
        return t(
            "catchup_changes_model",
            model=t(f"model_{model}"),
            base=int(answer["base_year"]),
            target=int(answer["target_year"]),
            ours=fmt.change(answer["chaser_change"], measure, lang()),
            theirs=fmt.change(answer["benchmark_change"], measure, lang()),
            name=fmt.md(benchmark),
        )
    return t(
        "catchup_rates_model",
        model=t(f"model_{model}"),
        base=int(answer["base_year"]),
        target=int(answer["target_year"]),
        ours=fmt.pct(answer["chaser_rate"]),
        theirs=fmt.pct(answer["benchmark_rate"]),
        name=fmt.md(benchmark),
    )


def show_skill(container: DeltaGenerator, skill: pd.DataFrame, measure: str) -> None:
    """Under the model picker: which model erred least here, and the back-test table."""
    if not skill["forecasts"].sum():
        container.caption(t("catchup_skill_none"))
        return
    container.caption(best_model_text(skill, measure))
    box = folded(container, t("catchup_skill_title"), key="cu_skill_box")
    if box.open:
        widgets.table(box, skill_table(skill, measure), hide_index=True)
        box.caption(t("catchup_skill_help", n=MIN_COVERAGE_CHECKS))


def crossing_headline(answer: pd.Series, model: str) -> tuple[str, str | None]:
    """The year of overtaking as the headline figure shows it: a value short enough not
    to be cut off (a year, 已领先, 已持平, 无法赶超, 30年以上) and, where the value alone does not
    say why, the reason for the line under it (the answers table keeps
    :func:`crossing_text`'s whole sentence)."""
    status = answer.get("status")
    if status == STATUS_NOT_FASTER:
        why = t("catchup_never_why_cagr") if model == "cagr" else t("catchup_never_why_plan")
        return t("catchup_never"), why
    if status == STATUS_NOT_WITHIN_HORIZON:
        return t("catchup_beyond", n=HORIZON), t("catchup_not_within", n=HORIZON)
    return crossing_text(answer, model), None


def gap_value(answer: pd.Series, measure: str) -> str:
    """The gap as read: in points for an indicator in %, else in its measure; a unit
    ahead reads its lead (领先10.71亿元), never a gap below zero."""
    gap = float(answer["gap"])
    if _leads(answer):
        return t("catchup_lead", amount=fmt.change(-gap, measure, lang(), signed=False))
    return fmt.change(gap, measure, lang(), signed=False)


def _leads(answer: pd.Series) -> bool:
    """Whether the unit is ahead of the benchmark now (the gap, positive when behind, is
    below zero and the two are not level within the standing's slack)."""
    return float(answer["gap"]) < 0 and answer.get("standing") != STANDING_LEVEL


def gap_label(answer: pd.Series) -> str:
    """The headline gap's label: the gap now, or, for a unit ahead, its lead now."""
    return t("catchup_lead_now" if _leads(answer) else "catchup_gap", year=int(answer["base_year"]))


def gap_figure(answer: pd.Series, measure: str) -> tuple[str, str]:
    """The headline gap (a unit ahead: its lead, as :func:`gap_label` names it) and the
    line under it: its share of the benchmark, or, for an indicator in % (where that share
    means nothing), both levels."""
    gap = float(answer["gap"])
    value = fmt.change(-gap if _leads(answer) else gap, measure, lang(), signed=False)
    if reads_in_points(measure):
        ours = fmt.amount(answer["chaser_value"], measure, lang())
        bench = fmt.amount(answer["benchmark_value"], measure, lang())
        return value, t("catchup_gap_levels", ours=ours, bench=bench)
    return value, t("catchup_gap_ratio", ratio=fmt.pct(abs(answer["gap_ratio"]), signed=False))


def show_headline(answer: pd.Series, *, measure: str, target: int, model: str) -> None:
    """The four figures: the gap now, the year of overtaking, the growth needed, the chance."""
    chance, chance_help = probability_text(answer)
    gap, under = gap_figure(answer, measure)
    label_of_gap = gap_label(answer)
    crossing, why = crossing_headline(answer, model)
    label, value, meaning = required_figure(answer, measure)
    chance_label = t("catchup_probability", year=target)
    row = figures(st, "catchup")
    # a figure, the line under it and its help are markdown: the typed measure as typed
    md = fmt.md
    row.metric(label_of_gap, md(gap), md(under), delta_color="off", delta_arrow="off")
    row.metric(
        t("catchup_crossing"), md(crossing), why and md(why), delta_color="off", delta_arrow="off"
    )
    row.metric(label, md(value), help=md(meaning))
    last = row.container()
    last.metric(chance_label, md(chance), help=md(chance_help))
    if chance == "—":
        last.caption(md(chance_help))


def show_plan_audit(
    audit: tuple[tuple[int, float, float] | None, pd.DataFrame],
    names: dict[str, str],
    *,
    measure: str,
) -> None:
    """The plan audit (:func:`bxgc_ui.data.plan_audit_of`): the plan's own conclusion and
    each line that does not add up."""
    st.subheader(t("catchup_audit_title"))
    verdict, flags = audit
    if verdict:
        year, ours, theirs = verdict
        st.success(
            t(
                "catchup_plan_verdict",
                year=year,
                ours=fmt.md(fmt.amount(ours, measure, lang())),
                theirs=fmt.md(fmt.amount(theirs, measure, lang())),
            )
        )
    if flags.empty:
        st.info(t("catchup_audit_ok"))
        return
    st.warning(t("catchup_audit_flags", n=len(flags)))
    for line in audit_lines(flags, names, measure):
        st.markdown(f"- {line}")
