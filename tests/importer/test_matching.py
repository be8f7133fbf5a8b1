"""Names as written to codes: exact after normalising, a saved profile, near matches to
confirm, names two units share, unknown names."""

from __future__ import annotations

import pandas as pd

from bxgc_metrics.importer.matching import (
    AMBIGUOUS,
    EXACT,
    NEAR,
    PROFILE,
    UNKNOWN,
    guess_unit_kind,
    match_names,
    normalise_name,
)

UNITS = pd.DataFrame(
    {
        "code": ["JD01", "JD02", "XZ01", "XZ02"],
        "name_zh": ["东城街道", "西城街道", "黄楼镇", "邵庄镇"],
        "name_en": ["Dongcheng", "Xicheng", "Huanglou", "Shaozhuang"],
    }
)


def _matched(names: list[str], profile: dict[str, str] | None = None) -> list[tuple]:
    found = match_names(names, UNITS, profile)
    return list(zip(found["name"], found["code"], found["how"], found["suggestion"], strict=True))


def test_exact_after_suffixes_spaces_and_width() -> None:
    assert _matched(["东城街道办事处", " 黄楼镇人民政府", "ｄｏｎｇｃｈｅｎｇ", "西城街道"]) == [
        ("东城街道办事处", "JD01", EXACT, None),
        (" 黄楼镇人民政府", "XZ01", EXACT, None),
        ("ｄｏｎｇｃｈｅｎｇ", "JD01", EXACT, None),
        ("西城街道", "JD02", EXACT, None),
    ]


def test_a_short_name_or_a_qualifier_is_near_never_exact() -> None:
    found = match_names(["黄楼", "东城街道（新区）"], UNITS).set_index("name")
    assert found.loc["黄楼", "how"] == NEAR and found.loc["黄楼", "suggestion"] == "XZ01"
    # 黄楼 against 黄楼 once the suffix 镇 is set aside
    assert found.loc["黄楼", "score"] == 0.99
    assert found.loc["东城街道（新区）", "how"] == NEAR
    assert found.loc["东城街道（新区）", "score"] == 0.95


def test_a_different_place_with_the_same_suffix_is_unknown() -> None:
    # 南城 and 东城 share one character of two: half similar, below the threshold
    assert _matched(["南城街道"]) == [("南城街道", None, UNKNOWN, None)]


def test_a_profile_decides_and_a_code_it_names_must_exist() -> None:
    assert _matched(["老城区"], {"老城区": "JD02"}) == [("老城区", "JD02", PROFILE, None)]
    assert _matched(["老城区"], {"老城区": "GONE"})[0][2] == UNKNOWN


def test_a_name_two_units_share_is_ambiguous() -> None:
    # both are 东城街道 once their suffixes are set aside; the file writes neither name
    twins = pd.DataFrame({"code": ["A1", "A2"], "name_zh": ["东城街道", "东城街道办事处"]})
    found = match_names(["东城街道人民政府"], twins)
    assert found.loc[0, "how"] == AMBIGUOUS and found.loc[0, "candidates"] == ("A1", "A2")


def test_each_name_once_in_order_of_first_appearance() -> None:
    found = match_names(pd.Series(["西城街道", "东城街道", "西城街道"]), UNITS)
    assert found["name"].tolist() == ["西城街道", "东城街道"]


def test_comparable_forms_and_unit_kinds() -> None:
    assert normalise_name("黄楼镇人民政府办事处") == "黄楼镇"  # suffixes peeled one by one
    assert normalise_name("西城街道党工委") == "西城街道"
    assert [guess_unit_kind(n) for n in ("东城街道办事处", "黄楼乡", "实验小学", "财政局")] == [
        "街道",
        "乡镇",
        "学校",
        "部门",
    ]


def test_a_growth_rate_is_never_suggested_for_its_amount_nor_the_other_way() -> None:
    """地方一般公共预算收入增速 contains the revenue's name, but confirming the suggestion
    would store growth rates as revenue: a name that says a rate, share or completion is
    not a near match of one that does not. Two names that both say one still are."""
    indicators = pd.DataFrame(
        {
            "code": ["GBR", "LP", "IVA_G"],
            "name_zh": ["地方一般公共预算收入", "劳动生产率", "规上工业增加值增速"],
        }
    )
    found = match_names(
        ["地方一般公共预算收入增速", "劳动生产率增长", "规上工业增加值", "地方一般公共预算收入占比",
         "规上工业增加值增长率", "一般公共预算收入"],
        indicators,
    ).set_index("name")  # fmt: skip
    for name in (
        "地方一般公共预算收入增速",
        "劳动生产率增长",
        "规上工业增加值",
        "地方一般公共预算收入占比",
    ):
        assert found.loc[name, "how"] == UNKNOWN and found.loc[name, "suggestion"] is None, name
    assert found.loc["规上工业增加值增长率", "suggestion"] == "IVA_G"
    assert found.loc["一般公共预算收入", "suggestion"] == "GBR"


def test_names_are_matched_against_the_units_as_they_are_now() -> None:
    """The names a reference stands for are worked out once for the same units: a unit
    renamed, added, given an English name or taken away is matched as it now is."""
    before = match_names(["东城街道", "东城新区"], UNITS)
    assert before["code"].tolist() == ["JD01", None]
    renamed = UNITS.assign(name_zh=["东城新区", "西城街道", "黄楼镇", "邵庄镇"])
    after = match_names(["东城街道", "东城新区"], renamed)
    assert after["code"].tolist() == [None, "JD01"]
    assert after["how"].tolist() == [NEAR, EXACT]
    added = pd.concat(
        [UNITS, pd.DataFrame({"code": ["XZ03"], "name_zh": ["新集镇"], "name_en": [None]})]
    )
    assert match_names(["新集镇"], added)["code"].tolist() == ["XZ03"]
    assert match_names(["新集镇"], UNITS)["how"].tolist() == [UNKNOWN]
    english = UNITS.assign(name_en=["Dongcheng", "Xicheng", "Huanglou", "Shaozhuang Town"])
    assert match_names(["Shaozhuang Town"], english)["code"].tolist() == ["XZ02"]
    assert match_names(["Shaozhuang Town"], UNITS)["code"].tolist() == [None]
    without_english = UNITS.drop(columns="name_en")
    assert match_names(["Huanglou", "黄楼镇"], without_english)["code"].tolist() == [None, "XZ01"]
