"""The data-quality page (数据质量): the reporting round of a period (填报进度、催报) and the
data-quality flags (预警) with their reasons, evidence and 核实无误 marks.

Every count and flag comes from :mod:`bxgc_metrics.oversight`; this module only words and
lays them out. Names and contacts are data: they go into data frames and ``st.code``,
never into markdown or HTML.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pandas as pd
import streamlit as st

from bxgc_metrics.metrics.quality import QualityReport
from bxgc_metrics.metrics.reporting import STATUS_LABELS, due_date
from bxgc_metrics.periods import Period, display, format_label
from bxgc_metrics.tables.reporting import Round
from bxgc_metrics.tables.standings import ALL
from bxgc_ui import fmt
from bxgc_ui.i18n import Texts, lang
from bxgc_ui.names import names as named_units

TEXTS: dict[str, tuple[str, str]] = {
    "q_title": ("数据质量：填报进度与预警", "Data quality: reporting and flags"),
    "q_tab_progress": ("填报进度", "Reporting progress"),
    "q_goto": ("填报进度与数据质量", "Reporting and data quality"),
    "q_tab_flags": ("数据质量预警", "Data-quality flags"),
    "q_period": ("报告期", "Period"),
    "q_group": ("范围", "Units"),
    "q_no_calendar": (
        "还没有指标设置报送截止日。请管理员在“设置”页的指标表中填写“次月报送截止日”（如每月8日前报送上月数据填 8）。",
        "No indicator has a reporting calendar yet. An admin sets “Due by (day of next "
        "month)” in the indicators table on the Settings page (8 for figures due by the 8th).",
    ),
    "q_expected": ("应报", "Expected"),
    "q_reported": ("已报", "Reported"),
    "q_late": ("迟报", "Late"),
    "q_missing": ("未报", "Missing"),
    "q_not_due": ("未到期", "Not yet due"),
    "q_share": ("报送率", "Share reported"),
    "q_refresh": (
        "截至 {time}，每 {every} 秒自动刷新；应报：该指标有报送截止日、且该单位近12个月报过的。",
        "As of {time}, refreshed every {every} s; expected: indicators with a due day that "
        "the unit reported in the last 12 months.",
    ),
    "q_reminders": ("催报名单", "Reminder list"),
    "q_no_reminders": ("没有逾期未报的单位。", "No unit is overdue."),
    "q_text": ("复制到工作群的催报通知", "Reminder to paste into the chat group"),
    "q_download": ("下载催报名单（Excel）", "Download the reminder list (Excel)"),
    "q_units": ("各单位报送情况", "Reporting by unit"),
    "q_grid": ("单位 × 指标", "Units × indicators"),
    "q_flags_help": (
        "预警只提示需要核实的数据，不是处罚。核实后可标记“核实无误”并写明依据（记入操作日志）。",
        "A flag asks for a check, never a penalty. Once checked, mark it checked with a "
        "note saying how (kept in the audit log).",
    ),
    "q_checking": (
        "正在逐项检查全部已存数据，数据量大时约需一两分钟……",
        "Checking every stored figure; on a large database this takes a minute or two…",
    ),
    "q_all_periods": ("全部报告期", "All periods"),
    "q_open": ("待核实 {n} 条", "{n} to verify"),
    "q_none": ("没有需要核实的数据。", "Nothing to verify."),
    "q_scores": ("各单位数据质量得分", "Data-quality score by unit"),
    "q_show_verified": ("显示已核实的", "Show verified flags"),
    "q_mark": ("标记核实无误", "Mark as checked"),
    "q_mark_flag": ("预警", "Flag"),
    "q_mark_note": ("核实说明（必填）", "How it was checked (required)"),
    "q_mark_save": ("标记核实无误", "Mark checked"),
    "q_mark_note_missing": (
        "请填写核实说明（如何核实的）后再标记。",
        "Say how the figure was checked before marking it.",
    ),
    "q_marked": ("已标记核实无误。", "Marked as checked."),
    "q_reopen": ("撤销核实", "Reopen"),
    "q_reopened": ("已撤销，预警重新计入。", "Reopened; the flag counts again."),
    "col_unit": ("单位", "Unit"),
    "q_col_indicator": ("指标", "Indicator"),
    "col_period": ("报告期", "Period"),
    "col_check": ("类型", "Check"),
    "col_reason": ("原因", "Reason"),
    "col_evidence": ("依据", "Evidence"),
    "col_verified": ("已核实", "Checked"),
    "col_note": ("核实说明", "Note"),
    "col_score": ("得分", "Score"),
    "col_open": ("待核实", "Open"),
    "col_contact": ("联系人", "Contact"),
    "col_phone": ("联系电话", "Phone"),
    "col_missing_list": ("未报指标", "Missing"),
    "col_days": ("逾期天数", "Days overdue"),
    "col_expected": ("应报", "Expected"),
    "col_reported": ("已报", "Reported"),
    "col_on_time": ("按时", "On time"),
    "col_late": ("迟报", "Late"),
    "col_missing": ("未报", "Missing"),
    "col_revised": ("截止后修改", "Revised after due"),
    "col_share": ("报送率", "Reported"),
    "chk_revision": ("报送后修改", "Revised"),
    "chk_cumulative_fall": ("累计值下降", "Cumulative fell"),
    "chk_outlier_growth": ("环比异常", "Unusual growth"),
    "chk_completion_leap": ("完成率突增", "Completion leap"),
    "chk_consistency": ("逻辑关系不符", "Inconsistent"),
    "chk_benford": ("首位数字分布", "First digits"),
    "chk_last_digit": ("末位数字分布", "Last digits"),
    "chk_round_numbers": ("整数过多", "Round numbers"),
}

t = Texts(TEXTS)

FLAG_BADGE = "⚠"
"""The mark beside a unit whose figure has an open flag (需核实)."""
DONE_KEY = "q_done"
"""Session key of the text naming what the last mark or reopen did: the page reruns to
show the change and says it on that run."""


def status_words() -> dict[str, str]:
    """Each status code in the reader's language."""
    at = 0 if lang() == "zh" else 1
    return {code: pair[at] for code, pair in STATUS_LABELS.items()}


def headline(r: Round) -> list[tuple[str, str]]:
    """The round's headline numbers, labelled."""
    p = r.progress
    share = "—" if p.share_reported is None else fmt.pct(p.share_reported, signed=False, digits=0)
    return [
        (t("q_expected"), f"{p.expected:,}"),
        (t("q_reported"), f"{p.reported:,}"),
        (t("q_late"), f"{p.late:,}"),
        (t("q_missing"), f"{p.missing:,}"),
        (t("q_not_due"), f"{p.not_due:,}"),
        (t("q_share"), share),
    ]


def units_table(r: Round, names: dict[str, str], *, contacts: bool = True) -> pd.DataFrame:
    """Each unit's counts, worst first, with its contact (without, unless ``contacts``)."""
    u = r.units.sort_values(["missing", "late", "unit_code"], ascending=[False, False, True])
    table = pd.DataFrame(
        {
            t("col_unit"): u["unit_code"].map(names),
            t("col_expected"): u["expected"],
            t("col_reported"): u["reported"],
            t("col_on_time"): u["on_time"],
            t("col_late"): u["late"],
            t("col_missing"): u["missing"],
            t("col_revised"): u["revised_after_deadline"],
            t("col_contact"): u["contact_person"],
            t("col_phone"): u["contact_phone"],
        }
    )
    return table if contacts else table.drop(columns=[t("col_contact"), t("col_phone")])


def reminders_table(r: Round, names: dict[str, str], *, contacts: bool = True) -> pd.DataFrame:
    """The 催报名单 as the page shows it (without the contacts, unless ``contacts``)."""
    m = r.reminders
    listed = m["indicators"] if lang() == "zh" else m["indicators_en"]
    table = pd.DataFrame(
        {
            t("col_unit"): m["unit_code"].map(names),
            t("col_contact"): m["contact_person"],
            t("col_phone"): m["contact_phone"],
            t("col_missing_list"): listed,
            t("col_days"): m["days_overdue"],
        }
    )
    return table if contacts else table.drop(columns=[t("col_contact"), t("col_phone")])


def grid_table(r: Round, names: dict[str, str], indicator_names: dict[str, str]) -> pd.DataFrame:
    """Units × indicators, each cell the figure's status in words (blank: not expected)."""
    cells = pd.Series(r.grid.to_numpy(dtype=object).ravel()).map(status_words()).fillna("")
    grid = pd.DataFrame(
        cells.to_numpy().reshape(r.grid.shape), index=r.grid.index, columns=r.grid.columns
    )
    grid.index = [names.get(str(c), str(c)) for c in grid.index]
    grid.columns = [indicator_names.get(str(c), str(c)) for c in grid.columns]
    return grid


def period_label(freq: Any, year: Any, sub: Any, *, zh: bool | None = None) -> str:
    """A flag's period as officials write it; blank for a unit-wide flag (``zh``: the
    reader's language unless given)."""
    if pd.isna(freq) or pd.isna(year) or freq == "":
        return ""
    return _period_words(str(freq), int(year), int(sub), zh=lang() == "zh" if zh is None else zh)


@functools.lru_cache(maxsize=4096)
def _period_words(freq: str, year: int, sub: int, *, zh: bool) -> str:
    return display(freq, year, sub, lang="zh" if zh else "en")  # Oct 2026, not 2026-10


def flags_table(
    report: QualityReport, names: dict[str, str], indicator_names: dict[str, str]
) -> pd.DataFrame:
    """The flags with reasons and evidence in the reader's language."""
    f = report.flags
    zh = lang() == "zh"
    periods = [
        period_label(a, b, c, zh=zh) for a, b, c in zip(f["freq"], f["year"], f["sub"], strict=True)
    ]
    checks = {c: t(f"chk_{c}") for c in f["check"].unique()}  # a few words, not one per flag
    return pd.DataFrame(
        {
            t("col_unit"): f["unit_code"].map(names),
            t("q_col_indicator"): f["indicator_code"].map(indicator_names).fillna(""),
            t("col_period"): periods,
            t("col_check"): f["check"].map(checks),
            t("col_reason"): f["reason_zh" if zh else "reason_en"],
            t("col_evidence"): f["evidence_zh" if zh else "evidence_en"],
            t("col_verified"): f["verified"].astype(bool),
            t("col_note"): f["verified_note"].fillna(""),
        }
    )


def scores_table(report: QualityReport, names: dict[str, str]) -> pd.DataFrame:
    """Each unit's score, lowest first, with what each check deducted."""
    s = report.scores.sort_values(["score", "unit_code"])
    checks = [c for c in s.columns if f"chk_{c}" in t]
    return pd.DataFrame(
        {
            t("col_unit"): s["unit_code"].map(names),
            t("col_score"): s["score"],
            t("col_open"): s["open_flags"],
            **{t(f"chk_{c}"): -s[c] for c in checks},
        }
    )


def flag_choice(report: QualityReport, names: dict[str, str]) -> dict[str, str]:
    """Each flag id and how the picker shows it."""
    f = report.flags
    zh = lang() == "zh"
    return {
        str(r.flag_id): " · ".join(
            part
            for part in (
                names.get(str(r.unit_code), str(r.unit_code)),
                period_label(r.freq, r.year, r.sub),
                str(r.reason_zh if zh else r.reason_en),
            )
            if part
        )
        for r in f.itertuples()
    }


def period_choices(have: pd.DataFrame) -> list[tuple[str, int, int]]:
    """The periods a round can be shown for, oldest first by when they end: every period
    with a reported figure, then the month being collected after the latest one."""
    found = {(str(f), int(y), int(s)) for f, y, s in have[["freq", "year", "sub"]].values}
    months = sorted((y, s) for f, y, s in found if f == "M")
    if months:
        year, sub = months[-1]
        found.add(("M", year + sub // 12, sub % 12 + 1))
    return sorted(found, key=lambda c: (c[1], Period(c[1], c[0], c[2]).end_month, c[0]))


def default_period(
    choices: list[tuple[str, int, int]], calendar: pd.DataFrame, today: dt.date
) -> tuple[str, int, int]:
    """The round the page opens on: the latest of ``choices`` whose figures were all due
    before ``today`` (by the latest due day among the indicators of its frequency, as in
    ``calendar``'s ``frequency`` and ``report_due_day``), else the latest one.

    >>> calendar = pd.DataFrame({"frequency": ["M", "Y"], "report_due_day": [8, 20]})
    >>> months = [("M", 2026, 10), ("M", 2026, 11)]
    >>> default_period(months, calendar, dt.date(2026, 12, 9))
    ('M', 2026, 11)
    >>> default_period(months, calendar, dt.date(2026, 12, 8))
    ('M', 2026, 10)
    """
    days = calendar.groupby("frequency")["report_due_day"].max()
    latest = int(calendar["report_due_day"].max())
    passed = [c for c in choices if due_date(format_label(*c), int(days.get(c[0], latest))) < today]
    return passed[-1] if passed else choices[-1]


def round_choices(
    have: pd.DataFrame, indicators: pd.DataFrame, today: dt.date
) -> tuple[list[tuple[str, int, int]], tuple[str, int, int] | None]:
    """The periods a round can be shown for (indicators with a due day only) and the one
    shown first: the latest whose figures are all due by ``today``, else the latest."""
    calendar = indicators[indicators["report_due_day"].notna()]
    if calendar.empty:
        return [], None
    choices = period_choices(have[have["indicator_code"].isin(calendar["code"])])
    if not choices:
        return [], None
    return choices, default_period(choices, calendar, today)


def refresh_seconds(asked: str, *, default: int = 30) -> int:
    """Seconds between the round's refreshes from the ``every`` query parameter (2-600;
    anything else: ``default``)."""
    try:
        seconds = int(asked)
    except ValueError:
        return default
    return max(2, min(600, seconds))


def overview_line(path: str, version: int, indicators: pd.DataFrame) -> None:
    """On the overview: the reporting round of the latest period due, in the sentence a
    通报 prints, with a link to the page; a warning when a unit is overdue."""
    from bxgc_metrics import clock
    from bxgc_metrics.tables.reporting import summary
    from bxgc_ui import data

    today = clock.today().isoformat()
    _, shown = data.built(
        ("round_choices", path, version, today),
        lambda: round_choices(data.actual_periods(path, version), indicators, clock.today()),
    )
    if shown is None:
        return
    r = data.reporting_round(path, version, format_label(*shown), group=ALL, today=today)
    names = {str(k): v for k, v in named_units(data.units(path, version)).items()}
    text = summary(r, names=names, lang=lang())
    box = st.warning if r.progress.missing else st.caption
    box(fmt.md(text))
    st.page_link("pages/quality.py", label=t("q_goto"), icon=":material/verified:")
