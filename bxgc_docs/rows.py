"""The rows of a document's tables, as text: the same figures and the same formatting in
the 通报 and the deck (:mod:`bxgc_metrics.wording`, which matches the pages' ``fmt``).

Each function reads one table of a :class:`~bxgc_metrics.tables.bulletin.Bulletin` row by
row, in its order; nothing is ranked, summed or rounded differently here.
"""

from __future__ import annotations

from collections.abc import Mapping

from bxgc_metrics import wording
from bxgc_metrics.measures import display_scale
from bxgc_metrics.tables.bulletin import Bulletin, Place, Section

RANKING_HEADERS = ("名次", "进位", "单位", "累计完成", "完成率", "同比增长")
"""The ranking table's columns; 累计完成 is followed by the measure the column is read in."""
COMPOSITE_HEADERS = ("名次", "进位", "单位", "综合得分")
REWARD_HEADERS = ("单位", "奖金（元）", "加分", "可评优秀")
OVERDUE_HEADERS = ("单位", "差距", "整改措施", "责任人", "完成时限", "逾期天数")


def value_header(s: Section) -> str:
    """``累计完成（亿元）``: the measure the value column is read in."""
    return f"累计完成（{display_scale(list(s.ranking['value']), s.measure).measure}）"


def ranking(s: Section, names: Mapping[str, str]) -> list[dict[str, str]]:
    """One row per row of the section's standings: rank, move, unit, value, completion,
    growth (``value`` with its measure, in the one measure of the column)."""
    table = s.ranking
    values = wording.amounts(table["value"], s.measure)
    return [
        {
            "rank": wording.place(r.rank),
            "move": wording.arrow(r.rank_change),
            "unit": names.get(str(r.unit_code), str(r.unit_code)),
            "value": value,
            "completion": wording.pct(r.completion, signed=False),
            "growth": wording.pct(r.yoy),
        }
        for r, value in zip(table.itertuples(), values, strict=True)
    ]


def composite(b: Bulletin, names: Mapping[str, str]) -> list[dict[str, str]]:
    """The composite ranking's rows: rank, move, unit, score (three decimals)."""
    return [
        {
            "rank": wording.place(r.rank),
            "move": wording.arrow(r.rank_change),
            "unit": names.get(str(r.unit_code), str(r.unit_code)),
            "score": f"{float(r.score):.3f}",
        }
        for r in b.composite.itertuples()
    ]


def places(lst: tuple[Place, ...], names: Mapping[str, str]) -> list[dict[str, str]]:
    """A 红榜 or 黑榜: rank, unit, score."""
    return [
        {
            "rank": str(p.rank),
            "unit": names.get(p.unit_code, p.unit_code),
            "score": f"{p.value:.3f}",
        }
        for p in lst
    ]


def rewards(b: Bulletin, names: Mapping[str, str]) -> list[dict[str, str]]:
    """What each unit is due at the assessment, largest amount first (empty: none due)."""
    if b.rewards is None:
        return []
    totals = b.rewards.totals.sort_values(["amount_yuan", "unit"], ascending=[False, True])
    return [
        {
            "unit": names.get(str(r.unit), str(r.unit)),
            "amount": wording.yuan(float(r.amount_yuan)),
            "points": f"{float(r.points):g}",
            "excellent": "是" if bool(r.excellent_allowed) else "否",
        }
        for r in totals.itertuples()
    ]


def overdue(b: Bulletin, names: Mapping[str, str]) -> list[dict[str, str]]:
    """The overdue rectification items, most overdue first."""
    return [
        {
            "unit": names.get(str(r.unit_code), str(r.unit_code)),
            "gap": str(r.gap),
            "measure": str(getattr(r, "measure", "") or ""),
            "owner": str(getattr(r, "owner", "") or ""),
            "deadline": str(r.deadline)[:10],
            "days": str(-int(r.days_left)),
        }
        for r in b.overdue.itertuples()
    ]


REWARD_KIND = {"half": "半年", "year": "年终"}
"""An assessment in words."""
