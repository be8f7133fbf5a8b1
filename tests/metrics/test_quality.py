"""Data-quality flags: each check on hand-built figures, the rules table, the score, and
the demo data set (plan four's case raises nothing)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bxgc_metrics.demo import PLAN4_BENCHMARK, PLAN4_OURS, build_demo
from bxgc_metrics.metrics.quality import (
    CHECK_CAP,
    CHECKS,
    QUALITY_RULE_COLUMNS,
    REPORT_COLUMNS,
    SCORE_COLUMNS,
    QualityRuleError,
    assess,
    check_benford,
    check_completion_leaps,
    check_consistency,
    check_cumulative_falls,
    check_last_digits,
    check_outlier_growth,
    check_revisions,
    check_round_numbers,
    indicator_parts,
    load_default_quality_rules,
    series,
    validate_quality_rules,
)
from bxgc_metrics.metrics.quality.digits import digit_figures, first_digits
from bxgc_metrics.metrics.quality.flags import prepare
from bxgc_metrics.periods import Period

INDICATOR_COLUMNS = ["code", "name_zh", "name_en", "measure", "direction", "kind", "frequency"]
INDICATORS = pd.DataFrame(
    [
        ("GBR", "地方一般公共预算收入", "Budget revenue", "万元", "higher", "flow", "M"),
        ("TAX", "税收收入", "Tax revenue", "万元", "higher", "flow", "M"),
        ("FAI", "固定资产投资", "Fixed-asset investment", "万元", "higher", "flow", "M"),
        ("INFRA", "基础设施投资", "Infrastructure investment", "亿元", "higher", "flow", "M"),
        (
            "IVA_G",
            "规上工业增加值增速",
            "Industrial value-added growth",
            "%",
            "higher",
            "rate",
            "M",
        ),
        ("NEW_PROJ", "新开工项目数", "New projects started", "个", "higher", "flow", "M"),
    ]
    + [(f"I{i:02d}", f"指标{i}", f"Item {i}", "万元", "higher", "flow", "Y") for i in range(30)]
    + [(f"R{i:02d}", f"增速{i}", f"Rate {i}", "%", "higher", "rate", "Y") for i in range(30)],
    columns=INDICATOR_COLUMNS,
)
UNITS = pd.DataFrame(
    [
        ("CITY", "青州市", "Qingzhou", "市", None),
        ("U01", "东城街道", "Dongcheng", "街道", "CITY"),
        ("U02", "西城街道", "Xicheng", "街道", "CITY"),
        ("BENCH", "东湖区", "Donghu", "外部标杆", None),
    ],
    columns=["code", "name_zh", "name_en", "kind", "parent_code"],
)
FIGURE_COLUMNS = [
    "unit_code",
    "indicator_code",
    "freq",
    "year",
    "sub",
    "value_kind",
    "value",
    "cumulative",
]
WRITE_COLUMNS = [
    "unit_code",
    "indicator_code",
    "freq",
    "year",
    "sub",
    "value_kind",
    "batch_id",
    "written_at",
    "who",
    "value",
    "file_name",
]
SOME = settings(max_examples=max(10, settings().max_examples // 2))
"""Half the profile's examples: each runs every statistical check (about 0.3 s)."""
FEW = settings(max_examples=max(5, settings().max_examples // 4))
"""A quarter: each runs the whole assessment twice (about 1 s)."""


def figures(rows: list[tuple]) -> pd.DataFrame:
    """Figures from ``(unit, indicator, freq, year, sub, value_kind, value, cumulative)``."""
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def months(
    unit: str,
    indicator: str,
    first_year: int,
    values: object,
    *,
    cumulative: bool = False,
) -> pd.DataFrame:
    """Monthly actuals from January of ``first_year`` on, one per value."""
    values = np.asarray(values, dtype=float)
    i = np.arange(len(values))
    return pd.DataFrame(
        {
            "unit_code": unit,
            "indicator_code": indicator,
            "freq": "M",
            "year": first_year + i // 12,
            "sub": i % 12 + 1,
            "value_kind": "actual",
            "value": values,
            "cumulative": cumulative,
        }
    )


def annual(unit: str, values: object, *, kind: str = "actual") -> pd.DataFrame:
    """Annual figures, one per indicator-year: indicators I00.., ten years each from 2000."""
    values = np.asarray(values, dtype=float)
    i = np.arange(len(values))
    return pd.DataFrame(
        {
            "unit_code": unit,
            "indicator_code": [f"I{k:02d}" for k in i // 10],
            "freq": "Y",
            "year": 2000 + i % 10,
            "sub": 0,
            "value_kind": kind,
            "value": values,
            "cumulative": False,
        }
    )


def writes(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=WRITE_COLUMNS)
    return frame.assign(written_at=pd.to_datetime(frame["written_at"]))


def ids(flags: pd.DataFrame) -> list[str]:
    return flags["flag_id"].tolist()


@pytest.fixture(autouse=True)
def beijing_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Evidence shows times in the configured zone; the tests read Beijing time."""
    monkeypatch.setenv("BXGC_TZ", "Asia/Shanghai")


# --- revisions ------------------------------------------------------------------------

REVISED = writes(
    [
        (
            "U01",
            "GBR",
            "M",
            2026,
            3,
            "actual",
            5,
            "2026-04-20 03:00",
            "王五",
            1150.0,
            "三月再更正.xlsx",
        ),
        ("U01", "GBR", "M", 2026, 3, "actual", 1, "2026-04-02 01:00", "张三", 1000.0, "三月.xlsx"),
        (
            "U01",
            "GBR",
            "M",
            2026,
            3,
            "actual",
            2,
            "2026-04-09 02:00",
            "李四",
            1100.0,
            "三月更正.xlsx",
        ),
        ("U01", "GBR", "M", 2026, 4, "actual", 3, "2026-05-03 01:00", "张三", 2000.0, "四月.xlsx"),
        ("U01", "GBR", "M", 2026, 4, "actual", 4, "2026-05-04 01:00", "张三", 2000.0, "四月.xlsx"),
        ("U01", "GBR", "Y", 2026, 0, "target", 1, "2026-01-05 01:00", "张三", 12000.0, "目标.xlsx"),
        (
            "U01",
            "GBR",
            "Y",
            2026,
            0,
            "target",
            6,
            "2026-06-25 08:30",
            "赵六",
            10000.0,
            "目标调整.xlsx",
        ),
    ]
)


def test_a_revised_figure_says_who_how_much_and_how_often() -> None:
    flags = check_revisions(REVISED, INDICATORS)
    assert ids(flags) == ["revision:U01:GBR:M:2026:3", "revision:U01:GBR:Y:2026:0:target"]
    actual, target = flags["evidence_zh"].tolist()
    assert actual == (
        "首报 1,000.0万元（张三，2026-04-02 09:00）→ 现值 1,150.0万元，变动 +150.0万元（+15.0%）"
        "；修改 2 次，修改人：李四、王五；最近一次 2026-04-20 11:00（文件：三月再更正.xlsx）"
    )
    assert target.startswith(
        "目标值：首报 12,000.0万元（张三，2026-01-05 09:00）→ 现值 10,000.0万元"
    )
    assert "变动 -2,000.0万元（-16.7%）；修改 1 次，修改人：赵六" in target
    assert "revised 2 time(s) by 李四, 王五" in flags["evidence_en"].iloc[0]
    assert flags["reason_en"].iloc[0] == "Figure changed after it was first reported; to verify"
    assert flags["severity"].tolist() == [2.0, 2.0]


def test_the_same_value_written_again_is_no_revision() -> None:
    again = REVISED[REVISED["sub"] == 4]
    assert check_revisions(again, INDICATORS).empty
    assert check_revisions(None, INDICATORS).empty
    assert check_revisions(pd.DataFrame(), INDICATORS).empty


def test_revisions_deduct_at_most_their_cap() -> None:
    rows = []
    for month in range(1, 13):
        rows.append(
            ("U01", "GBR", "M", 2026, month, "actual", 2 * month, "2026-07-01", "张三", 1.0, "a")
        )
        rows.append(
            (
                "U01",
                "GBR",
                "M",
                2026,
                month,
                "actual",
                2 * month + 1,
                "2026-07-02",
                "李四",
                2.0,
                "b",
            )
        )
    report = assess(pd.DataFrame(columns=FIGURE_COLUMNS), writes(rows), INDICATORS, UNITS)
    row = report.scores.set_index("unit_code").loc["U01"]
    assert len(report.flags) == 12 and row["open_flags"] == 12
    assert row["revision"] == CHECK_CAP["revision"] == 10.0
    assert row["score"] == 90.0


# --- falling cumulative figures ----------------------------------------------------------


def test_a_falling_cumulative_figure_is_flagged_but_not_the_new_year() -> None:
    gbr = [
        ("U01", "GBR", "M", 2025, 11, "actual", 8000.0, True),
        ("U01", "GBR", "M", 2025, 12, "actual", 9000.0, True),
        ("U01", "GBR", "M", 2026, 1, "actual", 700.0, True),  # December → January: a new year
        ("U01", "GBR", "M", 2026, 2, "actual", 900.0, True),
        ("U01", "GBR", "M", 2026, 5, "actual", 1234.5, True),
        ("U01", "GBR", "M", 2026, 6, "actual", 1100.0, True),
    ]
    others = [
        ("U01", "TAX", "M", 2026, 5, "actual", 500.0, False),  # a single month may be lower
        ("U01", "TAX", "M", 2026, 6, "actual", 400.0, False),
        ("U01", "IVA_G", "M", 2026, 5, "actual", 7.5, True),  # a year-to-date rate may fall
        ("U01", "IVA_G", "M", 2026, 6, "actual", 6.1, True),
        ("U01", "GBR", "M", 2026, 4, "target", 9.0, True),  # not a report
    ]
    flags = check_cumulative_falls(figures(gbr + others), INDICATORS)
    assert ids(flags) == ["cumulative_fall:U01:GBR:M:2026:6"]
    assert flags["evidence_zh"].tolist() == [
        "2026年1-5月累计 1,234.5万元 → 2026年1-6月累计 1,100.0万元（-10.9%）"
    ]
    assert flags["evidence_en"].tolist() == [
        "Jan-May 2026 cumulative 12.345 m yuan → Jan-Jun 2026 cumulative 11.000 m yuan (-10.9%)"
    ]
    assert flags["reason_zh"].tolist() == ["累计值较上月下降，需核实"]


def test_a_figure_given_twice_counts_once_by_its_last_row() -> None:
    rows = [
        ("U01", "GBR", "M", 2026, 5, "actual", 1234.5, True),
        ("U01", "GBR", "M", 2026, 6, "actual", 1100.0, True),
        ("U01", "GBR", "M", 2026, 6, "actual", 1300.0, True),  # the corrected June
    ]
    assert check_cumulative_falls(figures(rows), INDICATORS).empty
    assert check_outlier_growth(figures(rows), INDICATORS).empty


def test_a_month_missing_in_between_is_not_read_as_a_fall() -> None:
    rows = [
        ("U01", "GBR", "M", 2026, 4, "actual", 1300.0, True),
        ("U01", "GBR", "M", 2026, 6, "actual", 1100.0, True),  # May missing: no month before
    ]
    assert check_cumulative_falls(figures(rows), INDICATORS).empty


# --- month-on-month growth ------------------------------------------------------------


def steady(seed: int = 11, n: int = 36) -> np.ndarray:
    """1,000 万元 growing 1 % a month with 2 % noise, to one decimal."""
    rng = np.random.default_rng(seed)
    return np.round(1000 * 1.01 ** np.arange(n) * (1 + rng.normal(0, 0.02, n)), 1)


def test_an_outlier_month_in_a_steady_series() -> None:
    assert check_outlier_growth(months("U01", "GBR", 2023, steady()), INDICATORS).empty
    values = steady()
    values[30] = round(values[30] * 1.6, 1)  # July 2025: +60 % for one month
    flags = check_outlier_growth(months("U01", "GBR", 2023, values), INDICATORS)
    # the month and the month after it (back to normal) both stand out
    assert ids(flags) == ["outlier_growth:U01:GBR:M:2025:7", "outlier_growth:U01:GBR:M:2025:8"]
    assert flags["evidence_zh"].iloc[0] == (
        "2025年7月当月 2,195.2万元，上月 1,335.5万元，环比 +64.4%；"
        "按本单位历史预期约 +0.7%（35个月，稳健z=17.8）"
    )


def test_growth_is_read_from_the_monthly_increments_of_a_cumulative_series() -> None:
    values = steady()
    values[30] = round(values[30] * 1.6, 1)
    ytd = np.concatenate([np.cumsum(values[y * 12 : y * 12 + 12]) for y in range(3)])
    flags = check_outlier_growth(months("U01", "GBR", 2023, ytd, cumulative=True), INDICATORS)
    assert ids(flags) == ["outlier_growth:U01:GBR:M:2025:7", "outlier_growth:U01:GBR:M:2025:8"]
    assert flags["evidence_zh"].iloc[0].startswith("2025年7月当月（由累计值推算） 2,195.2万元")


def test_a_december_every_unit_shares_is_no_outlier() -> None:
    season = np.tile([1.0] * 11 + [1.5], 3)
    series = [
        months(f"S{u}", "GBR", 2023, np.round(steady(u) * season * (1 + 0.1 * u), 1))
        for u in range(6)
    ]
    assert check_outlier_growth(pd.concat(series), INDICATORS).empty
    # the same unit alone has no peers to show December is normal, and is asked about it
    assert not check_outlier_growth(series[0], INDICATORS).empty


def test_a_series_of_small_counts_is_too_coarse_for_growth_rates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counts = np.tile([2.0, 2.0, 2.0, 3.0, 2.0, 2.0], 6)
    counts[20] = 9.0  # +350 %, but only seven projects more
    data = months("U01", "NEW_PROJ", 2020, counts)
    assert check_outlier_growth(data, INDICATORS).empty
    monkeypatch.setattr(series, "MIN_RESOLUTION_STEPS", 0)  # without the guard it would speak
    assert not check_outlier_growth(data, INDICATORS).empty


# --- completion leaps -----------------------------------------------------------------

SEASON = np.array([0.7, 0.7, 0.9, 0.95, 1.0, 1.1, 0.95, 0.95, 1.05, 1.0, 1.05, 1.65])


def completion_units(leap_unit: str | None, *, seed: int = 11) -> pd.DataFrame:
    """Six units, three years of year-to-date revenue against a target, strong Decembers;
    ``leap_unit`` adds 40 % of its target in June 2025."""
    rng = np.random.default_rng(seed)
    share = SEASON / SEASON.sum()
    frames = []
    for u in range(6):
        unit, target = f"C{u}", 12000.0 * (1 + 0.2 * u)
        for year in (2023, 2024, 2025):
            monthly = target * share * (1 + rng.normal(0, 0.03, 12))
            if unit == leap_unit and year == 2025:
                monthly[5] += 0.4 * target
            frames.append(
                months(unit, "GBR", year, np.round(np.cumsum(monthly), 1), cumulative=True)
            )
            frames.append(figures([(unit, "GBR", "Y", year, 0, "target", target, False)]))
    return pd.concat(frames, ignore_index=True)


def test_a_completion_leap_in_june() -> None:
    assert check_completion_leaps(completion_units(None), INDICATORS).empty
    flags = check_completion_leaps(completion_units("C3"), INDICATORS)
    assert ids(flags) == ["completion_leap:C3:GBR:M:2025:6"]
    assert (
        flags["evidence_zh"]
        .iloc[0]
        .startswith(
            "2025年1-6月累计完成率 85.4%（上月 36.0%），一个月提高49.4个百分点；"
            "按本单位平时和各单位该月的季节规律预期约提高9.2个百分点（36个月"
        )
    )
    assert flags["evidence_zh"].iloc[0].endswith("全年目标 19,200.0万元")


def test_a_leap_outside_the_assessment_months_is_not_a_completion_leap() -> None:
    data = completion_units("C3")
    assert check_completion_leaps(data, INDICATORS, assessment_months=(12,)).empty
    assert ids(check_completion_leaps(data, INDICATORS, assessment_months=(6,))) == [
        "completion_leap:C3:GBR:M:2025:6"
    ]


# --- consistency rules ------------------------------------------------------------------

RULES = pd.DataFrame(
    [
        (
            "tax_le_gbr",
            "le",
            "TAX",
            "GBR",
            "",
            "税收收入不超过一般公共预算收入",
            "Tax within budget revenue",
        ),
        (
            "infra_le_fai",
            "le",
            "INFRA",
            "FAI",
            "0",
            "基础设施投资不超过固定资产投资",
            "Infrastructure within FAI",
        ),
        (
            "gbr_total",
            "sum_le",
            "GBR",
            "",
            "0.001",
            "各街道之和不超过全市",
            "Districts within the city total",
        ),
    ],
    columns=QUALITY_RULE_COLUMNS,
)


def test_a_broken_le_rule_names_the_rule_both_values_and_the_margin() -> None:
    rows = [
        ("U01", "TAX", "M", 2026, 6, "actual", 5200.0, True),
        ("U01", "GBR", "M", 2026, 6, "actual", 5000.0, True),
        ("U02", "TAX", "M", 2026, 6, "actual", 4000.0, True),
        ("U02", "GBR", "M", 2026, 6, "actual", 5000.0, True),
        ("U01", "INFRA", "M", 2026, 6, "actual", 4.0, True),  # 40,000 万元
        ("U01", "FAI", "M", 2026, 6, "actual", 30000.0, True),
        ("U02", "INFRA", "M", 2026, 6, "actual", 2.0, True),  # 20,000 万元
        ("U02", "FAI", "M", 2026, 6, "actual", 30000.0, True),
        ("U02", "TAX", "M", 2026, 5, "actual", 4500.0, True),  # May vs June: not compared
    ]
    rules = validate_quality_rules(RULES)
    flags = check_consistency(figures(rows), INDICATORS, units=UNITS, rules=rules)
    assert ids(flags) == [
        "consistency:U01:TAX:M:2026:6:tax_le_gbr",
        "consistency:U01:INFRA:M:2026:6:infra_le_fai",
    ]
    assert flags["evidence_zh"].tolist() == [
        "2026年1-6月：税收收入 5,200.0万元，地方一般公共预算收入 5,000.0万元，超出 +200.0万元（+4.0%，容差 0.0%）",
        "2026年1-6月：基础设施投资 40,000.0万元，固定资产投资 30,000.0万元，超出 +10,000.0万元（+33.3%，容差 0.0%）",
    ]
    assert flags["reason_zh"].iloc[0] == "不符合“税收收入不超过一般公共预算收入”，需核实"
    assert flags["reason_en"].iloc[0] == "Breaks the rule 'Tax within budget revenue'; to verify"


def test_a_broken_sum_le_rule_is_the_parents() -> None:
    rows = [
        ("U01", "GBR", "M", 2026, 6, "actual", 5000.0, True),
        ("U02", "GBR", "M", 2026, 6, "actual", 5000.0, True),
        ("CITY", "GBR", "M", 2026, 6, "actual", 9500.0, True),
        ("U01", "GBR", "M", 2026, 7, "actual", 6000.0, True),
        ("U02", "GBR", "M", 2026, 7, "actual", 6000.0, True),
        ("CITY", "GBR", "M", 2026, 7, "actual", 11995.0, True),  # 0.04 % over: within 0.1 %
    ]
    rules = validate_quality_rules(RULES[RULES["kind"] == "sum_le"])
    flags = check_consistency(figures(rows), INDICATORS, units=UNITS, rules=rules)
    assert ids(flags) == ["consistency:CITY:GBR:M:2026:6:gbr_total"]
    assert flags["evidence_zh"].iloc[0] == (
        "2026年1-6月：下级2个单位地方一般公共预算收入合计 10,000.0万元，本单位地方一般公共预算收入 "
        "9,500.0万元，超出 +500.0万元（+5.3%，容差 0.1%）"
    )


def test_default_rules_use_demo_indicators_and_hold_on_the_demo() -> None:
    rules = load_default_quality_rules()
    demo = build_demo()
    codes = set(demo.indicators["code"])
    assert list(rules.columns) == QUALITY_RULE_COLUMNS
    assert set(rules["left"]) <= codes and set(rules["right"]) <= codes
    assert set(rules["kind"]) == {"le", "sum_le"}
    flags = check_consistency(demo.observations, demo.indicators, units=demo.units, rules=rules)
    assert flags.empty


def rules_with(**changes: object) -> pd.DataFrame:
    frame = RULES.copy()
    for key, value in changes.items():
        column, row = key.rsplit("_", 1)
        frame.loc[int(row) - 1, column] = value
    return frame


@pytest.mark.parametrize(
    ("frame", "zh", "en"),
    [
        (
            rules_with(kind_2="lt"),
            "第 2 行“kind”列 'lt'",
            "row 2, column 'kind' 'lt': the kind must be le or sum_le",
        ),
        (
            rules_with(left_1=""),
            "第 1 行“left”列：不能为空",
            "row 1, column 'left': must not be blank",
        ),
        (rules_with(right_2=None), "第 2 行“right”列", "row 2, column 'right': must not be blank"),
        (
            rules_with(left_3="GDP"),
            "第 3 行“left”列 'GDP'",
            "row 3, column 'left' 'GDP': is not a known indicator code",
        ),
        (
            rules_with(tolerance_1="-0.1"),
            "第 1 行“tolerance”列",
            "row 1, column 'tolerance' '-0.1'",
        ),
        (
            rules_with(tolerance_2="两成"),
            "第 2 行“tolerance”列",
            "the tolerance must be a number of at least 0",
        ),
        (
            rules_with(rule_id_3="tax_le_gbr"),
            "第 3 行“rule_id”列",
            "row 3, column 'rule_id' 'tax_le_gbr': the rule id is used twice",
        ),
        (
            RULES.drop(columns="tolerance"),
            "“tolerance”列：缺少列",
            "column 'tolerance': the column is missing",
        ),
    ],
)
def test_a_bad_rules_table_is_refused_naming_row_and_column(
    frame: pd.DataFrame, zh: str, en: str
) -> None:
    with pytest.raises(QualityRuleError) as caught:
        validate_quality_rules(frame, indicator_codes=INDICATORS["code"])
    assert zh in caught.value.zh and en in caught.value.en


def test_rules_comparing_unlike_measures_are_refused() -> None:
    rules = RULES.iloc[:1].assign(left="NEW_PROJ")  # 个 against 万元
    rows = [("U01", "GBR", "M", 2026, 6, "actual", 5.0, True)]
    with pytest.raises(QualityRuleError, match="measures do not convert"):
        assess(figures(rows), None, INDICATORS, UNITS, rules=rules)


# --- digit tests ------------------------------------------------------------------------


def uniform_first_digits(n: int, seed: int) -> np.ndarray:
    """First digits 1-9 equally often, over four orders of magnitude."""
    rng = np.random.default_rng(seed)
    mantissa = rng.integers(1, 10, n) + rng.random(n)
    return np.round(mantissa * 10.0 ** rng.integers(1, 5, n), 1)


def log_uniform(n: int, seed: int) -> np.ndarray:
    """Spread evenly on a log scale from 10 to 100,000: Benford's law holds."""
    return np.round(10 ** np.random.default_rng(seed).uniform(1, 5, n), 1)


def test_benford_flags_uniform_first_digits_not_a_log_uniform_spread() -> None:
    data = pd.concat([annual("A", uniform_first_digits(220, 1)), annual("B", log_uniform(220, 2))])
    flags = check_benford(data, INDICATORS)
    assert ids(flags) == ["benford:A::::"]
    assert flags["evidence_zh"].iloc[0].startswith("按指标、年度各取一个数，共220个，跨")
    assert "本福特定律为30/18/12/10/8/7/6/5/5" in flags["evidence_zh"].iloc[0]
    assert flags[["indicator_code", "freq", "year", "sub"]].isna().all(axis=None)


def test_benford_counts_each_indicator_year_once() -> None:
    """Twelve year-to-date figures of a year are one running total: 5 indicators × 3 years
    of monthly figures are 15 figures to the first-digit test, too few to judge."""
    values = uniform_first_digits(180, 3)
    rows = [months("A", f"I{k:02d}", 2023, values[k * 36 : k * 36 + 36]) for k in range(5)]
    assert check_benford(pd.concat(rows), INDICATORS).empty
    assert not check_benford(annual("A", uniform_first_digits(180, 3)), INDICATORS).empty


def test_too_many_round_numbers() -> None:
    rng = np.random.default_rng(4)
    honest = rng.integers(100, 100_000, 150).astype(float)
    rounded = np.round(rng.uniform(100, 100_000, 150), 1)
    rounded[::3] = np.round(rounded[::3], -2)  # a third are whole hundreds
    data = pd.concat([months("H", "GBR", 2010, honest), months("R", "GBR", 2010, rounded)])
    flags = check_round_numbers(data, INDICATORS)
    assert ids(flags) == ["round_numbers:R::::"]
    assert (
        flags["evidence_zh"]
        .iloc[0]
        .startswith(
            "共150个三位数以上的数：整十的占33.3%（如实填报不超过10%），整百的占33.3%（不超过1%）"
        )
    )


def test_last_digit_bias() -> None:
    rng = np.random.default_rng(8)
    honest = rng.integers(100, 100_000, 200).astype(float)
    drawn = rng.integers(100, 100_000, 200).astype(float)
    sevens = np.where(rng.random(200) < 0.4, drawn // 10 * 10 + 7, drawn)  # 7 four times too often
    data = pd.concat([months("H", "GBR", 2005, honest), months("L", "GBR", 2005, sevens)])
    flags = check_last_digits(data, INDICATORS)
    assert ids(flags) == ["last_digit:L::::"]
    assert "偏离最多的是7" in flags["evidence_zh"].iloc[0]
    assert check_round_numbers(data, INDICATORS).empty


def test_rates_and_percentages_are_not_digit_tested() -> None:
    first = annual("A", uniform_first_digits(220, 1))
    rng = np.random.default_rng(8)
    last = annual("A", rng.integers(100, 100_000, 220) // 10 * 10 + 7)
    rounded = annual("A", np.round(rng.uniform(100, 100_000, 220), -2))
    as_rates = {"indicator_code": lambda f: f["indicator_code"].str.replace("I", "R")}
    for check, data in [
        (check_benford, first),
        (check_last_digits, last),
        (check_round_numbers, rounded),
    ]:
        assert not check(data, INDICATORS).empty  # as amounts: flagged
        assert check(data.assign(**as_rates), INDICATORS).empty  # as growth rates: not read


# --- the whole assessment -----------------------------------------------------------------


def falling(unit: str) -> list[tuple]:
    return [
        (unit, "GBR", "M", 2026, 5, "actual", 1234.5, True),
        (unit, "GBR", "M", 2026, 6, "actual", 1100.0, True),
    ]


def test_external_benchmarks_are_never_flagged() -> None:
    rows = falling("BENCH") + falling("U01")
    bench_writes = REVISED.assign(unit_code="BENCH")
    report = assess(figures(rows), bench_writes, INDICATORS, UNITS)
    assert ids(report.flags) == ["cumulative_fall:U01:GBR:M:2026:6"]
    assert "BENCH" not in set(report.scores["unit_code"])
    assert report.scores["unit_code"].tolist() == ["CITY", "U01", "U02"]


def test_the_report_columns_order_and_score() -> None:
    rows = [
        *falling("U01"),
        ("U01", "TAX", "M", 2026, 6, "actual", 5200.0, True),
        ("U01", "GBR", "M", 2026, 7, "actual", 1200.0, True),
        ("U01", "TAX", "M", 2026, 7, "actual", 5300.0, True),
    ]
    report = assess(figures(rows), REVISED, INDICATORS, UNITS, rules=RULES)
    assert list(report.flags.columns) == REPORT_COLUMNS
    assert list(report.scores.columns) == SCORE_COLUMNS
    assert ids(report.flags) == [
        "revision:U01:GBR:M:2026:3",
        "cumulative_fall:U01:GBR:M:2026:6",
        "consistency:U01:TAX:M:2026:6:tax_le_gbr",
        "consistency:U01:TAX:M:2026:7:tax_le_gbr",
        "revision:U01:GBR:Y:2026:0:target",
    ]
    row = report.scores.set_index("unit_code").loc["U01"]
    assert row[list(CHECKS)].to_dict() == {
        "revision": 4.0,
        "cumulative_fall": 5.0,
        "outlier_growth": 0.0,
        "completion_leap": 0.0,
        "consistency": 10.0,
        "benford": 0.0,
        "last_digit": 0.0,
        "round_numbers": 0.0,
    }
    assert (row["score"], row["open_flags"]) == (81.0, 5)


def test_a_verified_flag_stays_listed_and_deducts_nothing() -> None:
    marks = pd.DataFrame(
        {
            "flag_id": ["cumulative_fall:U01:GBR:M:2026:6", "revision:U09:X:M:2020:1"],
            "note": ["6月退库2,000万元，已核实", "no longer fires"],
            "who": ["王科长", "王科长"],
            "at": pd.to_datetime(["2026-07-03", "2026-07-03"]),
        }
    )
    report = assess(figures(falling("U01")), None, INDICATORS, UNITS, verified=marks)
    assert report.flags[["verified", "verified_note"]].values.tolist() == [
        [True, "6月退库2,000万元，已核实"]
    ]
    row = report.scores.set_index("unit_code").loc["U01"]
    assert (row["score"], row["open_flags"], row["cumulative_fall"]) == (100.0, 0, 0.0)


@pytest.mark.parametrize("period", [("M", 2026, 6), Period(2026, "M", 6), "2026-06"])
def test_a_period_keeps_its_flags_and_the_unit_wide_ones(period: object) -> None:
    data = pd.concat(
        [
            figures([*falling("U01"), ("U01", "GBR", "M", 2026, 8, "actual", 900.0, True)]),
            figures([("U01", "GBR", "M", 2026, 7, "actual", 1200.0, True)]),
            annual("U01", uniform_first_digits(220, 1)),
        ]
    )
    everything = assess(data, None, INDICATORS, UNITS)
    assert ids(everything.flags) == [
        "cumulative_fall:U01:GBR:M:2026:6",
        "cumulative_fall:U01:GBR:M:2026:8",
        "benford:U01::::",
    ]
    june = assess(data, None, INDICATORS, UNITS, period=period)
    assert ids(june.flags) == ["cumulative_fall:U01:GBR:M:2026:6", "benford:U01::::"]
    assert june.scores.set_index("unit_code").loc["U01", "score"] == 100 - 5 - 8


def test_assess_leaves_its_inputs_untouched() -> None:
    data = figures(falling("U01"))
    before = (data.copy(), REVISED.copy(), INDICATORS.copy(), UNITS.copy())
    assess(data, REVISED, INDICATORS, UNITS, rules=RULES)
    for now, then in zip((data, REVISED, INDICATORS, UNITS), before, strict=True):
        pd.testing.assert_frame_equal(now, then)


# --- properties -----------------------------------------------------------------------


@SOME
@given(
    st.lists(st.integers(1, 10**7), min_size=100, max_size=260),
    st.integers(-4, 4),
)
def test_first_digit_result_does_not_change_with_powers_of_ten(
    values: list[int], power: int
) -> None:
    base = np.asarray(values, dtype=float)
    scaled = base * 10.0**power
    assert (first_digits(base) == first_digits(scaled)).all()
    plain = check_benford(annual("A", base), INDICATORS)
    moved = check_benford(annual("A", scaled), INDICATORS)
    pd.testing.assert_frame_equal(plain, moved)


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).filter(lambda x: x != 0)
positive = st.floats(min_value=1e-3, max_value=1e9, allow_nan=False)


@SOME
@given(
    st.lists(finite, min_size=1, max_size=99),
    st.lists(positive, min_size=2, max_size=12),
    st.lists(positive, min_size=1, max_size=11),
)
def test_no_statistical_check_fires_below_its_guard(
    digits: list[float], growth: list[float], steps: list[float]
) -> None:
    """Fewer than 100 figures, 12 growth rates or 12 completion steps: never a flag."""
    data = pd.concat(
        [
            annual("D", digits),
            months("G", "GBR", 2025, growth),
            months("L", "GBR", 2026, np.cumsum(steps), cumulative=True),
            figures([("L", "GBR", "Y", 2026, 0, "target", 100.0, False)]),
        ]
    )
    assert check_benford(data, INDICATORS).empty
    assert check_last_digits(data, INDICATORS).empty
    assert check_round_numbers(data, INDICATORS).empty
    assert check_outlier_growth(data, INDICATORS).empty
    assert check_completion_leaps(data, INDICATORS, assessment_months=range(1, 13)).empty


@st.composite
def datasets(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A few units with year-to-date revenue and tax that may fall or break the rule, and
    import histories with revisions."""
    units = draw(
        st.lists(
            st.sampled_from(["U01", "U02", "CITY", "BENCH"]), min_size=1, max_size=4, unique=True
        )
    )
    values = st.sampled_from([100.0, 250.0, 900.0, 1000.0, 1234.5])
    frames, history = [], []
    for unit in units:
        for indicator in ("GBR", "TAX"):
            series = draw(st.lists(values, min_size=2, max_size=14))
            frames.append(months(unit, indicator, 2025, series, cumulative=True))
        for month in draw(st.lists(st.integers(1, 12), max_size=4)):
            for batch, value in enumerate(draw(st.lists(values, min_size=1, max_size=3))):
                history.append(
                    (
                        unit,
                        "GBR",
                        "M",
                        2025,
                        month,
                        "actual",
                        batch,
                        "2025-12-01",
                        "张三",
                        value,
                        "f.xlsx",
                    )
                )
    frame = pd.concat(frames, ignore_index=True)
    return frame, writes(history) if history else pd.DataFrame(columns=WRITE_COLUMNS)


@FEW
@given(datasets(), st.data())
def test_ids_are_unique_scores_stay_in_range_and_verifying_never_lowers_a_score(
    dataset: tuple[pd.DataFrame, pd.DataFrame], data: st.DataObject
) -> None:
    frame, history = dataset
    report = assess(frame, history, INDICATORS, UNITS, rules=RULES)
    flags, scores = report.flags, report.scores.set_index("unit_code")
    assert flags["flag_id"].is_unique
    assert scores["score"].between(0, 100).all()
    expected = (100 - scores[list(CHECKS)].sum(axis=1)).clip(lower=0)
    pd.testing.assert_series_equal(scores["score"], expected, check_names=False)
    chosen = data.draw(st.lists(st.sampled_from(ids(flags)), unique=True)) if len(flags) else []
    marks = pd.DataFrame(
        {"flag_id": chosen, "note": "核实无误", "who": "李四", "at": pd.Timestamp("2026-01-05")}
    )
    checked = assess(frame, history, INDICATORS, UNITS, rules=RULES, verified=marks)
    after = checked.scores.set_index("unit_code")
    assert (after["score"] >= scores["score"]).all()
    assert after["open_flags"].sum() == scores["open_flags"].sum() - len(chosen)
    assert ids(checked.flags) == ids(flags)


@FEW
@given(datasets(), st.randoms(use_true_random=False))
def test_the_report_does_not_depend_on_the_order_of_the_figures(
    dataset: tuple[pd.DataFrame, pd.DataFrame], random: object
) -> None:
    """The store hands the figures over in no particular order: any order gives the same
    flags and scores."""
    frame, history = dataset
    order = list(range(len(frame)))
    random.shuffle(order)  # type: ignore[attr-defined]
    shuffled = frame.iloc[order].reset_index(drop=True)
    one = assess(frame, history, INDICATORS, UNITS, rules=RULES)
    other = assess(shuffled, history, INDICATORS, UNITS, rules=RULES)
    pd.testing.assert_frame_equal(one.flags, other.flags)
    pd.testing.assert_frame_equal(one.scores, other.scores)


def in_parts(frame: pd.DataFrame, rules: pd.DataFrame, budget: int) -> list[pd.DataFrame]:
    """``frame`` split as the store splits a database: whole indicators, rules kept whole."""
    rows = frame.groupby("indicator_code").size()
    return [
        frame[frame["indicator_code"].isin(p)] for p in indicator_parts(rows, rules, budget=budget)
    ]


def every_check_fires() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Figures on which each of the eight checks raises a flag. The digit tests' figures
    are ten per indicator over 22 indicators: each indicator alone is too few to judge, so
    they fire only when the counts of every part are added up."""
    outlier = steady()
    outlier[30] = round(outlier[30] * 1.6, 1)
    rng = np.random.default_rng(8)
    drawn = rng.integers(100, 100_000, 220).astype(float)
    sevens = np.where(rng.random(220) < 0.4, drawn // 10 * 10 + 7, drawn)
    rounded = np.round(rng.uniform(100, 100_000, 220), 1)
    rounded[::3] = np.round(rounded[::3], -2)
    rows = [
        *falling("U01"),
        ("U01", "TAX", "M", 2026, 6, "actual", 5200.0, True),
        ("U01", "FAI", "M", 2026, 6, "actual", 1.0, True),
        ("U01", "INFRA", "M", 2026, 6, "actual", 2.0, True),
        ("U02", "FAI", "M", 2026, 6, "actual", 9.0, True),
        ("CITY", "FAI", "M", 2026, 6, "actual", 10.0, True),
        ("U02", "GBR", "M", 2026, 6, "actual", 4000.0, True),
        ("CITY", "GBR", "M", 2026, 6, "actual", 5000.0, True),
    ]
    frame = pd.concat(
        [
            figures(rows),
            months("U02", "TAX", 2023, outlier),
            completion_units("C3"),
            annual("U01", uniform_first_digits(220, 1)),
            annual("U02", sevens),
            annual("CITY", rounded),
        ],
        ignore_index=True,
    )
    return frame, REVISED


def test_a_report_read_in_parts_is_the_report_read_whole() -> None:
    """A whole database is checked a few indicators at a time: every check, the digit
    tests (whose counts run across indicators) included, answers as if it read all."""
    frame, history = every_check_fires()
    whole = assess(frame, history, INDICATORS, UNITS, rules=RULES)
    assert set(whole.flags["check"]) == set(CHECKS)
    assert (
        len(in_parts(frame, RULES, 1)) == 24
    )  # 26 indicators; FAI, INFRA and GBR, TAX go together
    for budget in (1, 100, 400, 10**9):
        parts = assess(in_parts(frame, RULES, budget), history, INDICATORS, UNITS, rules=RULES)
        pd.testing.assert_frame_equal(parts.flags, whole.flags)
        pd.testing.assert_frame_equal(parts.scores, whole.scores)
    nothing = assess([], history, INDICATORS, UNITS, rules=RULES)
    assert set(nothing.flags["check"]) == {"revision"}


@FEW
@given(datasets(), st.integers(1, 40))
def test_any_split_into_whole_indicators_gives_the_same_report(
    dataset: tuple[pd.DataFrame, pd.DataFrame], budget: int
) -> None:
    frame, history = dataset
    whole = assess(frame, history, INDICATORS, UNITS, rules=RULES)
    parts = assess(in_parts(frame, RULES, budget), history, INDICATORS, UNITS, rules=RULES)
    pd.testing.assert_frame_equal(parts.flags, whole.flags)
    pd.testing.assert_frame_equal(parts.scores, whole.scores)


@given(
    st.dictionaries(st.sampled_from(list(INDICATORS["code"])), st.integers(1, 50), min_size=1),
    st.lists(
        st.tuples(
            st.sampled_from(list(INDICATORS["code"])), st.sampled_from(["", *INDICATORS["code"]])
        )
    ),
    st.integers(1, 120),
)
def test_indicator_parts_hold_each_indicator_once_and_each_rule_whole(
    sizes: dict[str, int], pairs: list[tuple[str, str]], budget: int
) -> None:
    rows = pd.Series(sizes).sort_index()
    rules = pd.DataFrame(pairs, columns=["left", "right"])
    parts = indicator_parts(rows, rules, budget=budget)
    placed = [code for part in parts for code in part]
    assert sorted(placed) == sorted(sizes)
    where = {code: i for i, part in enumerate(parts) for code in part}
    for left, right in pairs:
        if left in where and right in where:
            assert where[left] == where[right]
    for part in parts:
        if sum(sizes[c] for c in part) > budget:  # only a rule's group, never two of them
            lone = indicator_parts(rows[part], rules, budget=budget)
            assert len(lone) == 1


def test_each_check_given_the_prepared_figures_answers_as_it_does_alone(demo_report) -> None:
    """The report works out the reported figures (and the digit figures) once and hands them
    to every check: each answers exactly what it answers from the raw figures."""
    demo, _ = demo_report
    figures, indicators = demo.observations, demo.indicators
    ready = prepare(figures, indicators)
    digits = digit_figures(figures, indicators, prepared=ready)
    assert len(ready) and len(digits)
    for check in (check_cumulative_falls, check_outlier_growth, check_completion_leaps):
        pd.testing.assert_frame_equal(
            check(figures, indicators, prepared=ready), check(figures, indicators)
        )
    for check in (check_benford, check_last_digits, check_round_numbers):
        pd.testing.assert_frame_equal(
            check(figures, indicators, digits=digits), check(figures, indicators)
        )
    rules = load_default_quality_rules()
    units = demo.units
    pd.testing.assert_frame_equal(
        check_consistency(figures, indicators, units=units, rules=rules, prepared=ready),
        check_consistency(figures, indicators, units=units, rules=rules),
    )


# --- the demo data set -------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_report():
    demo = build_demo()
    report = assess(demo.observations, pd.DataFrame(), demo.indicators, demo.units)
    return demo, report


def test_plan_four_raises_no_flag(demo_report) -> None:
    _, report = demo_report
    flags = report.flags
    assert not flags["unit_code"].isin([PLAN4_OURS, PLAN4_BENCHMARK]).any()
    assert not flags["indicator_code"].fillna("").str.startswith("P4_").any()
    scores = report.scores.set_index("unit_code")
    assert scores.loc[PLAN4_OURS, "score"] == 100.0
    assert PLAN4_BENCHMARK not in scores.index  # an external benchmark is not assessed


def test_what_fires_on_the_demo(demo_report) -> None:
    demo, report = demo_report
    flags = report.flags
    assert set(flags["check"]) == {"outlier_growth"}
    assert len(flags) == 16
    assert not flags["unit_code"].str.startswith("EXT_").any()
    z = flags["evidence_en"].str.extract(r"robust z = (-?[\d.]+)")[0].astype(float)
    assert (z.abs() >= 3.5).all()
    scores = report.scores
    assert len(scores) == 17 and scores["score"].min() == 91.0
    june = assess(demo.observations, None, demo.indicators, demo.units, period="2026-01")
    assert ids(june.flags) == ["outlier_growth:XZ06:FDI:M:2026:1"]
