"""The settings page (设置): editors of units, indicators, benchmark pairs, weights, rules
and events."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from bxgc_metrics.metrics.quality.rules import RULE_KINDS as QUALITY_RULE_KINDS
from bxgc_metrics.metrics.rewards import PERIOD_KINDS, REWARD_KINDS
from bxgc_metrics.store import EVENT_KINDS, Event
from bxgc_metrics.store.reference import UNIT_KINDS
from bxgc_ui import data
from bxgc_ui.i18n import Texts, name
from bxgc_ui.names import names

TEXTS: dict[str, tuple[str, str]] = {
    "set_title": ("设置", "Settings"),
    "set_units": ("单位", "Units"),
    "set_indicators": ("指标", "Indicators"),
    "set_pairs": ("标杆对照", "Benchmark pairs"),
    "set_weights": ("综合排名权重", "Composite weights"),
    "set_rules": ("奖励规则", "Reward rules"),
    "set_save": ("保存", "Save"),
    "set_saved": ("已保存。", "Saved."),
    "set_units_help": (
        "按代码新增或修改单位；类型可选 街道、乡镇、部门、学校、外部标杆。",
        "Add or change units by code; kinds: sub-district, township, department, school, "
        "external benchmark.",
    ),
    "set_indicators_help": (
        "方向：越高越好或越低越好；类型：流量（累计，如1-6月累计）、存量（时点，如月末余额）、比率。",
        "Direction: higher or lower is better; kind: flow (cumulative, e.g. January–June), "
        "stock (at a point in time, e.g. a month-end balance) or rate.",
    ),
    "set_rules_help": (
        "奖励规则是数据而非程序：改动后保存，排名页的奖励测算随即按新规则计算。",
        "The reward rules are data: save a change and the rankings page uses it at once.",
    ),
    "set_weights_help": (
        "“自定义”权重在排名页使用；0 表示不参与。",
        "Used by 'custom' on the rankings page; 0 leaves an indicator out.",
    ),
    "set_reset_rules": ("恢复方案四默认规则", "Restore plan four's default rules"),
    "set_events_help": (
        "大事记（政策出台、项目投产、口径调整等）标在赶超轨迹图上：单位选“（全部单位）”或留空表示全部单位，指标同样。改完点“保存”。",
        "Events (a policy issued, a project in operation, a definition changed) are marked "
        "on the catch-up chart: pick “(all units)” or leave the unit blank for every unit, "
        "and likewise the indicator. Press Save when done.",
    ),
    "ev_event_date": ("日期", "Date"),
    "ev_text": ("内容", "Text"),
    "ev_kind": ("类型", "Kind"),
    "ev_created_by": ("录入人", "Entered by"),
    "fld_code": ("代码", "Code"),
    "fld_name_zh": ("中文名称", "Chinese name"),
    "fld_name_en": ("英文名称", "English name"),
    "fld_kind_unit": ("类型", "Type"),
    "fld_parent_code": ("上级代码", "Parent code"),
    "fld_peer_group": ("组别", "Peer group"),
    "fld_is_demo": ("演示数据", "Demo"),
    "fld_measure": ("计量单位", "Measure"),
    "fld_direction": ("方向", "Direction"),
    "fld_kind_indicator": ("指标类型", "Kind"),
    "fld_frequency": ("频度", "Frequency"),
    "fld_allow_negative": ("允许负数", "Negatives allowed"),
    "fld_growth_of": ("增速对应指标", "Growth rate of"),
    "fld_contact_person": ("报送责任人", "Reporting contact"),
    "fld_contact_phone": ("联系电话", "Contact phone"),
    "fld_report_due_day": ("次月报送截止日", "Due by (day of next month)"),
    "fld_name": ("指标", "Indicator"),
    "fld_weight": ("权重", "Weight"),
    "opt_higher": ("越高越好", "Higher is better"),
    "opt_lower": ("越低越好", "Lower is better"),
    "opt_flow": ("流量（累计）", "Flow (cumulative)"),
    "opt_stock": ("存量（时点）", "Stock (point in time)"),
    "opt_rate": ("比率", "Rate"),
    "opt_Y": ("年", "Yearly"),
    "opt_H": ("半年", "Half-yearly"),
    "opt_Q": ("季", "Quarterly"),
    "opt_M": ("月", "Monthly"),
    "set_quality_rules": ("数据质量规则", "Data-quality rules"),
    "set_quality_rules_help": (
        "指标之间应当成立的关系，数据不符时在“数据质量”页提示需核实：le 表示同一单位同一时期“左”指标不超过“右”指标×(1+容差)；sum_le 表示各下级单位“左”指标之和不超过上级单位的数值×(1+容差)。改完点“保存”。",
        "Relations that must hold between indicators; figures that break one are flagged on "
        "the Data quality page: le, for each unit and period, left ≤ right × (1 + "
        "tolerance); sum_le, the sum of a parent's child units' left ≤ the parent's own "
        "figure × (1 + tolerance). Press Save when done.",
    ),
    "set_reset_quality_rules": ("恢复默认规则", "Restore the default rules"),
    "qrule_rule_id": ("规则代码", "Rule id"),
    "qrule_kind": ("规则类型", "Kind"),
    "qrule_left": ("左指标", "Left indicator"),
    "qrule_right": ("右指标", "Right indicator"),
    "qrule_tolerance": ("容差", "Tolerance"),
    "qrule_note_zh": ("说明（中文）", "Note (Chinese)"),
    "qrule_note_en": ("说明（英文）", "Note (English)"),
    "rule_rule_id": ("规则代码", "Rule id"),
    "rule_kind": ("规则类型", "Kind"),
    "ukind_街道": ("街道", "Sub-district"),
    "ukind_乡镇": ("乡镇", "Township"),
    "ukind_部门": ("部门", "Department"),
    "ukind_学校": ("学校", "School"),
    "ukind_外部标杆": ("外部标杆", "External benchmark"),
    "rule_period_kind": ("考核期", "Period"),
    "rule_rank_from": ("名次自", "From place"),
    "rule_rank_to": ("名次至", "To place"),
    "rule_level": ("等次", "Level"),
    "rule_amount_yuan": ("奖金（元）", "Amount (yuan)"),
    "rule_amount_min_yuan": ("最低（元）", "Minimum (yuan)"),
    "rule_amount_max_yuan": ("最高（元）", "Maximum (yuan)"),
    "rule_points": ("加分", "Points"),
    "rule_fraction": ("比例", "Fraction"),
    "rule_bars_excellent": ("影响评优", "Bars grading as excellent"),
    "rule_note_zh": ("说明（中文）", "Note (Chinese)"),
    "rule_note_en": ("说明（英文）", "Note (English)"),
    "pair_base_year": ("基准年", "Base year"),
    "pair_target_year": ("目标赶超年份", "Target year"),
    "pair_note": ("备注", "Note"),
    "blank_all_units": ("（全部单位）", "(all units)"),
    "blank_all_indicators": ("（全部指标）", "(all indicators)"),
    "rkind_rank_gain": ("名次同比上升", "Places gained"),
    "rkind_top_rank": ("名次奖", "Top places"),
    "rkind_single_award": ("单项工作奖", "Single-item award"),
    "rkind_criticism": ("通报批评", "Public criticism"),
    "rkind_missed_report": ("迟报漏报", "Late or missing reports"),
    "rperiod_half": ("半年考核", "Half-year"),
    "rperiod_year": ("年终考核", "Year-end"),
    "rperiod_any": ("不限", "Any"),
    "qkind_le": ("不超过", "At most"),
    "qkind_sum_le": ("下级之和不超过上级", "Children's sum at most the parent's"),
}

t = Texts(TEXTS)


def _labels(columns: list[str], prefix: str = "fld_") -> dict:
    """Plain columns headed in the reader's language (an unknown column keeps its name)."""
    return {
        c: st.column_config.Column(t(f"{prefix}{c}") if f"{prefix}{c}" in t else c) for c in columns
    }


def _options(values: list[str], label: str) -> object:
    """A required drop-down whose codes read in the reader's language."""
    shown = {v: t(f"opt_{v}") for v in values}
    return st.column_config.SelectboxColumn(
        label, options=values, required=True, format_func=lambda v: shown.get(str(v), str(v))
    )


def unit_columns() -> dict:
    """Settings editor columns for units, headed in the reader's language."""
    return {
        **_labels(["code", "name_zh", "name_en", "parent_code", "peer_group", "is_demo"]),
        **_labels(["contact_person", "contact_phone"]),
        "kind": _coded(UNIT_KINDS, t("fld_kind_unit"), prefix="ukind_"),
    }


def indicator_columns() -> dict:
    """Settings editor columns for indicators, headed in the reader's language."""
    return {
        **_labels(["code", "name_zh", "name_en", "measure", "allow_negative", "is_demo"]),
        "growth_of": st.column_config.Column(t("fld_growth_of")),
        "report_due_day": st.column_config.NumberColumn(
            t("fld_report_due_day"), min_value=1, max_value=28, step=1, format="%d"
        ),
        "direction": _options(["higher", "lower"], t("fld_direction")),
        "kind": _options(["flow", "stock", "rate"], t("fld_kind_indicator")),
        "frequency": _options(["Y", "H", "Q", "M"], t("fld_frequency")),
    }


def weights_columns() -> dict:
    """The composite-weights editor: the code hidden, name and weight headed."""
    return {"code": None, **_labels(["name", "weight"])}


def rule_columns(columns: list[str]) -> dict:
    """The reward-rules editor, headed in the reader's language, its rule kinds and
    assessment periods in words."""
    return {
        **_labels(columns, prefix="rule_"),
        "kind": _coded(REWARD_KINDS, t("rule_kind"), prefix="rkind_"),
        "period_kind": _coded(PERIOD_KINDS, t("rule_period_kind"), prefix="rperiod_"),
    }


def _coded(values: tuple[str, ...], label: str, *, prefix: str) -> object:
    """A required drop-down of ``values``, each read as its text ``prefix + value``."""
    shown = {v: t(f"{prefix}{v}") for v in values}
    return st.column_config.SelectboxColumn(
        label, options=list(values), required=True, format_func=lambda v: shown.get(str(v), str(v))
    )


EVERY = "*"
"""What a unit or indicator cell of the pairs and events editors holds for every unit or
indicator (stored as missing): an empty cell of a drop-down column reads "None"."""

CODE_COLUMNS = ("unit_code", "indicator_code")
"""The editors' columns where a missing code means every unit or indicator."""


def _codes(label: str, codes: dict[str, str], *, every: str | None = None) -> object:
    """A drop-down of ``codes`` (code → name) headed ``label``; with ``every``, a first
    option :data:`EVERY` that reads ``every`` (every unit or indicator)."""
    shown = codes if every is None else {EVERY: every, **codes}
    return st.column_config.SelectboxColumn(
        label, options=list(shown), format_func=lambda c: shown.get(str(c), str(c))
    )


def pair_columns(units: pd.DataFrame, indicators: pd.DataFrame) -> dict:
    """Settings editor columns for benchmark pairs: units and indicators by name (a blank
    indicator: every indicator), the years and the note headed in the reader's language."""
    cc = st.column_config
    unit_names, inds = names(units), names(indicators)

    def year(label: str) -> object:
        return cc.NumberColumn(label, min_value=1949, max_value=2100, step=1, format="%d")

    return {
        "chaser_code": cc.SelectboxColumn(
            t("catchup_chaser"),
            options=list(unit_names),
            format_func=lambda c: unit_names.get(str(c), str(c)),
        ),
        "benchmark_code": cc.SelectboxColumn(
            t("catchup_benchmarks"),
            options=list(unit_names),
            format_func=lambda c: unit_names.get(str(c), str(c)),
        ),
        "indicator_code": _codes(t("indicator"), inds, every=t("blank_all_indicators")),
        "base_year": year(t("pair_base_year")),
        "target_year": year(t("pair_target_year")),
        "note": cc.TextColumn(t("pair_note")),
    }


EVENT_FIELDS = ["id", "event_date", "unit_code", "indicator_code", "kind", "text", "created_by"]
"""The events editor's columns (``id`` hidden: it tells a changed row from a new one)."""


def event_columns(units: pd.DataFrame, indicators: pd.DataFrame) -> dict:
    """The events editor: units and indicators by name (blank for all), kinds by name."""
    cc = st.column_config
    unit_names, inds = names(units), names(indicators)
    return {
        "id": None,
        "event_date": cc.DateColumn(t("ev_event_date"), format="YYYY-MM-DD", required=True),
        "unit_code": _codes(t("unit"), unit_names, every=t("blank_all_units")),
        "indicator_code": _codes(t("indicator"), inds, every=t("blank_all_indicators")),
        "kind": cc.SelectboxColumn(
            t("ev_kind"),
            options=list(EVENT_KINDS),
            required=True,
            default="other",
            format_func=lambda k: t(f"kind_{k}") if f"kind_{k}" in t else str(k),
        ),
        "text": cc.TextColumn(t("ev_text"), required=True, width="large"),
        "created_by": cc.TextColumn(t("ev_created_by"), disabled=True),
    }


def event_rows(events: pd.DataFrame) -> pd.DataFrame:
    """The stored events as the editor shows them: dates as days, blanks for missing text."""
    frame = events[EVENT_FIELDS].copy()
    frame["event_date"] = pd.to_datetime(frame["event_date"]).dt.date
    return for_every(editable(frame))


def event_changes(stored: pd.DataFrame, edited: pd.DataFrame) -> dict:
    """What an edit of the events table changes, as :meth:`Store.save_events` takes it:
    rows without an id are ``added``, rows that differ from the stored one ``updated``, and
    stored ids no longer in the table ``deleted``. A row left wholly blank is skipped; a
    row half filled is passed on, so the store says what it lacks."""
    before = {int(r.id): _event(r) for r in event_rows(stored).itertuples()}
    rows = from_editor(edited)
    added, updated = [], {}
    for r in rows.itertuples():
        new = pd.isna(r.id)
        if new and _event(r) == Event(None, "", kind=_kind(r.kind)):  # type: ignore[arg-type]
            continue
        if new:
            added.append(_event(r))
        elif before.get(int(r.id)) != _event(r):
            updated[int(r.id)] = _event(r)
    kept = {int(i) for i in rows["id"].dropna()}
    return {"added": added, "updated": updated, "deleted": [i for i in before if i not in kept]}


def _event(row: object) -> Event:
    """One editor row as an event (missing values as ``None``, the date as a day)."""
    value = {f: getattr(row, f) for f in ("event_date", "unit_code", "indicator_code", "text")}
    value = {f: None if _missing(v) else v for f, v in value.items()}
    day = value["event_date"]
    if day is not None and not isinstance(day, dt.date):
        day = pd.Timestamp(day).date()  # type: ignore[arg-type]
    if isinstance(day, dt.datetime):
        day = day.date()
    return Event(
        day,  # type: ignore[arg-type]
        str(value["text"] or "").strip(),
        kind=_kind(row.kind),  # type: ignore[attr-defined]
        unit_code=value["unit_code"],  # type: ignore[arg-type]
        indicator_code=value["indicator_code"],  # type: ignore[arg-type]
    )


def _kind(value: object) -> str:
    return "other" if _missing(value) else str(value)


def _missing(value: object) -> bool:
    """``None``, NaN, NaT or blank text (or :data:`EVERY`): what an editor cell left empty
    holds."""
    if isinstance(value, str):
        return not value.strip() or value == EVERY
    return value is None or bool(pd.isna(value))  # type: ignore[arg-type]


def weights_table(indicators: pd.DataFrame, saved: dict | None) -> pd.DataFrame:
    """Composite weights per monthly indicator (saved, else 1)."""
    monthly = indicators[(indicators["frequency"] == "M") & (indicators["kind"] != "rate")]
    return pd.DataFrame(
        {
            "code": monthly["code"],
            "name": [name(r) for r in monthly.itertuples()],
            "weight": [float((saved or {}).get(c, 1.0)) for c in monthly["code"]],
        }
    )


def unit_rows(units: pd.DataFrame) -> pd.DataFrame:
    """The units as the editor shows them: the stored columns, blanks for missing text."""
    return editable(units[list(data.UNIT_COLUMNS)])


def indicator_rows(indicators: pd.DataFrame) -> pd.DataFrame:
    """The indicators as the editor shows them: the stored columns, blanks for missing text."""
    return editable(indicators[list(data.INDICATOR_COLUMNS)])


def editable(frame: pd.DataFrame) -> pd.DataFrame:
    """A reference table for an editor: empty text fields as blank cells, not "None"."""
    text = [
        c
        for c in frame.columns
        if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])
    ]
    return frame.assign(**{c: frame[c].astype(object).where(frame[c].notna(), "") for c in text})


def for_every(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (:func:`editable`) with a blank unit or indicator as :data:`EVERY`."""
    return frame.assign(
        **{c: frame[c].where(frame[c] != "", EVERY) for c in CODE_COLUMNS if c in frame}
    )


def from_editor(edited: pd.DataFrame) -> pd.DataFrame:
    """An edited reference table for the store: blank text fields stored as missing, and
    :data:`EVERY` unit or indicator too."""
    text = [
        c
        for c in edited.columns
        if edited[c].dtype == object or pd.api.types.is_string_dtype(edited[c])
    ]
    cleaned = {
        c: edited[c]
        .astype(object)
        .map(lambda v, c=c: None if _blank_cell(v, every=c in CODE_COLUMNS) else v)
        for c in text
    }
    return edited.assign(**cleaned)


def quality_rule_columns(rules: pd.DataFrame, indicators: pd.DataFrame) -> dict:
    """The data-quality rules editor for ``rules``, headed in the reader's language, its
    rule kinds in words and its indicators by name (a code no indicator has any more
    reads as itself, for the check on saving to name)."""
    inds = names(indicators)
    stated = [c for side in ("left", "right") for c in rules[side].dropna().astype(str)]
    inds |= {c: c for c in stated if c and c not in inds}
    return {
        **_labels(list(rules.columns), prefix="qrule_"),
        "kind": _coded(QUALITY_RULE_KINDS, t("qrule_kind"), prefix="qkind_"),
        "left": _codes(t("qrule_left"), inds),
        "right": _codes(t("qrule_right"), inds),
    }


def _blank_cell(value: object, *, every: bool) -> bool:
    """Whether an edited text cell is stored as missing: blank, or (``every``) :data:`EVERY`."""
    return isinstance(value, str) and (not value.strip() or (every and value == EVERY))
