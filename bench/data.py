"""Deterministic scaled data sets for the benchmarks, as files and as a database.

A :class:`Size` names how many units, indicators and months a data set has; the same size
and seed give the same numbers, byte for byte. Every file is written under
``bench/data/<key>/`` (git-ignored) and kept there: the key holds every parameter and the
generator version, so a changed generator or size never reuses a stale file.

The figures look like the monthly report sheets they stand for: flows (万元 and counts) as
year-to-date sums that reset each January, stocks that grow month by month, rates in %
that may be negative, and an annual target per unit, indicator and year.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from bxgc_metrics.access import SYSTEM
from bxgc_metrics.store import LATEST, Store

GENERATOR_VERSION = 2
"""Raise when the generated numbers or files change, so cached files are remade."""

ROOT = Path(__file__).resolve().parent / "data"
"""Where generated data sets are cached (git-ignored)."""

LAST_YEAR = 2025
"""Monthly actuals end in December of this year."""


@dataclass(frozen=True)
class Size:
    """The shape of one data set and of the files cut from it."""

    name: str
    """Short name, e.g. ``S``."""
    units: int
    """Units (sub-districts and townships)."""
    indicators: int
    """Indicators (a mix of flows, stocks and rates)."""
    months: int
    """Months of actuals, ending in December of :data:`LAST_YEAR`."""
    csv_months: int
    """Months in the long CSV (the last ones), with the annual targets of their years."""
    xlsx_months: int
    """Months in the long xlsx (the last ones; actuals only)."""
    wide_months: int
    """Period columns of the wide xlsx (the last months)."""
    seed: int = 20240601
    """Seed of the number generator."""

    @property
    def key(self) -> str:
        """The cache key: every parameter, the generator version and the schema version."""
        return (
            f"{self.name}-u{self.units}-i{self.indicators}-m{self.months}-c{self.csv_months}"
            f"-x{self.xlsx_months}-w{self.wide_months}-y{LAST_YEAR}-s{self.seed}"
            f"-v{GENERATOR_VERSION}-db{LATEST}"
        )

    @property
    def years(self) -> int:
        """Calendar years touched by the months."""
        return -(-self.months // 12)

    @property
    def observations(self) -> int:
        """Rows of the full data set: monthly actuals plus annual targets."""
        return self.units * self.indicators * (self.months + self.years)

    @property
    def csv_rows(self) -> int:
        """Data rows of the long CSV."""
        years = len(np.unique(_month_years(self.months)[-self.csv_months :]))
        return self.units * self.indicators * (self.csv_months + years)

    @property
    def xlsx_rows(self) -> int:
        """Data rows of the long xlsx."""
        return self.units * self.indicators * self.xlsx_months


SIZES = {
    "S": Size(
        "S", units=100, indicators=20, months=84, csv_months=84, xlsx_months=12, wide_months=12
    ),
    "M": Size(
        "M", units=1000, indicators=50, months=120, csv_months=18, xlsx_months=2, wide_months=12
    ),
    "L": Size(
        "L", units=2000, indicators=100, months=120, csv_months=4, xlsx_months=1, wide_months=1
    ),
}
"""S: 100 × 20 × 84 months; M: 1,000 × 50 × 120 months (6M monthly figures). M's long CSV
holds the last 18 months and two years of targets (1,000,000 rows), its long xlsx the last
two months (100,000 rows). L, a province on one machine: 2,000 × 100 × 120 months (24M
monthly figures); its long CSV holds the last 4 months and that year's targets (1,000,000
rows). Only the province case (:mod:`bench.province`) uses L."""


# --- reference tables ---------------------------------------------------------------------

_FIRST = "东西南北中新华文云金银龙凤安和平兴盛泰康宁福德仁义"
_COUNTIES = ("二区", "三区", "四区", "五区")
"""Prefixes of units past the first thousand names (a province holds several counties)."""
_SECOND = "城关山河湖港桥庄坊店集营塘岭坡湾洲岗园林溪泉源江田村门亭台阁楼峰谷滩堡寨铺桂柳梅"

# name, measure, kind, base level (per year or stock), annual growth
_BASES = (
    ("地方一般公共预算收入", "万元", "flow", 52_000.0, 0.07),
    ("固定资产投资", "万元", "flow", 310_000.0, 0.08),
    ("规上工业增加值增速", "%", "rate", 7.0, 0.0),
    ("工业投资", "万元", "flow", 150_000.0, 0.09),
    ("高层楼宇", "栋", "stock", 120.0, 0.05),
    ("社会消费品零售总额", "万元", "flow", 260_000.0, 0.06),
    ("新开工项目", "个", "flow", 40.0, 0.05),
    ("实际利用外资", "万元", "flow", 18_000.0, 0.10),
    ("市场主体", "户", "stock", 9_000.0, 0.06),
    ("招商引资到位资金", "万元", "flow", 90_000.0, 0.11),
)
_VARIANTS = ("", "甲类", "乙类", "丙类", "丁类", "戊类", "己类", "庚类", "辛类", "壬类")


def units_frame(size: Size) -> pd.DataFrame:
    """Units in the store's layout: alternately 街道 and 乡镇, in two peer groups."""
    per_county = len(_FIRST) * len(_SECOND)
    if size.units > per_county * (len(_COUNTIES) + 1):
        raise ValueError(f"at most {per_county * (len(_COUNTIES) + 1)} units have distinct names")
    index = np.arange(size.units)
    street = index % 2 == 0
    names = [
        ("" if i < per_county else _COUNTIES[i // per_county - 1])
        + _FIRST[i // len(_SECOND) % len(_FIRST)]
        + _SECOND[i % len(_SECOND)]
        + ("街道" if s else "镇")
        for i, s in zip(index, street, strict=True)
    ]
    return pd.DataFrame(
        {
            "code": [f"U{i:04d}" for i in index],
            "name_zh": names,
            "name_en": [f"Unit {i:04d}" for i in index],
            "kind": np.where(street, "街道", "乡镇"),
            "parent_code": None,
            "peer_group": np.where(street, "城区街道", "乡镇"),
            "is_demo": False,
        }
    )


def indicators_frame(size: Size) -> pd.DataFrame:
    """Indicators in the store's layout, cycling through the base kinds."""
    rows = []
    for j in range(size.indicators):
        name, measure, kind, _level, _growth = _BASES[j % len(_BASES)]
        rows.append(
            {
                "code": f"I{j:03d}",
                "name_zh": _VARIANTS[j // len(_BASES) % len(_VARIANTS)] + name,
                "name_en": f"Indicator {j:03d}",
                "measure": measure,
                "direction": "higher",
                "kind": kind,
                "frequency": "M",
                "report_due_day": 8,  # due by the 8th of the next month, as the demo's
                "allow_negative": kind == "rate",
                "is_demo": False,
            }
        )
    return pd.DataFrame(rows)


# --- figures ------------------------------------------------------------------------------

_SEASON = np.array([0.55, 0.60, 0.85, 0.90, 0.95, 1.20, 0.90, 0.90, 1.05, 0.95, 1.05, 1.40])
_SEASON = _SEASON / _SEASON.sum()


def _month_years(months: int) -> np.ndarray:
    """The year of each month, oldest first, ending in December of :data:`LAST_YEAR`."""
    return (LAST_YEAR - (months - 1 - np.arange(months)) // 12).astype(int)


@dataclass(frozen=True)
class Figures:
    """A data set's numbers as arrays (units × indicators × time)."""

    actual: np.ndarray
    """Monthly actuals, units × indicators × months."""
    target: np.ndarray
    """Annual targets, units × indicators × years."""
    years: np.ndarray
    """The year of each month."""
    months: np.ndarray
    """The calendar month (1-12) of each month."""
    target_years: np.ndarray
    """The year of each target."""


def figures(size: Size) -> Figures:
    """Every number of a data set, deterministically from the seed.

    Whole years are made and the last :attr:`Size.months` kept, so a year-to-date figure
    always sums from January even when the data set starts in the middle of a year.
    """
    rng = np.random.default_rng(size.seed)
    n_y = size.years
    target_years = np.arange(LAST_YEAR - n_y + 1, LAST_YEAR + 1)
    years, months = np.repeat(target_years, 12), np.tile(np.arange(1, 13), n_y)
    scale = rng.lognormal(0.0, 0.3, size.units)
    actual = np.empty((size.units, size.indicators, 12 * n_y))
    target = np.empty((size.units, size.indicators, n_y))
    for j in range(size.indicators):
        _name, _measure, kind, level, growth = _BASES[j % len(_BASES)]
        rates = growth + rng.normal(0, 0.03, (size.units, n_y))
        annual = level * scale[:, None] * np.cumprod(1 + rates, axis=1)  # units × years
        by_month = np.repeat(annual, 12, axis=1)
        if kind == "flow":
            noise = rng.normal(1, 0.05, by_month.shape).clip(0.8)
            ytd = np.cumsum((by_month * _SEASON[months - 1] * noise).reshape(-1, n_y, 12), axis=2)
            actual[:, j] = np.round(ytd.reshape(size.units, -1), 1 if measure_is_money(j) else 0)
            target[:, j] = np.round(annual * (1 + 0.02 + rng.normal(0, 0.01, annual.shape)))
        elif kind == "stock":
            actual[:, j] = np.round(by_month * (1 + (months - 12) / 12 * growth))
            target[:, j] = np.round(annual * 1.09)
        else:
            actual[:, j] = np.round(level + rng.normal(0, 0.8, by_month.shape), 1)
            target[:, j] = level
    keep = slice(12 * n_y - size.months, None)
    return Figures(actual[:, :, keep], target, years[keep], months[keep], target_years)


def measure_is_money(j: int) -> bool:
    """Whether indicator ``j`` is measured in 万元."""
    return _BASES[j % len(_BASES)][1] == "万元"


def _period_labels(years: np.ndarray, months: np.ndarray) -> np.ndarray:
    return np.array([f"{y}-{m:02d}" for y, m in zip(years, months, strict=True)], dtype=object)


def observations(size: Size) -> pd.DataFrame:
    """The whole data set in the store's observation columns."""
    fig = figures(size)
    monthly = _long(size, fig.actual, "M", fig.years, fig.months, "actual")
    annual = _long(
        size, fig.target, "Y", fig.target_years, np.zeros_like(fig.target_years), "target"
    )
    frame = pd.concat([monthly, annual], ignore_index=True)
    kinds = indicators_frame(size).set_index("code")["kind"]
    frame["cumulative"] = (frame["value_kind"] == "actual") & frame["indicator_code"].map(kinds).eq(
        "flow"
    )
    return frame


def _long(
    size: Size, values: np.ndarray, freq: str, years: np.ndarray, subs: np.ndarray, kind: str
) -> pd.DataFrame:
    """Units × indicators × time values as long rows (unit slowest, time fastest)."""
    n_t = values.shape[2]
    per_unit = size.indicators * n_t
    unit_codes = units_frame(size)["code"].to_numpy(dtype=object)
    ind_codes = indicators_frame(size)["code"].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "unit_code": pd.Categorical(np.repeat(unit_codes, per_unit)),
            "indicator_code": pd.Categorical(np.tile(np.repeat(ind_codes, n_t), size.units)),
            "freq": freq,
            "year": np.tile(years, size.units * size.indicators).astype("int16"),
            "sub": np.tile(subs, size.units * size.indicators).astype("int8"),
            "value_kind": kind,
            "value": values.reshape(-1),
        }
    )


# --- files --------------------------------------------------------------------------------


def folder(size: Size) -> Path:
    """The cache folder of a size."""
    return ROOT / size.key


def _cached(path: Path, make: Callable[[Path], None]) -> Path:
    """Make ``path`` through a temporary name unless it exists already."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    make(partial)
    partial.replace(path)
    return path


def long_csv(size: Size) -> Path:
    """Long CSV (单位,指标,期间,数值,类型) of the last :attr:`Size.csv_months` months and
    the targets of their years, UTF-8."""
    return _cached(folder(size) / "long.csv", lambda p: _write_long_csv(size, p))


def _long_names(size: Size, months: int, with_targets: bool) -> pd.DataFrame:
    fig = figures(size)
    units = units_frame(size)["name_zh"].to_numpy(dtype=object)
    names = indicators_frame(size)["name_zh"].to_numpy(dtype=object)
    parts = [(fig.actual[:, :, -months:], _period_labels(fig.years, fig.months)[-months:], "实际")]
    if with_targets:
        kept = np.isin(fig.target_years, np.unique(fig.years[-months:]))
        labels = np.array([str(y) for y in fig.target_years[kept]], dtype=object)
        parts.append((fig.target[:, :, kept], labels, "目标"))
    frames = []
    for values, labels, kind in parts:
        n_t = len(labels)
        frames.append(
            pd.DataFrame(
                {
                    "单位": np.repeat(units, size.indicators * n_t),
                    "指标": np.tile(np.repeat(names, n_t), size.units),
                    "期间": np.tile(labels, size.units * size.indicators),
                    "数值": values.reshape(-1),
                    "类型": kind,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _write_long_csv(size: Size, path: Path) -> None:
    _long_names(size, size.csv_months, with_targets=True).to_csv(path, index=False)


def long_xlsx(size: Size) -> Path:
    """The long layout as xlsx: the last :attr:`Size.xlsx_months` months of actuals."""
    return _cached(folder(size) / "long.xlsx", lambda p: _write_long_xlsx(size, p))


def _write_long_xlsx(size: Size, path: Path) -> None:
    frame = _long_names(size, size.xlsx_months, with_targets=False)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, list(frame.columns))
    for row, values in enumerate(frame.itertuples(index=False), start=1):
        sheet.write_row(row, 0, values)
    book.close()


def wide_xlsx(size: Size) -> Path:
    """Wide layout: a title, then one row per unit and indicator and one column per month."""
    return _cached(folder(size) / "wide.xlsx", lambda p: _write_wide_xlsx(size, p))


def _write_wide_xlsx(size: Size, path: Path) -> None:
    fig = figures(size)
    n = size.wide_months
    labels = list(_period_labels(fig.years, fig.months)[-n:])
    units = units_frame(size)["name_zh"].tolist()
    names = indicators_frame(size)["name_zh"].tolist()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("月度")
    sheet.write(0, 0, f"{LAST_YEAR}年各单位主要指标月度累计")
    sheet.write_row(1, 0, ["单位", "指标", *labels])
    row = 2
    for u, unit in enumerate(units):
        for j, name in enumerate(names):
            sheet.write_row(row, 0, [unit, name, *fig.actual[u, j, -n:].tolist()])
            row += 1
    book.close()


def report_xlsx(size: Size) -> Path:
    """Report-style sheet of the 万元 indicators for 1-6月 of :data:`LAST_YEAR`."""
    return _cached(folder(size) / "report.xlsx", lambda p: _write_report_xlsx(size, p))


def _write_report_xlsx(size: Size, path: Path) -> None:
    fig = figures(size)
    june = np.flatnonzero((fig.years == LAST_YEAR) & (fig.months == 6))[0]
    prior = june - 12 if june >= 12 else None
    year = np.flatnonzero(fig.target_years == LAST_YEAR)[0]
    money = [j for j in range(size.indicators) if measure_is_money(j)]
    names = indicators_frame(size)["name_zh"].tolist()
    units = units_frame(size)["name_zh"].tolist()
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("1-6月")
    width = 2 + 4 * len(money)
    sheet.merge_range(0, 0, 0, width - 1, f"{LAST_YEAR}年1-6月各街道（乡镇）主要指标完成情况")
    sheet.write(1, 0, "单位：万元")
    sheet.merge_range(2, 0, 3, 0, "序号")
    sheet.merge_range(2, 1, 3, 1, "单位")
    for k, j in enumerate(money):
        left = 2 + 4 * k
        sheet.merge_range(2, left, 2, left + 3, names[j])
        sheet.write_row(3, left, ["全年目标", "1-6月累计", "完成率", "同比增长"])
    for u, unit in enumerate(units):
        row = [u + 1, unit]
        for j in money:
            target, ytd = fig.target[u, j, year], fig.actual[u, j, june]
            growth = f"{(ytd / fig.actual[u, j, prior] - 1) * 100:.1f}%" if prior else "—"
            row += [target, ytd, f"{ytd / target * 100:.1f}%", growth]
        sheet.write_row(4 + u, 0, row)
    total = ["", "合计"]
    for j in money:
        total += [fig.target[:, j, year].sum(), fig.actual[:, j, june].sum(), "", ""]
    sheet.write_row(4 + size.units, 0, total)
    sheet.write(5 + size.units, 0, "注：1. 数据为基准测试生成的模拟数据；2. “—”表示无数据。")
    book.close()


# --- databases ----------------------------------------------------------------------------


def reference_db(size: Size) -> Path:
    """A database with only the units and indicators registered (the import target)."""
    return _cached(folder(size) / "reference.duckdb", lambda p: _write_reference(size, p))


def _write_reference(size: Size, path: Path) -> None:
    store = Store(path, actor=SYSTEM)
    store.upsert_units(units_frame(size))
    store.upsert_indicators(indicators_frame(size))


def full_db(size: Size) -> Path:
    """A database with every unit, indicator and observation, written through the store."""
    return _cached(folder(size) / "full.duckdb", lambda p: _write_full(size, p))


def _write_full(size: Size, path: Path) -> None:
    _write_reference(size, path)
    Store(path, actor=SYSTEM).write_observations(
        observations(size), file_name=f"bench {size.key}", who="bench", note="benchmark data"
    )


def before_csv_db(size: Size) -> Path:
    """The full database without the figures the long CSV holds (its months' actuals and
    its years' targets): importing the CSV into it adds every row, as a month's reports do."""
    return _cached(folder(size) / "before_csv.duckdb", lambda p: _write_before_csv(size, p))


def _write_before_csv(size: Size, path: Path) -> None:
    _write_reference(size, path)
    frame = observations(size)
    fig = figures(size)
    months = fig.years[-size.csv_months :] * 100 + fig.months[-size.csv_months :]
    period = frame["year"].to_numpy(dtype=np.int64) * 100 + frame["sub"].to_numpy(dtype=np.int64)
    actual = (frame["value_kind"] == "actual").to_numpy()
    in_csv = np.where(
        actual, np.isin(period, months), np.isin(frame["year"].to_numpy(), months // 100)
    )
    Store(path, actor=SYSTEM).write_observations(
        frame[~in_csv].reset_index(drop=True),
        file_name=f"bench {size.key}",
        who="bench",
        note="benchmark data without the long CSV's figures",
    )


def fresh_copy(source: Path, target: Path) -> Path:
    """A copy of a cached database that a benchmark may change."""
    target.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def prepare(size: Size) -> dict[str, Path]:
    """Make (or find) every file of a size."""
    return {
        "long_csv": long_csv(size),
        "long_xlsx": long_xlsx(size),
        "wide_xlsx": wide_xlsx(size),
        "report_xlsx": report_xlsx(size),
        "reference_db": reference_db(size),
        "full_db": full_db(size),
    }
