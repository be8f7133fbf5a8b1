"""The embedded demo data set: plan four's catch-up case and a small demo city.

One deterministic function, :func:`build_demo`, makes every table; the ``demo`` command,
``make run`` and the test fixtures all use it, so what a test checks is what a user sees.
The tables themselves (units, indicators, plan four's figures, benchmark pairs, gaps,
campaign phases and milestones, events) are CSV files in ``bxgc_metrics/data/demo``; this module
reads them and generates the monthly figures.

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
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

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

_DATA = resources.files("bxgc_metrics").joinpath("data/demo")


def _read(name: str, **options: object) -> pd.DataFrame:
    """One of the demo's CSV tables under ``bxgc_metrics/data/demo``."""
    with _DATA.joinpath(f"{name}.csv").open("rb") as f:
        return pd.read_csv(f, encoding="utf-8", **options)  # type: ignore[call-overload]


def _dated(name: str, *columns: str) -> pd.DataFrame:
    """A demo table whose ``columns`` hold ISO dates, as ``datetime.date`` (``None`` if blank)."""
    frame = _read(name)
    for column in columns:
        frame[column] = [None if pd.isna(v) else dt.date.fromisoformat(v) for v in frame[column]]
        frame[column] = frame[column].astype(object)
    return frame


PLAN4_FIGURES = _read("plan4_figures")
"""Plan four's fiscal revenue table as the document states it (亿元, growth in %)."""


@dataclass(frozen=True)
class DemoData:
    """Every table of the demo data set, in the store's column layout."""

    units: pd.DataFrame
    """``code, name_zh, name_en, kind, parent_code, peer_group, is_demo, contact_person,
    contact_phone`` (the demo city's reporting contacts are invented)."""
    indicators: pd.DataFrame
    """``code, name_zh, name_en, measure, direction, kind, frequency, allow_negative,
    is_demo, growth_of, report_due_day`` (monthly figures due by the 8th)."""
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
    events: pd.DataFrame
    """Events drawn on the trajectories (政策出台、项目投产、口径调整):
    ``event_date, unit_code, indicator_code, kind, text``; a blank code means all."""


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
    city = _city_observations(rng, units[units["code"].isin(_generator().index)])
    observations = pd.concat([_plan4_observations(), city], ignore_index=True)
    return DemoData(
        units=units,
        indicators=indicators,
        observations=observations,
        benchmark_pairs=_read("benchmark_pairs"),
        gaps=_dated("gaps", "deadline"),
        phases=_dated("phases", "start_date", "end_date"),
        milestones=_dated("milestones", "due_date", "done_date"),
        events=_events(),
    )


def _events() -> pd.DataFrame:
    frame = _dated("events", "event_date")
    for column in ("unit_code", "indicator_code"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def _units() -> pd.DataFrame:
    columns = ["code", "name_zh", "name_en", "kind", "peer_group"]
    contacts = ["contact_person", "contact_phone"]
    frame = _read("units", usecols=[*columns, *contacts], dtype={c: str for c in contacts})
    frame = frame[columns]
    frame.insert(4, "parent_code", None)
    frame["is_demo"] = True
    people = _read("units", usecols=["code", *contacts], dtype=str)
    for column in contacts:
        frame[column] = people[column].astype(object).where(people[column].notna(), None)
    return frame


def _generator() -> pd.DataFrame:
    """Per unit of the demo city: relative ``size`` and extra growth (``growth_tilt``).

    The benchmarks lead; the chasers of the demo's benchmark pairs start behind and grow
    faster, so the catch-up page has a story to tell.
    """
    frame = _read("units", usecols=["code", "size", "growth_tilt"]).set_index("code")
    return frame.dropna(subset=["size"])


def _indicators() -> pd.DataFrame:
    columns = ["code", "name_zh", "name_en", "measure", "direction", "kind", "frequency"]
    extra = ["growth_of", "report_due_day"]
    frame = _read("indicators", usecols=[*columns, *extra])[[*columns, *extra]]
    frame.insert(7, "allow_negative", frame["code"].isin(["IVA_G", PLAN4_GROWTH]))
    frame.insert(8, "is_demo", True)
    frame["report_due_day"] = frame["report_due_day"].astype("Int16")
    return frame


def _city_indicators() -> pd.DataFrame:
    """The demo city's indicators with their ``base`` level and mean annual ``growth``."""
    columns = ["code", "kind", "frequency", "base", "growth"]
    return _read("indicators", usecols=columns).dropna(subset=["base"])[columns]


def _obs(
    unit: str,
    indicator: str,
    freq: str,
    *,
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
        rows.append(
            _obs(
                r.unit_code,
                PLAN4_REVENUE,
                "Y",
                year=r.year,
                sub=0,
                kind=r.value_kind,
                value=r.value,
            )
        )
        rows.append(
            _obs(
                r.unit_code,
                PLAN4_GROWTH,
                "Y",
                year=r.year,
                sub=0,
                kind=r.value_kind,
                value=r.growth_pct,
            )
        )
    targets = _read("plan4_targets").itertuples(index=False)
    rows += [
        _obs(PLAN4_OURS, code, "Y", year=year, sub=0, kind="target", value=v)
        for code, year, v in targets
    ]
    return pd.DataFrame(rows)


def _city_observations(rng: np.random.Generator, units: pd.DataFrame) -> pd.DataFrame:
    """Annual totals with unit-specific scale and growth, spread over months by season."""
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    n_units, n_years = len(units), len(years)
    generator = _generator().reindex(units["code"])
    size = generator["size"].to_numpy() * rng.lognormal(0.0, 0.05, n_units)
    tilt = generator["growth_tilt"].fillna(0.0).to_numpy()
    frames = []
    for code, kind, freq, base, growth in _city_indicators().itertuples(index=False):
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
                rng,
                units["code"].to_numpy(),
                years,
                code=code,
                kind=kind,
                freq=freq,
                level=level,
                yearly_growth=yearly_growth,
                growth=growth,
            )
        )
    return pd.concat(frames, ignore_index=True)


def _indicator_frames(
    rng: np.random.Generator,
    codes: np.ndarray,
    years: np.ndarray,
    *,
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
                    freq="Y",
                    subs=[0],
                    kind="actual",
                    values=values[:, :-1, None],
                    cumulative=False,
                    years_slice=slice(0, -1),
                ),
                _grid(
                    codes,
                    years,
                    code,
                    freq="Y",
                    subs=[0],
                    kind="target",
                    values=target[:, 1:, None],
                    cumulative=False,
                    years_slice=slice(1, None),
                ),
            ]
        )
    if kind == "rate":  # year-to-date growth rate in %, drifting through the year
        base = 7.0 + 100 * (yearly_growth - yearly_growth.mean())
        monthly = base[:, :, None] + rng.normal(0, 0.8, (*base.shape, 12))
        target = np.full(base.shape, 7.0)
        return _with_target(
            codes, years, code, monthly=np.round(monthly, 1), target=target, cumulative=True
        )
    if kind == "stock":
        start = np.concatenate([level[:, :1] / (1 + yearly_growth[:, :1]), level[:, :-1]], axis=1)
        steps = np.linspace(1 / 12, 1, 12)
        monthly = start[:, :, None] + (level - start)[:, :, None] * steps
        monthly = np.round(monthly)
        target = np.round(start * (1.09))
        return _with_target(codes, years, code, monthly=monthly, target=target, cumulative=False)
    noise = rng.normal(1.0, 0.06, (*level.shape, 12)).clip(0.7, 1.3)
    monthly = level[:, :, None] * _SEASON * noise
    ytd = np.cumsum(monthly, axis=2)
    ytd = np.round(ytd) if is_count else np.round(ytd, 2 if code == "INFRA" else 1)
    prior = np.concatenate([level[:, :1] / (1 + yearly_growth[:, :1]), ytd[:, :-1, -1]], axis=1)
    target = prior * (1 + growth + rng.normal(-0.01, 0.04, prior.shape))
    target = np.round(target) if is_count else np.round(target, 2 if code == "INFRA" else 0)
    return _with_target(codes, years, code, monthly=ytd, target=target, cumulative=True)


def _with_target(
    codes: np.ndarray,
    years: np.ndarray,
    code: str,
    *,
    monthly: np.ndarray,
    target: np.ndarray,
    cumulative: bool,
) -> pd.DataFrame:
    actual = _grid(
        codes,
        years,
        code,
        freq="M",
        subs=list(range(1, 13)),
        kind="actual",
        values=monthly,
        cumulative=cumulative,
    )
    last = (actual["year"] < LAST_YEAR) | (actual["sub"] <= LAST_MONTH)
    annual = _grid(
        codes,
        years,
        code,
        freq="Y",
        subs=[0],
        kind="target",
        values=target[:, :, None],
        cumulative=False,
    )
    return pd.concat([actual[last], annual])


def _grid(
    codes: np.ndarray,
    years: np.ndarray,
    code: str,
    *,
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


def load_demo(store: Store) -> int | None:
    """Write the demo data set into ``store`` (a :class:`bxgc_metrics.store.Store`).

    Returns the id of the observation batch (``None`` if the demo was already loaded).
    """
    demo = build_demo()
    store.upsert_units(demo.units)
    store.upsert_indicators(demo.indicators)
    for name in ("benchmark_pairs", "gaps", "phases", "milestones"):
        store.replace_table(name, getattr(demo, name))
    _load_events(store, demo.events)
    result = store.write_observations(
        demo.observations,
        file_name="演示数据 demo",
        who="system",
        note="demo",
        at=reported_at(demo.observations),
    )
    return result.batch_id


def reported_at(observations: pd.DataFrame) -> dt.datetime:
    """When the demo's figures count as reported (naive UTC): 09:30 Beijing time three
    days before the latest month's figures were due (the 8th of the month after), so
    that month's reporting round reads as reported on time."""
    from bxgc_metrics.metrics.reporting import due_date

    monthly = observations[(observations["freq"] == "M") & (observations["value_kind"] == "actual")]
    year, sub = max(zip(monthly["year"], monthly["sub"], strict=True))
    due = due_date(f"{int(year)}-{int(sub):02d}", 8)
    local = dt.datetime.combine(due - dt.timedelta(days=3), dt.time(9, 30))
    return local - dt.timedelta(hours=8)


def _load_events(store: Store, events: pd.DataFrame) -> None:
    """Add the demo's events that ``store`` does not hold yet (same day and text)."""
    from bxgc_metrics.store import Event  # the store (and its driver) only when writing

    stored = store.events()
    held = {(d.date(), t) for d, t in zip(stored["event_date"], stored["text"], strict=True)}
    new = [
        Event(
            r.event_date,
            r.text,
            kind=r.kind,
            unit_code=r.unit_code,
            indicator_code=r.indicator_code,
        )
        for r in events.itertuples()
        if (r.event_date, r.text) not in held
    ]
    if new:
        store.save_events(added=new)
