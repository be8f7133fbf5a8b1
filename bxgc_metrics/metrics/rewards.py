"""Rewards and penalties from a rules table (奖惩), itemised so that every yuan is explained.

The rules are data, not code: :func:`load_default_rules` reads plan four's rules from
``bxgc_metrics/data/reward_rules.csv`` and a campaign with other amounts edits a copy of
that table. Rule kinds:

``rank_gain``
    ``amount_yuan`` per place gained on the same assessment a year earlier (同比).
``top_rank``
    ``amount_yuan`` and ``points`` for a rank between ``rank_from`` and ``rank_to``.
``single_award``
    Single-item awards (单项工作奖); the amount is given per award and must lie within
    ``amount_min_yuan`` .. ``amount_max_yuan``.
``criticism``
    A public criticism of the given ``level`` docks ``fraction`` of the annual bonus and,
    if ``bars_excellent``, bars the 优秀 grade.

``missed_report``
    Docks ``amount_yuan`` (and ``points``, when set) for each report counted under the
    rule's ``level``: ``late`` (迟报: reported after the due date) or ``missing`` (漏报: not
    reported by the assessment date), read from the counts passed as ``missed_reports``
    (:func:`bxgc_metrics.metrics.reporting.yearly_counts`). With ``bars_excellent``, a unit
    with any such report loses the 优秀 grade. Plan four names the offence (虚报瞒报、漏统
    漏报的责任部门，追究主要领导和相关责任人的责任) but no amount, so the default rules have
    no such rule and nothing is docked until a campaign adds one, e.g.
    ``missed_missing,missed_report,year,,,missing,500,,,0,,false,漏统漏报扣发考核奖金,Bonus docked for missing reports``.

``period_kind`` is ``half``, ``year`` or ``any``.

How docking applies: criticisms are a year-end matter (the plan docks the *annual*
comprehensive assessment bonus), so they are accepted only with ``period_kind="year"``.
The docked base is the unit's ``base_bonus`` when given (its 年度综合考核奖金), else the
year-end reward the rules compute for it (rank gain + top rank + single-item awards). A
unit criticised more than once loses the sum of the fractions, at most 100 %. Points are
not docked by criticisms. Missed-report deductions are fixed amounts per report, docked
after the criticisms and not capped: they do not change the base a criticism docks from,
and a unit's net may fall below zero when they exceed what the rules award it (the rest is
docked from its 年度综合考核奖金, which these rules do not compute).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

REWARD_KINDS = ("rank_gain", "top_rank", "single_award", "criticism", "missed_report")
"""The rule kinds, as the module's introduction describes them."""
PERIOD_KINDS = ("half", "year", "any")
"""The assessments a rule applies to: half-year, year-end, or either."""

RULE_COLUMNS = [
    "rule_id",
    "kind",
    "period_kind",
    "rank_from",
    "rank_to",
    "level",
    "amount_yuan",
    "amount_min_yuan",
    "amount_max_yuan",
    "points",
    "fraction",
    "bars_excellent",
    "note_zh",
    "note_en",
]
"""Columns of a rules table."""
ITEM_COLUMNS = ["unit", "rule_id", "description_zh", "description_en", "amount_yuan", "points"]
"""Columns of :attr:`Rewards.items`."""
TOTAL_COLUMNS = ["unit", "amount_yuan", "points", "excellent_allowed"]
"""Columns of :attr:`Rewards.totals`."""


@dataclass(frozen=True, eq=False)
class Rewards:
    """The outcome of :func:`compute_rewards`."""

    totals: pd.DataFrame
    """One row per unit (:data:`TOTAL_COLUMNS`): net ``amount_yuan`` after docking,
    assessment ``points`` and whether an 优秀 grade is still allowed."""
    items: pd.DataFrame
    """One row per reward or deduction (:data:`ITEM_COLUMNS`); deductions are negative."""


def load_default_rules() -> pd.DataFrame:
    """Plan four's reward rules as a DataFrame with :data:`RULE_COLUMNS`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> rules = load_default_rules()
    >>> rules.set_index("rule_id").loc[["gain_half", "gain_year"], "amount_yuan"].tolist()
    [1000.0, 2000.0]
    >>> rules.loc[rules["kind"] == "top_rank", "points"].tolist()
    [0.0, 0.0, 0.0, 1.5, 1.0, 0.5]
    """
    source = resources.files("bxgc_metrics").joinpath("data/reward_rules.csv")
    with source.open("rb") as handle:
        rules = pd.read_csv(handle, dtype={"level": "str", "note_zh": "str", "note_en": "str"})
    return rules[RULE_COLUMNS]


def _applicable(rules: pd.DataFrame, kind: str, period_kind: str) -> pd.DataFrame:
    """Rules of one kind that apply to this assessment."""
    return rules[(rules["kind"] == kind) & rules["period_kind"].isin([period_kind, "any"])]


def _items(frame: pd.DataFrame, detail_zh: pd.Series, detail_en: pd.Series) -> pd.DataFrame:
    """Item rows: the rule's note plus a detail saying how the amount arose."""
    return pd.DataFrame(
        {
            "unit": frame["unit"],
            "rule_id": frame["rule_id"],
            "description_zh": frame["note_zh"] + "（" + detail_zh + "）",
            "description_en": frame["note_en"] + " (" + detail_en + ")",
            "amount_yuan": frame["amount_yuan"].astype(float),
            "points": frame["points"].fillna(0.0).astype(float),
        }
    )


def _yuan(amount: pd.Series) -> pd.Series:
    """Whole yuan as text."""
    return amount.round().astype("int64").astype(str)


def _gain_items(rules: pd.DataFrame, standings: pd.DataFrame, period_kind: str) -> pd.DataFrame:
    """Per-place rewards for rank gains (only gains count; losses are not fined)."""
    gained = (standings["previous_rank"] - standings["rank"]).astype("Float64").fillna(0)
    movers = standings.assign(gained=gained.astype(float))[gained.to_numpy() > 0]
    rows = movers.merge(_applicable(rules, "rank_gain", period_kind), how="cross")
    per_place = rows["amount_yuan"]
    rows = rows.assign(amount_yuan=rows["gained"] * per_place, points=rows["points"] * 0)
    places = rows["gained"].astype("int64").astype(str)
    detail_zh = "上升" + places + "位×" + _yuan(per_place) + "元"
    detail_en = "up " + places + " places × " + _yuan(per_place) + " yuan"
    return _items(rows, detail_zh, detail_en)


def _top_items(rules: pd.DataFrame, standings: pd.DataFrame, period_kind: str) -> pd.DataFrame:
    """Rewards and points for top places."""
    rows = standings.merge(_applicable(rules, "top_rank", period_kind), how="cross")
    rows = rows[(rows["rank"] >= rows["rank_from"]) & (rows["rank"] <= rows["rank_to"])]
    place = rows["rank"].astype("int64").astype(str)
    return _items(rows, "第" + place + "名", "place " + place)


def _award_items(rules: pd.DataFrame, awards: pd.DataFrame, period_kind: str) -> pd.DataFrame:
    """Single-item awards, each checked against the rule's allowed range."""
    rule = _applicable(rules, "single_award", period_kind)
    if rule.empty:
        raise ValueError(f"no single_award rule applies to period_kind={period_kind!r}")
    rows = awards[["unit", "amount_yuan"]].merge(
        rule.drop(columns="amount_yuan").iloc[:1], how="cross"
    )
    outside = (rows["amount_yuan"] < rows["amount_min_yuan"]) | (
        rows["amount_yuan"] > rows["amount_max_yuan"]
    )
    if outside.any():
        bad = rows[outside].iloc[0]
        raise ValueError(
            f"single-item award of {bad['amount_yuan']} yuan for {bad['unit']!r} is outside "
            f"{bad['amount_min_yuan']:.0f}-{bad['amount_max_yuan']:.0f} yuan"
        )
    return _items(rows, _yuan(rows["amount_yuan"]) + "元", _yuan(rows["amount_yuan"]) + " yuan")


def _criticism_items(
    rules: pd.DataFrame,
    criticisms: pd.DataFrame,
    earned: pd.Series,
    *,
    base_bonus: pd.Series | None,
) -> tuple[pd.DataFrame, pd.Index]:
    """Deductions (one item per criticism) and the units barred from 优秀."""
    rows = criticisms[["unit", "level"]].merge(
        rules[rules["kind"] == "criticism"], on="level", how="left"
    )
    if rows["rule_id"].isna().any():
        unknown = sorted(rows.loc[rows["rule_id"].isna(), "level"].astype(str).unique())
        raise ValueError(f"no criticism rule for level(s) {unknown}")
    total_fraction = rows.groupby("unit")["fraction"].transform("sum")
    scale = np.minimum(1.0, total_fraction) / total_fraction  # cap the sum at 100 %
    base = (base_bonus if base_bonus is not None else earned).reindex(rows["unit"]).fillna(0.0)
    docked = -rows["fraction"] * scale * base.to_numpy()
    rows = rows.assign(amount_yuan=docked + 0.0, points=0.0)
    percent = (rows["fraction"] * scale * 100).round(1).astype(str) + "%"
    items = _items(rows, "扣" + percent, percent + " docked")
    barred = pd.Index(rows.loc[rows["bars_excellent"].astype(bool), "unit"].unique())
    return items, barred


MISSED_LEVELS = {"late": ("迟报", "late"), "missing": ("漏报", "missing")}
"""The ``level`` of a ``missed_report`` rule: the counts column it reads, in words."""


def _missed_items(
    rules: pd.DataFrame, counts: pd.DataFrame, period_kind: str
) -> tuple[pd.DataFrame, pd.Index]:
    """Deductions for late and missing reports (one item per unit and rule) and the units
    barred from 优秀."""
    rule = _applicable(rules, "missed_report", period_kind)
    if rule.empty:
        return pd.DataFrame(columns=ITEM_COLUMNS), pd.Index([])
    unknown = sorted(set(rule["level"].astype(str)) - set(MISSED_LEVELS))
    if unknown:
        raise ValueError(f"missed_report rules count 'late' or 'missing', not {unknown}")
    if rule["amount_yuan"].isna().any() or (rule["amount_yuan"] < 0).any():
        raise ValueError("a missed_report rule needs amount_yuan, the yuan docked per report")
    frame = counts if "unit" in counts else counts.rename(columns={"unit_code": "unit"})
    levels = list(dict.fromkeys(rule["level"].astype(str)))
    absent = [c for c in ["unit", *levels] if c not in frame]
    if absent:
        raise ValueError(f"the missed-report counts have no column {absent}")
    long = frame.melt(id_vars="unit", value_vars=levels, var_name="level", value_name="count")
    rows = long.merge(rule, on="level")
    rows = rows[rows["count"].fillna(0).to_numpy() > 0]
    count, per = rows["count"].astype(float), rows["amount_yuan"].astype(float)
    per_points = rows["points"].fillna(0.0).astype(float)
    rows = rows.assign(amount_yuan=-count * per + 0.0, points=-count * per_points + 0.0)
    times = count.astype("int64").astype(str)
    word_zh = rows["level"].map(lambda v: MISSED_LEVELS[v][0])
    word_en = rows["level"].map(lambda v: MISSED_LEVELS[v][1])
    points_zh = per_points.map(lambda v: f"、{v:g}分" if v else "")
    points_en = per_points.map(lambda v: f" and {v:g} points" if v else "")
    detail_zh = word_zh + times + "次，每次扣" + _yuan(per) + "元" + points_zh
    detail_en = word_en + " " + times + " times, " + _yuan(per) + " yuan" + points_en + " each"
    barred = pd.Index(rows.loc[rows["bars_excellent"].astype(bool), "unit"].unique())
    return _items(rows, detail_zh, detail_en), barred


def _as_series(base_bonus: Mapping[str, float] | pd.Series | None) -> pd.Series | None:
    """Base bonus per unit as a float Series, or None."""
    return None if base_bonus is None else pd.Series(base_bonus, dtype=float)


def _totals(items: pd.DataFrame, units: pd.Index, barred: pd.Index) -> pd.DataFrame:
    """Sum the items per unit; every known unit gets a row, in order of first appearance."""
    sums = items.groupby("unit")[["amount_yuan", "points"]].sum().reindex(units, fill_value=0.0)
    sums = sums.rename_axis("unit").reset_index()
    return sums.assign(excellent_allowed=~sums["unit"].isin(barred))[TOTAL_COLUMNS]


def compute_rewards(
    rules: pd.DataFrame,
    standings: pd.DataFrame,
    period_kind: str,
    *,
    awards: pd.DataFrame | None = None,
    criticisms: pd.DataFrame | None = None,
    base_bonus: Mapping[str, float] | pd.Series | None = None,
    missed_reports: pd.DataFrame | None = None,
) -> Rewards:
    """Apply a rules table to one assessment (half-year or year-end) and explain each amount.

    See the module docstring for exactly how criticisms dock the bonus.

    Parameters
    ----------
    rules
        A rules table with :data:`RULE_COLUMNS` (e.g. :func:`load_default_rules`).
    standings
        Columns ``unit, rank, previous_rank``: this assessment's rank and the rank at
        the same assessment a year earlier (missing: no rank-gain reward).
    period_kind
        ``half`` or ``year``.
    awards
        Single-item awards: columns ``unit, amount_yuan``, one row per award.
    criticisms
        Public criticisms: columns ``unit, level`` (``city`` or ``province`` in the
        default rules). Year-end only.
    base_bonus
        Unit → annual bonus to dock criticisms from; default the year-end reward.
    missed_reports
        Late and missing reports per unit: columns ``unit`` (or ``unit_code``), ``late``,
        ``missing``, as :func:`bxgc_metrics.metrics.reporting.yearly_counts` returns them.
        Docked only by ``missed_report`` rules; without such a rule they change nothing.

    Returns
    -------
    Rewards
        ``totals`` and itemised ``items``.

    Raises
    ------
    ValueError
        For an unknown ``period_kind``, an award outside the allowed range, an unknown
        criticism level, criticisms at a half-year assessment, or a ``missed_report`` rule
        with an unknown level or no amount (or counts without its column).

    Examples
    --------
    Year-end: A rose from 5th to 2nd, 3 × 2,000 + 6,000 = 12,000 元 and 1 point; B
    stayed 1st, 10,000 元 and 1.5 points, less 10 % for a city-level criticism.

    >>> standings = pd.DataFrame({"unit": ["A", "B"], "rank": [2, 1], "previous_rank": [5, 1]})
    >>> criticisms = pd.DataFrame({"unit": ["B"], "level": ["city"]})
    >>> result = compute_rewards(load_default_rules(), standings, "year", criticisms=criticisms)
    >>> result.totals.values.tolist()
    [['A', 12000.0, 1.0, True], ['B', 9000.0, 1.5, False]]
    >>> result.items["description_en"].tolist()[:1]
    ['Year-end ranking: reward per place gained on last year (up 3 places × 2000 yuan)']
    """
    if period_kind not in ("half", "year"):
        raise ValueError("period_kind must be 'half' or 'year'")
    parts = [_gain_items(rules, standings, period_kind), _top_items(rules, standings, period_kind)]
    if awards is not None and not awards.empty:
        parts.append(_award_items(rules, awards, period_kind))
    earned = pd.concat(parts, ignore_index=True)
    units = pd.Index(standings["unit"]).append(pd.Index(earned["unit"])).unique()
    barred = pd.Index([])
    if criticisms is not None and not criticisms.empty:
        if period_kind != "year":
            raise ValueError("criticisms dock the annual bonus; pass them with period_kind='year'")
        by_unit = earned.groupby("unit")["amount_yuan"].sum()
        docked, barred = _criticism_items(
            rules, criticisms, by_unit, base_bonus=_as_series(base_bonus)
        )
        earned = pd.concat([earned, docked], ignore_index=True)
        units = units.append(pd.Index(criticisms["unit"])).unique()
    if missed_reports is not None and not missed_reports.empty:
        docked, missed_barred = _missed_items(rules, missed_reports, period_kind)
        if not docked.empty:
            earned = pd.concat([earned, docked], ignore_index=True)
            units = units.append(pd.Index(docked["unit"])).unique()
            barred = barred.append(missed_barred).unique()
    items = earned.sort_values("unit", kind="stable", ignore_index=True)[ITEM_COLUMNS]
    return Rewards(totals=_totals(items, units, barred), items=items)
