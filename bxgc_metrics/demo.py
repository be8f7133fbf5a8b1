"""The embedded demo data set: plan four's catch-up case and a small demo city.

One deterministic function, :func:`build_demo`, makes every table; the ``demo`` command,
``make run`` and the test fixtures all use it, so what a test checks is what a user sees.

Two parts:

1. Plan four's sub-district and its external benchmark with local fiscal revenue (亿元)
   exactly as the plan states it, inconsistent growth rates included, plus the plan's
   other targets (360 high-rise buildings by 2012, 50 亿元 industrial investment, …).
2. A demo city of 16 sub-districts and townships in two peer groups and two external
   benchmarks, with 12 indicators of different measures, directions and kinds: annual
   targets and monthly year-to-date actuals from 2019-01 to 2026-10, with growth,
   seasonality and noise from a seeded generator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from bxgc_metrics.store import GAP_COLUMNS

if TYPE_CHECKING:
    from bxgc_metrics.store import Store

SEED = 20110401
"""The generator seed: the same seed gives the same demo, byte for byte."""

FIRST_YEAR, LAST_YEAR, LAST_MONTH = 2019, 2026, 10
"""Monthly actuals run from January of the first year to this month of the last."""

PLAN4_OURS, PLAN4_BENCHMARK = "P4_OURS", "P4_BENCH"
"""Unit codes of plan four's sub-district and its benchmark."""

PLAN4_REVENUE, PLAN4_GROWTH = "P4_FISCAL_REV", "P4_FISCAL_GROWTH"
"""Indicator codes of plan four's local fiscal revenue (亿元) and its stated growth (%)."""

PLAN4_FIGURES = pd.DataFrame(
    {
        "unit_code": [PLAN4_OURS] * 3 + [PLAN4_BENCHMARK] * 3,
        "year": [2010, 2011, 2012] * 2,
        "value_kind": ["actual", "plan", "plan"] * 2,
        "value": [2.0, 3.2, 5.2, 2.9, 3.5, 4.2],
        "growth_pct": [56.0, 60.0, 60.0, 15.0, 16.0, 15.0],
    }
)
"""Plan four's fiscal revenue table as the document states it (亿元, growth in %)."""


@dataclass(frozen=True)
class DemoData:
    """Every table of the demo data set, in the store's column layout."""

    units: pd.DataFrame
    """``code, name_zh, name_en, kind, parent_code, peer_group, is_demo``."""
    indicators: pd.DataFrame
    """``code, name_zh, name_en, measure, direction, kind, frequency, allow_negative, is_demo``."""
    observations: pd.DataFrame
    """``unit_code, indicator_code, freq, year, sub, value_kind, value, cumulative``."""
    benchmark_pairs: pd.DataFrame
    """``chaser_code, benchmark_code, indicator_code, base_year, target_year, note``."""
    gaps: pd.DataFrame
    """Gaps and rectification commitments (差距排查与整改承诺)."""
    phases: pd.DataFrame
    """Campaign phases (plan three)."""
    milestones: pd.DataFrame
    """Dated milestones (plans one and four)."""


_STREETS = [
    ("JD01", "东城街道", "Dongcheng Sub-district"),
    ("JD02", "西城街道", "Xicheng Sub-district"),
    ("JD03", "南关街道", "Nanguan Sub-district"),
    ("JD04", "北关街道", "Beiguan Sub-district"),
    ("JD05", "文昌街道", "Wenchang Sub-district"),
    ("JD06", "云门山街道", "Yunmenshan Sub-district"),
    ("JD07", "益都街道", "Yidu Sub-district"),
    ("JD08", "王府街道", "Wangfu Sub-district"),
]
_TOWNS = [
    ("XZ01", "黄楼镇", "Huanglou Town"),
    ("XZ02", "弥河镇", "Mihe Town"),
    ("XZ03", "王坟镇", "Wangfen Town"),
    ("XZ04", "庙子镇", "Miaozi Town"),
    ("XZ05", "邵庄镇", "Shaozhuang Town"),
    ("XZ06", "高柳镇", "Gaoliu Town"),
    ("XZ07", "何官镇", "Heguan Town"),
    ("XZ08", "谭坊镇", "Tanfang Town"),
]
_EXTERNAL = [
    ("EXT_DH", "东湖区（邻区标杆）", "Donghu District (neighbour benchmark)"),
    ("EXT_KS", "昆山市（先进标杆）", "Kunshan (leading-city benchmark)"),
]

# code, zh, en, measure, direction, kind, frequency, base level, mean annual growth
_INDICATORS = [
    (
        "GBR",
        "地方一般公共预算收入",
        "General public budget revenue",
        "万元",
        "higher",
        "flow",
        "M",
        52000,
        0.07,
    ),
    ("FAI", "固定资产投资", "Fixed-asset investment", "万元", "higher", "flow", "M", 310000, 0.08),
    ("IND_INV", "工业投资", "Industrial investment", "万元", "higher", "flow", "M", 150000, 0.09),
    (
        "IVA_G",
        "规上工业增加值增速",
        "Industrial value-added growth (above scale)",
        "%",
        "higher",
        "rate",
        "M",
        7.0,
        0.0,
    ),
    (
        "FDI",
        "招商引资到位资金",
        "Investment attracted (funds in place)",
        "万元",
        "higher",
        "flow",
        "M",
        90000,
        0.10,
    ),
    ("NEW_PROJ", "新开工项目数", "New projects started", "个", "higher", "flow", "M", 24, 0.05),
    ("HIGHRISE", "高层楼宇", "High-rise buildings", "栋", "higher", "stock", "M", 120, 0.06),
    ("LAND", "征地拆迁", "Land cleared", "亩", "higher", "flow", "M", 650, 0.03),
    (
        "RETAIL",
        "社会消费品零售总额",
        "Retail sales of consumer goods",
        "万元",
        "higher",
        "flow",
        "M",
        260000,
        0.06,
    ),
    (
        "INFRA",
        "基础设施投资",
        "Infrastructure investment",
        "亿元",
        "higher",
        "flow",
        "M",
        2.4,
        0.08,
    ),
    ("HOUSEHOLDS", "入住居民户数", "Households moved in", "户", "higher", "flow", "M", 1500, 0.04),
    (
        "ENERGY",
        "单位GDP能耗",
        "Energy use per unit of GDP",
        "吨标准煤/万元",
        "lower",
        "rate",
        "Y",
        0.62,
        -0.035,
    ),
]

# Relative size of each unit: the benchmarks lead, the chasers of the demo's benchmark pairs
# start behind and grow faster (_GROWTH_TILT), so the catch-up page has a story to tell.
_SIZE = {
    "JD01": 1.50,
    "JD02": 1.25,
    "JD03": 0.85,
    "JD04": 1.05,
    "JD05": 1.15,
    "JD06": 0.80,
    "JD07": 1.10,
    "JD08": 0.95,
    "XZ01": 0.90,
    "XZ02": 0.65,
    "XZ03": 0.55,
    "XZ04": 0.70,
    "XZ05": 0.60,
    "XZ06": 0.75,
    "XZ07": 0.50,
    "XZ08": 0.62,
    "EXT_DH": 2.10,
    "EXT_KS": 3.20,
}
_GROWTH_TILT = {"JD03": 0.05, "XZ02": 0.06, "JD05": 0.04, "JD01": 0.02}

# Chinese monthly activity: a slow start around the Spring Festival, a strong June and December.
_SEASON = np.array([0.75, 0.70, 0.95, 0.95, 1.00, 1.15, 0.95, 0.95, 1.05, 1.00, 1.05, 1.30])
_SEASON = _SEASON / _SEASON.sum()


def build_demo() -> DemoData:
    """Build the whole demo data set deterministically.

    Examples
    --------
    >>> demo = build_demo()
    >>> ours = demo.observations.query("unit_code == 'P4_OURS' and indicator_code == 'P4_FISCAL_REV'")
    >>> ours["value"].tolist()
    [2.0, 3.2, 5.2]
    """
    rng = np.random.default_rng(SEED)
    units = _units()
    indicators = _indicators()
    city = _city_observations(rng, units[units["code"].str.match("JD|XZ|EXT")])
    observations = pd.concat([_plan4_observations(), city], ignore_index=True)
    return DemoData(
        units=units,
        indicators=indicators,
        observations=observations,
        benchmark_pairs=_pairs(),
        gaps=_gaps(),
        phases=_phases(),
        milestones=_milestones(),
    )


def _units() -> pd.DataFrame:
    rows = [(c, zh, en, "街道", None, "城区街道") for c, zh, en in _STREETS]
    rows += [(c, zh, en, "乡镇", None, "乡镇") for c, zh, en in _TOWNS]
    rows += [(c, zh, en, "外部标杆", None, "外部标杆") for c, zh, en in _EXTERNAL]
    rows += [
        (PLAN4_OURS, "方案四·本街道", "Plan 4: our sub-district", "街道", None, "方案四"),
        (
            PLAN4_BENCHMARK,
            "方案四·市外标杆",
            "Plan 4: external benchmark",
            "外部标杆",
            None,
            "方案四",
        ),
    ]
    columns = ["code", "name_zh", "name_en", "kind", "parent_code", "peer_group"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["is_demo"] = True
    return frame


def _indicators() -> pd.DataFrame:
    rows = [row[:7] for row in _INDICATORS]
    rows += [
        (PLAN4_REVENUE, "地方财政收入", "Local fiscal revenue", "亿元", "higher", "flow", "Y"),
        (
            PLAN4_GROWTH,
            "地方财政收入增长率",
            "Local fiscal revenue growth",
            "%",
            "higher",
            "rate",
            "Y",
        ),
        ("P4_HIGHRISE", "高层楼宇建设", "High-rise buildings built", "栋", "higher", "stock", "Y"),
        (
            "P4_BIG_PROJ",
            "新建续建大项目",
            "Large projects, new or continued",
            "个",
            "higher",
            "flow",
            "Y",
        ),
        ("P4_IND_INV", "工业投入", "Industrial investment", "亿元", "higher", "flow", "Y"),
        ("P4_LAND", "拆迁土地", "Land cleared", "亩", "higher", "flow", "Y"),
        ("P4_RES_BLDG", "多层居民楼", "Residential buildings", "栋", "higher", "flow", "Y"),
        (
            "P4_RES_AREA",
            "居民楼建筑面积",
            "Residential floor area",
            "平方米",
            "higher",
            "flow",
            "Y",
        ),
        ("P4_HOUSEHOLDS", "入住居民", "Households moved in", "户", "higher", "flow", "Y"),
        ("P4_INFRA", "基础设施投资", "Infrastructure investment", "亿元", "higher", "flow", "Y"),
    ]
    columns = ["code", "name_zh", "name_en", "measure", "direction", "kind", "frequency"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["allow_negative"] = frame["code"].isin(["IVA_G", PLAN4_GROWTH])
    frame["is_demo"] = True
    frame["growth_of"] = frame["code"].map({PLAN4_GROWTH: PLAN4_REVENUE})
    return frame


def _obs(
    unit: str,
    indicator: str,
    freq: str,
    year: int,
    sub: int,
    kind: str,
    value: float,
    cumulative: bool = False,
) -> dict:
    return {
        "unit_code": unit,
        "indicator_code": indicator,
        "freq": freq,
        "year": year,
        "sub": sub,
        "value_kind": kind,
        "value": float(value),
        "cumulative": cumulative,
    }


def _plan4_observations() -> pd.DataFrame:
    rows = []
    for r in PLAN4_FIGURES.itertuples():
        rows.append(_obs(r.unit_code, PLAN4_REVENUE, "Y", r.year, 0, r.value_kind, r.value))
        rows.append(_obs(r.unit_code, PLAN4_GROWTH, "Y", r.year, 0, r.value_kind, r.growth_pct))
    targets = [
        ("P4_HIGHRISE", 2012, 360),
        ("P4_BIG_PROJ", 2011, 13),
        ("P4_IND_INV", 2011, 50),
        ("P4_LAND", 2011, 1200),
        ("P4_RES_BLDG", 2011, 70),
        ("P4_RES_AREA", 2011, 350000),
        ("P4_HOUSEHOLDS", 2011, 2000),
        ("P4_INFRA", 2011, 3),
    ]
    rows += [_obs(PLAN4_OURS, code, "Y", year, 0, "target", v) for code, year, v in targets]
    return pd.DataFrame(rows)


def _city_observations(rng: np.random.Generator, units: pd.DataFrame) -> pd.DataFrame:
    """Annual totals with unit-specific scale and growth, spread over months by season."""
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    n_units, n_years = len(units), len(years)
    codes = units["code"]
    size = codes.map(_SIZE).to_numpy() * rng.lognormal(0.0, 0.05, n_units)
    tilt = codes.map(_GROWTH_TILT).fillna(0.0).to_numpy()
    frames = []
    for code, _zh, _en, _m, _d, kind, freq, base, growth in _INDICATORS:
        unit_growth = growth + np.sign(growth) * tilt + rng.normal(0, 0.02, n_units)
        shock = rng.normal(0, 0.04, (n_units, n_years))
        yearly_growth = unit_growth[:, None] + shock
        yearly_growth[:, 1] -= 0.06 if growth > 0 else 0.0  # 2020 slump
        scale = (
            size if kind != "rate" else np.ones_like(size)
        )  # an intensity does not grow with size
        level = base * scale[:, None] * np.cumprod(1 + yearly_growth, axis=1)
        frames.append(
            _indicator_frames(
                rng, units["code"].to_numpy(), years, code, kind, freq, level, yearly_growth, growth
            )
        )
    return pd.concat(frames, ignore_index=True)


def _indicator_frames(
    rng: np.random.Generator,
    codes: np.ndarray,
    years: np.ndarray,
    code: str,
    kind: str,
    freq: str,
    level: np.ndarray,
    yearly_growth: np.ndarray,
    growth: float,
) -> pd.DataFrame:
    is_count = code in {"NEW_PROJ", "HIGHRISE", "HOUSEHOLDS", "LAND"}
    if kind == "rate" and freq == "Y":  # energy intensity: annual actual and target
        values = np.round(level, 3)
        target = np.round(np.roll(values, 1, axis=1) * (1 + growth), 3)
        return pd.concat(
            [
                _grid(
                    codes,
                    years,
                    code,
                    "Y",
                    [0],
                    "actual",
                    values[:, :-1, None],
                    False,
                    years_slice=slice(0, -1),
                ),
                _grid(
                    codes,
                    years,
                    code,
                    "Y",
                    [0],
                    "target",
                    target[:, 1:, None],
                    False,
                    years_slice=slice(1, None),
                ),
            ]
        )
    if kind == "rate":  # year-to-date growth rate in %, drifting through the year
        base = 7.0 + 100 * (yearly_growth - yearly_growth.mean())
        monthly = base[:, :, None] + rng.normal(0, 0.8, (*base.shape, 12))
        target = np.full(base.shape, 7.0)
        return _with_target(codes, years, code, np.round(monthly, 1), target, cumulative=True)
    if kind == "stock":
        start = np.concatenate([level[:, :1] / (1 + yearly_growth[:, :1]), level[:, :-1]], axis=1)
        steps = np.linspace(1 / 12, 1, 12)
        monthly = start[:, :, None] + (level - start)[:, :, None] * steps
        monthly = np.round(monthly)
        target = np.round(start * (1.09))
        return _with_target(codes, years, code, monthly, target, cumulative=False)
    noise = rng.normal(1.0, 0.06, (*level.shape, 12)).clip(0.7, 1.3)
    monthly = level[:, :, None] * _SEASON * noise
    ytd = np.cumsum(monthly, axis=2)
    ytd = np.round(ytd) if is_count else np.round(ytd, 2 if code == "INFRA" else 1)
    prior = np.concatenate([level[:, :1] / (1 + yearly_growth[:, :1]), ytd[:, :-1, -1]], axis=1)
    target = prior * (1 + growth + rng.normal(-0.01, 0.04, prior.shape))
    target = np.round(target) if is_count else np.round(target, 2 if code == "INFRA" else 0)
    return _with_target(codes, years, code, ytd, target, cumulative=True)


def _with_target(
    codes: np.ndarray,
    years: np.ndarray,
    code: str,
    monthly: np.ndarray,
    target: np.ndarray,
    cumulative: bool,
) -> pd.DataFrame:
    actual = _grid(codes, years, code, "M", list(range(1, 13)), "actual", monthly, cumulative)
    last = (actual["year"] < LAST_YEAR) | (actual["sub"] <= LAST_MONTH)
    annual = _grid(codes, years, code, "Y", [0], "target", target[:, :, None], False)
    return pd.concat([actual[last], annual])


def _grid(
    codes: np.ndarray,
    years: np.ndarray,
    code: str,
    freq: str,
    subs: list[int],
    kind: str,
    values: np.ndarray,
    cumulative: bool,
    years_slice: slice = slice(None),
) -> pd.DataFrame:
    yrs = years[years_slice]
    index = pd.MultiIndex.from_product([codes, yrs, subs], names=["unit_code", "year", "sub"])
    frame = index.to_frame(index=False)
    frame["indicator_code"] = code
    frame["freq"] = freq
    frame["value_kind"] = kind
    frame["value"] = values.reshape(-1).astype(float)
    frame["cumulative"] = cumulative
    return frame


def _pairs() -> pd.DataFrame:
    rows = [
        (PLAN4_OURS, PLAN4_BENCHMARK, PLAN4_REVENUE, 2010, 2012, "方案四：2012年全面赶超"),
        ("JD03", "JD01", None, 2024, 2027, "南关街道赶超东城街道"),
        ("JD01", "EXT_DH", None, 2024, 2028, "东城街道对标东湖区"),
        ("XZ02", "XZ01", None, 2024, 2026, "弥河镇赶超黄楼镇"),
        ("JD05", "EXT_KS", "GBR", 2024, 2030, "文昌街道学习昆山"),
    ]
    columns = [
        "chaser_code",
        "benchmark_code",
        "indicator_code",
        "base_year",
        "target_year",
        "note",
    ]
    return pd.DataFrame(rows, columns=columns)


def _gaps() -> pd.DataFrame:
    rows = [
        (
            "JD03",
            "招商引资到位资金不足东城街道的七成",
            "成立专班，每月走访重点意向项目，年内引进亿元项目3个",
            "招商办 王主任",
            dt.date(2026, 12, 31),
            "in_progress",
            "FDI",
            120000.0,
            2026,
        ),
        (
            "JD03",
            "新开工项目偏少",
            "建立项目储备库，实行周调度、月通报",
            "项目办 李科长",
            dt.date(2026, 9, 30),
            "open",
            "NEW_PROJ",
            30.0,
            2026,
        ),
        (
            "XZ02",
            "工业投资增速落后于同组乡镇",
            "盯紧两个续建项目，6月底前完成设备安装",
            "经发办 赵主任",
            dt.date(2026, 6, 30),
            "done",
            "IND_INV",
            160000.0,
            2026,
        ),
        (
            "JD01",
            "单位GDP能耗高于东湖区",
            "淘汰落后产能，推广合同能源管理",
            "经管办 陈主任",
            dt.date(2026, 12, 31),
            "open",
            "ENERGY",
            0.5,
            2026,
        ),
        (
            "XZ05",
            "征地拆迁进度慢",
            "实行片区拆迁、组团开发，包片领导每周现场调度",
            "城建办 孙主任",
            dt.date(2026, 8, 31),
            "open",
            "LAND",
            700.0,
            2026,
        ),
    ]
    return pd.DataFrame(rows, columns=list(GAP_COLUMNS))


def _phases() -> pd.DataFrame:
    campaign = "方案三：比学赶超、创先争优"
    rows = [
        (
            campaign,
            "积极动员、选树标杆",
            "Mobilise and pick benchmarks",
            dt.date(2014, 7, 19),
            dt.date(2014, 7, 28),
        ),
        (
            campaign,
            "寻找差距、排查问题",
            "Find gaps and list problems",
            dt.date(2014, 7, 29),
            dt.date(2014, 8, 7),
        ),
        (
            campaign,
            "高点定位、创新举措",
            "Set high aims and new measures",
            dt.date(2014, 8, 8),
            dt.date(2014, 8, 14),
        ),
        (
            campaign,
            "深度总结、促进提升",
            "Sum up and improve",
            dt.date(2014, 8, 15),
            dt.date(2014, 8, 21),
        ),
    ]
    this_year = "2026年度比学赶超活动（演示）"
    d = dt.date
    rows += [
        (
            this_year,
            "动员部署、选树标杆",
            "Mobilise and pick benchmarks",
            d(2026, 3, 1),
            d(2026, 3, 15),
        ),
        (
            this_year,
            "对标找差、承诺整改",
            "Find gaps, commit to measures",
            d(2026, 3, 16),
            d(2026, 4, 30),
        ),
        (
            this_year,
            "攻坚赶超、月度调度",
            "Push and monthly review",
            d(2026, 5, 1),
            d(2026, 11, 30),
        ),
        (
            this_year,
            "考核评比、年终回头看",
            "Assess and look back",
            d(2026, 12, 1),
            d(2026, 12, 31),
        ),
    ]
    return pd.DataFrame(rows, columns=["campaign", "name_zh", "name_en", "start_date", "end_date"])


def _milestones() -> pd.DataFrame:
    rows: list[tuple[str, str, str, dt.date, dt.date | None, str | None]] = [
        (
            "方案一：广电中心",
            "农村有线电视数字化整转完成",
            "Rural cable digital switch-over done",
            dt.date(2011, 6, 30),
            dt.date(2011, 6, 28),
            None,
        ),
        (
            "方案一：广电中心",
            "文化中心图书馆、文化馆、广电大剧院先期投入使用",
            "Culture centre library, hall and theatre in use",
            dt.date(2011, 12, 31),
            dt.date(2012, 1, 20),
            None,
        ),
        (
            "方案三：比学赶超、创先争优",
            "年终对照《差距排查与整改承诺书》开展回头看",
            "Year-end look-back against the gap commitments",
            dt.date(2014, 12, 31),
            dt.date(2014, 12, 26),
            None,
        ),
        (
            "方案四：街道赶超",
            "三个社区服务中心建成",
            "Three community service centres built",
            dt.date(2011, 6, 30),
            dt.date(2011, 7, 15),
            PLAN4_OURS,
        ),
        (
            "方案四：街道赶超",
            "高层楼宇达到360栋",
            "360 high-rise buildings",
            dt.date(2012, 12, 31),
            dt.date(2013, 3, 28),
            PLAN4_OURS,
        ),
    ]
    this_year = "2026年度比学赶超活动（演示）"
    d = dt.date
    rows += [
        (
            this_year,
            "各单位上报《差距排查与整改承诺书》",
            "Gap commitments handed in",
            d(2026, 4, 30),
            d(2026, 5, 6),
            None,
        ),
        (
            this_year,
            "半年考核排名通报",
            "Half-year ranking published",
            d(2026, 7, 15),
            d(2026, 7, 12),
            None,
        ),
        (this_year, "重点项目集中开工", "Key projects break ground", d(2026, 9, 30), None, "JD03"),
        (
            this_year,
            "年终考核与回头看",
            "Year-end assessment and look back",
            d(2026, 12, 31),
            None,
            None,
        ),
    ]
    columns = ["campaign", "name_zh", "name_en", "due_date", "done_date", "unit_code"]
    return pd.DataFrame(rows, columns=columns)


def load_demo(store: Store) -> int | None:
    """Write the demo data set into ``store`` (a :class:`bxgc_metrics.store.Store`).

    Returns the id of the observation batch (``None`` if the demo was already loaded).
    """
    demo = build_demo()
    store.upsert_units(demo.units)
    store.upsert_indicators(demo.indicators)
    for name in ("benchmark_pairs", "gaps", "phases", "milestones"):
        store.replace_table(name, getattr(demo, name))
    result = store.write_observations(
        demo.observations, file_name="演示数据 demo", who="system", note="demo"
    )
    return result.batch_id
