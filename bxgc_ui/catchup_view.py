"""What the catch-up page needs between the data and the widgets: choices, defaults, labels."""

from __future__ import annotations

import math

import pandas as pd

from bxgc_metrics.metrics.catchup import (
    STATUS_CATCHES_UP,
    STATUS_LEVEL,
    STATUS_NO_PROJECTION,
    STATUS_NOT_FASTER,
    STATUS_NOT_WITHIN_HORIZON,
)
from bxgc_metrics.tables.trajectory import HORIZON, default_rate
from bxgc_ui import fmt
from bxgc_ui.i18n import lang, name, t


def names(units: pd.DataFrame) -> dict[str, str]:
    """Display name of every unit, in the reader's language."""
    return {row.code: name(row) for row in units.itertuples()}


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


def default_rates(
    annual: pd.DataFrame, units: list[str], stated: dict[str, float]
) -> dict[str, float]:
    """Slider defaults in %: the plan's stated rate, else the last three years' CAGR."""
    out = {}
    for unit in units:
        rate = stated.get(unit)
        if rate is None:
            rate = default_rate(annual[annual["unit_code"] == unit].set_index("year")["value"])
        out[unit] = round(0.0 if math.isnan(rate) else rate * 100, 1)
    return out


def crossing_text(answer: pd.Series, model: str) -> str:
    """The year of overtaking under ``model``, or why there is none (statuses of
    :attr:`bxgc_metrics.tables.trajectory.Trajectory.answers`)."""
    status = answer.get("status")
    if status == STATUS_LEVEL:
        return t("catchup_ahead")
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
    key = "catchup_probability_fixed" if note == "no_error_model" else "catchup_probability_short"
    return "—", t(key)


def required_help(answer: pd.Series, measure: str) -> str:
    """What the required rate means, with the figures it starts from and aims at."""
    return t(
        "catchup_required_help",
        base=int(answer["base_year"]),
        value=fmt.amount(answer["chaser_value"], measure, lang()),
        target=int(answer["target_year"]),
        bench=fmt.amount(answer["benchmark_at_target"], measure, lang()),
    )


def chart_labels(indicator: str, crossing: float) -> dict[str, str]:
    """Texts of the trajectory chart."""
    finite = isinstance(crossing, float | int) and not math.isnan(float(crossing))
    year = int(crossing) if finite else 0
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
    }


def answers_table(
    answers: pd.DataFrame, names: dict[str, str], measure: str, model: str
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
                fmt.amount(v, measure, lang()) for v in answers["gap"]
            ],
            t("catchup_crossing"): [crossing_text(r, model) for _, r in answers.iterrows()],
            t("catchup_required", year=year): [
                fmt.pct(v, signed=False) for v in answers["required_rate"]
            ],
            t("catchup_probability", year=year): [
                probability_text(r)[0] for _, r in answers.iterrows()
            ],
        }
    )


def audit_lines(flags: pd.DataFrame, names: dict[str, str], measure: str) -> list[str]:
    """One markdown sentence per inconsistent plan line (unit names escaped)."""
    return [
        t(
            "catchup_audit_line",
            unit=fmt.md(names.get(r.unit, r.unit)),
            year=int(r.period),
            stated=fmt.amount(r.stated, measure, lang()),
            previous=fmt.amount(r.previous, measure, lang()),
            growth=fmt.pct(r.growth),
            implied=f"{r.implied:.3f}",
            dev=fmt.pct(r.deviation),
            implied_growth=fmt.pct(r.implied_growth),
        )
        for r in flags.itertuples()
    ]


def model_rates_text(answer: pd.Series, model: str, benchmark: str) -> str:
    """For a model that ignores the growth sliders: say so, with the rates it implies."""
    return t(
        "catchup_rates_model",
        model=t(f"model_{model}"),
        base=int(answer["base_year"]),
        target=int(answer["target_year"]),
        ours=fmt.pct(answer["chaser_rate"]),
        theirs=fmt.pct(answer["benchmark_rate"]),
        name=fmt.md(benchmark),
    )
