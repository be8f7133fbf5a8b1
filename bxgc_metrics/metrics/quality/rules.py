"""Consistency rules as data (一致性规则): relations between figures that must hold.

Like the reward rules, the rules are a table, not code: :func:`load_default_quality_rules`
reads ``bxgc_metrics/data/quality_rules.csv`` and a campaign edits a copy. Columns
(:data:`QUALITY_RULE_COLUMNS`): ``rule_id, kind, left, right, tolerance, note_zh,
note_en``. Kinds:

``le``
    For every unit and period, indicator ``left`` ≤ indicator ``right`` × (1 +
    ``tolerance``): a part never exceeds its whole (工业投资 ≤ 固定资产投资).
``sum_le``
    For every parent unit (``units.parent_code``) and period, the sum of ``left`` over its
    child units ≤ the parent's own ``right`` × (1 + ``tolerance``); ``right`` left blank
    means ``left`` (the sum of the sub-districts ≤ the city total).

Both sides are compared in like terms: actual figures of the same period and the same
cumulative flag (year-to-date with year-to-date), the left side converted into the right
side's measure (亿元 → 万元). A blank tolerance is 0.

The default rules use the demo's indicators where the relation truly holds: industrial and
infrastructure investment are parts of fixed-asset investment, and the city totals of
budget revenue, fixed-asset investment and retail sales include every sub-district's.
The demo's units have no parents, so its ``sum_le`` rules wait for real data.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from typing import ClassVar

import numpy as np
import pandas as pd

from bxgc_metrics.errors import ValidationError
from bxgc_metrics.measures import conversion_factor
from bxgc_metrics.metrics.quality.flags import (
    FACT_TOLERANCE,
    actuals,
    amounts,
    empty_flags,
    make_flags,
    percents,
    period_words,
)

QUALITY_RULE_COLUMNS = ["rule_id", "kind", "left", "right", "tolerance", "note_zh", "note_en"]
"""Columns of a consistency rules table."""
RULE_KINDS = ("le", "sum_le")
"""The kinds of rule :func:`check_consistency` knows."""

_PERIOD = ["freq", "year", "sub", "cumulative"]


class QualityRuleError(ValidationError):
    """A consistency rules table that cannot be used; the message names the row and column."""

    _PROBLEMS: ClassVar[dict[str, tuple[str, str]]] = {
        "missing_column": ("缺少列", "the column is missing"),
        "blank": ("不能为空", "must not be blank"),
        "duplicate": ("规则编号重复", "the rule id is used twice"),
        "kind": ("规则类型应为 le 或 sum_le", "the kind must be le or sum_le"),
        "unknown_code": ("不是已有的指标代码", "is not a known indicator code"),
        "tolerance": ("容差应为不小于0的数", "the tolerance must be a number of at least 0"),
        "measures": ("两侧指标的计量单位无法换算", "the two indicators' measures do not convert"),
    }

    @classmethod
    def at(
        cls, problem: str, *, row: int | None, column: str, value: object = ""
    ) -> QualityRuleError:
        """The error for ``problem`` at data row ``row`` (1-based; ``None`` for the table)."""
        zh, en = cls._PROBLEMS[problem]
        shown = "" if value == "" else f" {value!r}"
        if row is None:
            return cls(f"质量规则表的“{column}”列：{zh}", f"Quality rules, column '{column}': {en}")
        return cls(
            f"质量规则第 {row} 行“{column}”列{shown}：{zh}",
            f"Quality rules row {row}, column '{column}'{shown}: {en}",
        )


def load_default_quality_rules() -> pd.DataFrame:
    """The shipped consistency rules, validated, with :data:`QUALITY_RULE_COLUMNS`.

    Examples
    --------
    >>> rules = load_default_quality_rules()
    >>> rules.loc[rules["kind"] == "le", ["left", "right"]].values.tolist()
    [['IND_INV', 'FAI'], ['INFRA', 'FAI']]
    """
    source = resources.files("bxgc_metrics").joinpath("data/quality_rules.csv")
    with source.open("rb") as handle:
        rules = pd.read_csv(handle, dtype=str, keep_default_na=False, encoding="utf-8")
    return validate_quality_rules(rules)


def _blank(value: object) -> bool:
    return (
        value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""
    )


def _tolerance(value: object, row: int) -> float:
    if _blank(value):
        return 0.0
    try:
        number = float(str(value).strip())
    except ValueError:
        raise QualityRuleError.at("tolerance", row=row, column="tolerance", value=value) from None
    if not np.isfinite(number) or number < 0:
        raise QualityRuleError.at("tolerance", row=row, column="tolerance", value=value)
    return number


def _clean_rule(
    record: dict[str, object], *, row: int, known: set[str] | None
) -> dict[str, object]:
    """One rule, trimmed and completed, or the error naming its row and column."""
    clean = {k: "" if _blank(v) else str(v).strip() for k, v in record.items()}
    if not clean["rule_id"]:
        raise QualityRuleError.at("blank", row=row, column="rule_id")
    if clean["kind"] not in RULE_KINDS:
        raise QualityRuleError.at("kind", row=row, column="kind", value=clean["kind"])
    if clean["kind"] == "sum_le" and not clean["right"]:
        clean["right"] = clean["left"]
    for side in ("left", "right"):
        if not clean[side]:
            raise QualityRuleError.at("blank", row=row, column=side)
        if known is not None and clean[side] not in known:
            raise QualityRuleError.at("unknown_code", row=row, column=side, value=clean[side])
    for note in ("note_zh", "note_en"):
        clean[note] = clean[note] or f"{clean['left']} ≤ {clean['right']}"
    return {**clean, "tolerance": _tolerance(record["tolerance"], row)}


def validate_quality_rules(
    frame: pd.DataFrame, *, indicator_codes: Iterable[str] | None = None
) -> pd.DataFrame:
    """Check a consistency rules table and return it cleaned.

    Parameters
    ----------
    frame
        A rules table with :data:`QUALITY_RULE_COLUMNS`.
    indicator_codes
        The known indicator codes; when given, ``left`` and ``right`` must be among them.

    Returns
    -------
    pandas.DataFrame
        The rules with :data:`QUALITY_RULE_COLUMNS`: codes and kinds trimmed, ``right``
        of a ``sum_le`` rule filled with ``left``, ``tolerance`` a float (blank is 0),
        blank notes filled with ``left ≤ right``.

    Raises
    ------
    QualityRuleError
        For a missing column, a blank or repeated ``rule_id``, an unknown ``kind``, a
        blank or unknown code, or a tolerance that is not a number ≥ 0, naming the row
        (1-based) and the column in Chinese and English.

    Examples
    --------
    >>> bad = pd.DataFrame({"rule_id": ["r1"], "kind": ["lt"], "left": ["TAX"],
    ...     "right": ["GBR"], "tolerance": [""], "note_zh": [""], "note_en": [""]})
    >>> validate_quality_rules(bad)
    Traceback (most recent call last):
    ...
    bxgc_metrics.metrics.quality.rules.QualityRuleError: 质量规则第 1 行“kind”列 'lt'：规则类型应为 le 或 sum_le / Quality rules row 1, column 'kind' 'lt': the kind must be le or sum_le
    """
    for column in QUALITY_RULE_COLUMNS:
        if column not in frame:
            raise QualityRuleError.at("missing_column", row=None, column=column)
    known = None if indicator_codes is None else set(indicator_codes)
    rows: list[dict[str, object]] = []
    for row, record in enumerate(frame[QUALITY_RULE_COLUMNS].to_dict("records"), start=1):
        rule = _clean_rule(record, row=row, known=known)
        if any(r["rule_id"] == rule["rule_id"] for r in rows):
            raise QualityRuleError.at("duplicate", row=row, column="rule_id", value=rule["rule_id"])
        rows.append(rule)
    rules = pd.DataFrame(rows, columns=QUALITY_RULE_COLUMNS)
    return rules.astype({"tolerance": float})


def _sides(
    figures: pd.DataFrame, indicators: pd.DataFrame, rule: pd.Series, *, row: int
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Actual figures (``figures`` holds them, one row per figure) of the rule's left side
    (in the right side's measure) and right side."""
    measures = indicators.drop_duplicates("code").set_index("code")["measure"]
    left_measure = measures.get(rule["left"])
    right_measure = measures.get(rule["right"])
    right_measure = None if pd.isna(right_measure) else str(right_measure)
    factor = (
        1.0
        if right_measure is None
        else conversion_factor(None if pd.isna(left_measure) else str(left_measure), right_measure)
    )
    if factor is None:
        raise QualityRuleError.at(
            "measures", row=row, column="left", value=f"{left_measure} → {right_measure}"
        )
    columns = ["unit_code", *_PERIOD, "value"]
    code = figures["indicator_code"]
    left = figures.loc[(code == rule["left"]).to_numpy(), columns]
    right = figures.loc[(code == rule["right"]).to_numpy(), columns]
    return left.assign(value=left["value"] * factor), right, right_measure or ""


def _broken(pairs: pd.DataFrame, tolerance: float) -> pd.DataFrame:
    """The pairs whose ``left`` exceeds ``right`` beyond the tolerance, with the margin."""
    allowed = pairs["right"] + (tolerance + FACT_TOLERANCE) * pairs["right"].abs()
    broken = pairs[(pairs["left"] > allowed).to_numpy()].reset_index(drop=True)
    return broken.assign(margin=broken["left"] - broken["right"])


def _rule_pairs(
    rule: pd.Series, left: pd.DataFrame, right: pd.DataFrame, *, units: pd.DataFrame
) -> pd.DataFrame:
    """``unit_code``, the period, ``left``, ``right`` (and ``children`` for ``sum_le``)."""
    right = right.rename(columns={"value": "right"})
    if rule["kind"] == "le":
        pairs = left.rename(columns={"value": "left"}).merge(right, on=["unit_code", *_PERIOD])
        return pairs.assign(children=0)
    parents = units[["code", "parent_code"]].dropna(subset=["parent_code"])
    parents = parents.rename(columns={"code": "unit_code", "parent_code": "parent"})
    children = left.merge(parents, on="unit_code")
    sums = children.groupby(["parent", *_PERIOD], as_index=False).agg(
        left=("value", "sum"), children=("unit_code", "nunique")
    )
    return sums.rename(columns={"parent": "unit_code"}).merge(right, on=["unit_code", *_PERIOD])


def check_consistency(
    figures: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    units: pd.DataFrame,
    rules: pd.DataFrame,
    prepared: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Broken consistency rules: which rule, both values and the margin.

    Parameters
    ----------
    figures
        ``unit_code, indicator_code, freq, year, sub, value_kind, value, cumulative``.
    indicators
        ``code, name_zh, name_en, measure``.
    units
        ``code, parent_code`` (for ``sum_le``).
    rules
        A validated rules table (:func:`validate_quality_rules`).

    Returns
    -------
    pandas.DataFrame
        One flag per rule, unit and period broken, at the left indicator
        (``consistency:{unit}:{left}:{freq}:{year}:{sub}:{rule_id}``); a ``sum_le`` flag
        is the parent unit's.

    Raises
    ------
    QualityRuleError
        When a rule's two indicators have measures that do not convert.

    Examples
    --------
    >>> f = pd.DataFrame({"unit_code": "U01", "indicator_code": ["TAX", "GBR"], "freq": "M",
    ...     "year": 2026, "sub": 6, "value_kind": "actual", "value": [5200.0, 5000.0],
    ...     "cumulative": True})
    >>> ind = pd.DataFrame({"code": ["TAX", "GBR"], "name_zh": ["税收收入", "一般公共预算收入"],
    ...     "name_en": ["Tax revenue", "Budget revenue"], "measure": "万元"})
    >>> rules = validate_quality_rules(pd.DataFrame({"rule_id": ["tax"], "kind": ["le"],
    ...     "left": ["TAX"], "right": ["GBR"], "tolerance": [0], "note_zh": ["税收收入不超过一般公共预算收入"],
    ...     "note_en": ["Tax revenue does not exceed budget revenue"]}))
    >>> units = pd.DataFrame({"code": ["U01"], "parent_code": [None]})
    >>> flag = check_consistency(f, ind, units=units, rules=rules).iloc[0]
    >>> flag["flag_id"], flag["evidence_zh"]
    ('consistency:U01:TAX:M:2026:6:tax', '2026年1-6月：税收收入 5,200.0万元，一般公共预算收入 5,000.0万元，超出 +200.0万元（+4.0%，容差 0.0%）')
    """
    names = indicators.drop_duplicates("code").set_index("code")
    reported = actuals(figures) if prepared is None else prepared
    parts = []
    for row, rule in enumerate(rules.to_dict("records"), start=1):
        rule = pd.Series(rule)
        left, right, measure = _sides(reported, indicators, rule, row=row)
        broken = _broken(_rule_pairs(rule, left, right, units=units), float(rule["tolerance"]))
        if not broken.empty:
            parts.append(_rule_flags(broken, rule, names=names, measure=measure))
    if not parts:
        return empty_flags()
    return pd.concat(parts, ignore_index=True)


def _name(names: pd.DataFrame, code: str, column: str) -> str:
    if column in names and code in names.index and not pd.isna(names.at[code, column]):
        return str(names.at[code, column])
    return code


def _rule_flags(
    broken: pd.DataFrame, rule: pd.Series, *, names: pd.DataFrame, measure: str
) -> pd.DataFrame:
    when_zh, when_en = period_words(broken, cumulative=broken["cumulative"].astype(bool))
    measures = [measure] * len(broken)
    left, right = amounts(broken["left"], measures), amounts(broken["right"], measures)
    margin = amounts(broken["margin"], measures, signed=True)
    words = {  # the same figures for the English sentence
        column: amounts(broken[column], measures, signed=column == "margin", lang="en")
        for column in ("left", "right", "margin")
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = percents(broken["margin"] / broken["right"].abs())
    allowed = f"{rule['tolerance'] * 100:.1f}%"
    left_zh, left_en = _name(names, rule["left"], "name_zh"), _name(names, rule["left"], "name_en")
    right_zh, right_en = (
        _name(names, rule["right"], "name_zh"),
        _name(names, rule["right"], "name_en"),
    )
    children = broken["children"].astype(int).tolist()
    zh, en = [], []
    for i, count in enumerate(children):
        if rule["kind"] == "sum_le":
            lhs_zh = f"下级{count}个单位{left_zh}合计 {left[i]}，本单位{right_zh} {right[i]}"
            lhs_en = (
                f"{left_en} summed over {count} child units {words['left'][i]}, "
                f"this unit's {right_en} {words['right'][i]}"
            )
        else:
            lhs_zh = f"{left_zh} {left[i]}，{right_zh} {right[i]}"
            lhs_en = f"{left_en} {words['left'][i]}, {right_en} {words['right'][i]}"
        zh.append(f"{when_zh[i]}：{lhs_zh}，超出 {margin[i]}（{pct[i]}，容差 {allowed}）")
        en.append(
            f"{when_en[i]}: {lhs_en}, over by {words['margin'][i]} ({pct[i]}, tolerance {allowed})"
        )
    frame = broken.assign(indicator_code=rule["left"])
    reason = (
        f"不符合“{rule['note_zh']}”，需核实",
        f"Breaks the rule '{rule['note_en']}'; to verify",
    )
    qualifier = pd.Series(rule["rule_id"], index=frame.index, dtype="string")
    evidence = (pd.Series(zh, dtype="string"), pd.Series(en, dtype="string"))
    return make_flags("consistency", frame, evidence=evidence, reason=reason, qualifier=qualifier)
