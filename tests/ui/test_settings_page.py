"""The settings page's editors read in the reader's language: every column headed, coded
cells (rule kinds, assessment periods, units and indicators) in words, a blank unit or
indicator as "every unit" or "every indicator", and an unchanged table saved unchanged."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from bxgc_metrics.metrics.quality import load_default_quality_rules
from bxgc_metrics.metrics.rewards import load_default_rules
from bxgc_metrics.store import Store
from bxgc_ui.views.settings import EVERY
from tests.ui.folds import admin_page

EDITORS = (
    "set_units_editor",
    "set_ind_editor",
    "set_pairs_editor",
    "set_weights_editor",
    "set_rules_editor",
    "set_events_editor",
    "set_quality_rules_editor",
)


def _page(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "zh") -> AppTest:
    return admin_page(db, monkeypatch, "pages/settings.py", lang)


def _editor(at: AppTest, key: str) -> tuple[pd.DataFrame, dict]:
    (editor,) = [e for e in at.data_editor if re.search(f"-{key}(_\\d+)?$", e.proto.id)]
    return editor.value, json.loads(editor.proto.columns)


def _options(config: dict, column: str) -> dict[str, str]:
    """A drop-down column's options, value → label as shown."""
    found = config[column]["type_config"]["options"]
    return {o["value"]: o["label"] for o in found}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_column_of_every_editor_is_headed_in_the_readers_language(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    at = _page(demo_db, monkeypatch, lang)
    for key in EDITORS:
        frame, config = _editor(at, key)
        shown = [c for c in frame.columns if not config.get(c, {}).get("hidden")]
        assert shown, key
        for column in shown:
            label = config.get(column, {}).get("label")
            assert label and label != column, (key, column)  # never the stored field's name
            if lang == "zh":
                assert not re.fullmatch(r"[a-z_]+", label), (key, column, label)


def test_coded_cells_read_in_words_and_blanks_as_every_unit_or_indicator(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(demo_db, monkeypatch)
    rules, config = _editor(at, "set_rules_editor")
    kinds = _options(config, "kind")
    assert kinds["rank_gain"] == "名次同比上升" and kinds["criticism"] == "通报批评"
    assert _options(config, "period_kind") == {
        "half": "半年考核", "year": "年终考核", "any": "不限"
    }  # fmt: skip
    assert set(rules["kind"]) <= set(kinds)
    assert not rules["level"].isna().any()  # a blank level is a blank cell, not "None"
    assert set(rules["level"]) == {"", "city", "province"}

    quality, config = _editor(at, "set_quality_rules_editor")
    assert _options(config, "kind") == {"le": "不超过", "sum_le": "下级之和不超过上级"}
    left = _options(config, "left")
    assert left["FAI"] == "固定资产投资" and set(quality["left"]) <= set(left)

    pairs, config = _editor(at, "set_pairs_editor")
    indicators = _options(config, "indicator_code")
    assert indicators[EVERY] == "（全部指标）" and indicators["GBR"] == "地方一般公共预算收入"
    assert (pairs["indicator_code"] == EVERY).sum() == 3  # three demo pairs name no indicator
    assert set(pairs["indicator_code"]) <= set(indicators)
    assert _options(config, "chaser_code")["JD03"] == "南关街道"
    assert pairs["base_year"].tolist()[:1] == [2010]

    events, config = _editor(at, "set_events_editor")
    units = _options(config, "unit_code")
    assert units[EVERY] == "（全部单位）"
    assert (events["unit_code"] == EVERY).any() and set(events["unit_code"]) <= set(units)
    assert set(events["indicator_code"]) <= set(_options(config, "indicator_code"))


def test_unchanged_rules_and_pairs_are_saved_unchanged(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blank cells shown as blanks go back to the store as missing, not as empty text."""
    at = _page(demo_db, monkeypatch)
    pairs_before = Store(demo_db).table("benchmark_pairs").drop(columns=["id"])
    events_before = Store(demo_db).events()
    version = Store(demo_db).data_version()
    at.button(key="set_events_save").click().run()
    assert Store(demo_db).data_version() == version  # the events saved unchanged: no write
    pd.testing.assert_frame_equal(Store(demo_db).events(), events_before)
    for button in ("set_rules_save", "set_quality_rules_save", "set_pairs_save"):
        at.button(key=button).click().run()
        assert not at.exception and not at.error, (button, at.error)
    store = Store(demo_db)
    saved = store.reward_rules()
    assert saved is not None
    expected = load_default_rules().sort_values("rule_id", ignore_index=True)
    saved = saved.sort_values("rule_id", ignore_index=True)[list(expected.columns)]
    pd.testing.assert_frame_equal(
        saved.astype(object).where(saved.notna(), None),
        expected.astype(object).where(expected.notna(), None),
        check_dtype=False,
    )
    assert saved["level"].isna().sum() == expected["level"].isna().sum() == 9
    quality = store.quality_rules()
    assert quality is not None
    defaults = load_default_quality_rules().set_index("rule_id").sort_index()
    kept = quality.set_index("rule_id").sort_index()
    assert kept[["kind", "left", "right"]].equals(defaults[["kind", "left", "right"]])
    assert kept["tolerance"].tolist() == defaults["tolerance"].tolist()
    pairs_after = store.table("benchmark_pairs").drop(columns=["id"])
    pd.testing.assert_frame_equal(
        pairs_after.reset_index(drop=True), pairs_before.reset_index(drop=True)
    )
    assert pairs_after["indicator_code"].isna().sum() == 3
