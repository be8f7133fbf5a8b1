"""The campaign page (活动进度): phases and milestones as tables and a timeline."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bxgc_ui.fmt import md
from bxgc_ui.i18n import Texts, lang, name

TEXTS: dict[str, tuple[str, str]] = {
    "camp_title": ("活动进度", "Campaign calendar"),
    "camp_pick": ("活动", "Campaign"),
    "camp_details": ("阶段与节点明细", "Every phase and milestone"),
    "camp_today": ("今天", "today"),
    "camp_over": ("该活动已于 {date} 结束。", "This campaign ended on {date}."),
    "camp_late": ("逾期未完成的节点", "Milestones past due and not done"),
    "camp_none_late": ("没有逾期节点。", "No milestone is late."),
    "camp_late_item": (
        "{name}：时限 {due}，已逾期 {days} 天",
        "{name}: due {due}, {days} days late",
    ),
    "camp_chart_title": ("{name}：阶段与节点", "{name}: phases and milestones"),
    "camp_phase": ("阶段", "Phase"),
    "camp_milestone": ("节点", "Milestone"),
    "camp_due": ("时限", "Due"),
    "camp_done": ("完成日期", "Done"),
    "camp_days_late": ("逾期天数", "Days late"),
    "ms_done": ("按期完成", "done on time"),
    "ms_done_late": ("逾期完成", "done late"),
    "ms_late": ("逾期未完成", "late"),
    "ms_open": ("未到期", "not yet due"),
    "ph_done": ("已结束", "done"),
    "ph_current": ("进行中", "current"),
    "ph_upcoming": ("未开始", "upcoming"),
}

t = Texts(TEXTS)


def late_text(late: pd.DataFrame) -> str:
    """The warning over the page: 逾期未完成的节点 and one line per late milestone, its name
    escaped for markdown."""
    lines = [
        "- "
        + t(
            "camp_late_item",
            name=md(name(r)),
            due=str(r.due_date)[:10],
            days=int(r.days_late),
        )
        for r in late.itertuples()
    ]
    return "\n".join([f"**{t('camp_late')}**", *lines])


def milestone_table(milestones: pd.DataFrame) -> pd.DataFrame:
    """Milestones with due date, done date, status and days late."""
    return pd.DataFrame(
        {
            t("camp_milestone"): [name(r) for r in milestones.itertuples()],
            t("camp_due"): milestones["due_date"].astype(str).str[:10],
            t("camp_done"): [str(d)[:10] if pd.notna(d) else "" for d in milestones["done_date"]],
            t("col_status"): milestones["status"].map(lambda s: t(f"ms_{s}")),
            t("camp_days_late"): milestones["days_late"],
        }
    )


def phase_table(phases: pd.DataFrame) -> pd.DataFrame:
    """Phases with their dates and status."""
    return pd.DataFrame(
        {
            t("camp_phase"): [name(r) for r in phases.itertuples()],
            t("camp_due"): phases["start_date"].astype(str).str[:10]
            + " — "
            + phases["end_date"].astype(str).str[:10],
            t("col_status"): phases["status"].map(lambda s: t(f"ph_{s}")),
        }
    )


def timeline_labels(campaign: str) -> dict:
    """Texts of the timeline chart, and how to name a phase or milestone."""
    return {
        "name": name,
        "title": t("camp_chart_title", name=campaign),
        "today": t("camp_today"),
        "late": t("ms_late"),
        "done": t("ms_done"),
        "status": {
            key: t(key)
            for key in (
                "ph_done",
                "ph_current",
                "ph_upcoming",
                "ms_done",
                "ms_done_late",
                "ms_late",
                "ms_open",
            )
        },
        "date_format": "%-m月\n%Y年" if lang() == "zh" else "%b\n%Y",
    }


def latest_campaign(phases: pd.DataFrame, milestones: pd.DataFrame) -> str:
    """The campaign whose calendar reaches furthest: the one to show first."""
    dates = pd.concat(
        [
            phases.assign(at=pd.to_datetime(phases["end_date"]))[["campaign", "at"]],
            milestones.assign(at=pd.to_datetime(milestones["due_date"]))[["campaign", "at"]],
        ]
    )
    return str(dates.sort_values("at")["campaign"].iloc[-1])


def campaign_span(phases: pd.DataFrame, milestones: pd.DataFrame) -> str:
    """A campaign's calendar in words, ``2026-01-01 — 2026-12-31`` (an exported timeline's
    period)."""
    dates = pd.concat(
        [
            pd.to_datetime(phases["start_date"]),
            pd.to_datetime(phases["end_date"]),
            pd.to_datetime(milestones["due_date"]),
        ]
    ).dropna()
    return "" if dates.empty else f"{dates.min():%Y-%m-%d} — {dates.max():%Y-%m-%d}"


def campaign_end(phases: pd.DataFrame, milestones: pd.DataFrame) -> dt.date | None:
    """The last date a campaign's phases or milestones reach."""
    dates = pd.concat([pd.to_datetime(phases["end_date"]), pd.to_datetime(milestones["due_date"])])
    return None if dates.dropna().empty else dates.max().date()
