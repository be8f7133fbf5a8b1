"""The key interactions, driven through AppTest on a real demo database."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from bxgc_metrics.access import Actor
from bxgc_metrics.metrics.backtest import MIN_CALIBRATION, MIN_COVERAGE_CHECKS
from bxgc_metrics.metrics.rewards import load_default_rules
from bxgc_metrics.store import Store
from bxgc_ui import fmt
from bxgc_ui.auth import SESSION_KEY
from bxgc_ui.charts import TITLE_BREAK
from tests import sheets
from tests.conftest import ADMIN, ROOT, admin_store
from tests.ui.folds import open_fold, open_tab


def _page(
    db: Path, monkeypatch: pytest.MonkeyPatch, page: str, lang: str = "zh", **state: object
) -> AppTest:
    """The page as a signed-in admin (the pages' write controls need a role), in ``lang``
    with ``state`` in its session from the start (AppTest formats a widget's value in the
    default language on a rerun)."""
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state[SESSION_KEY] = ADMIN
    at.session_state["lang"] = lang
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_catch_up_shows_plan_four_and_its_audit(demo_db: Path, monkeypatch) -> None:
    at = _page(demo_db, monkeypatch, "pages/catchup.py")
    metrics = _metrics(at)
    assert metrics["预计赶超年份"] == "2012年"
    assert metrics["当前差距（2010年）"] == fmt.md("0.90亿元")  # a figure is markdown
    assert (
        f"2012年本单位（{fmt.md('5.20亿元')}）超过标杆（{fmt.md('4.20亿元')}）"
        in at.success[0].value
    )
    lines = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert len(lines) == 3
    # 2.9 × 1.16 = 3.364, 3.5 × 1.15 = 4.025, 3.2 × 1.60 = 5.12: each with its measure
    assert any(
        "方案写 3.50亿元，按上年 2.90亿元 增长 +16.0% 应为 3.364亿元（偏差 +4.0%）" in x
        for x in lines
    )
    assert any(
        "方案写 4.20亿元，按上年 3.50亿元 增长 +15.0% 应为 4.025亿元（偏差 +4.3%）" in x
        for x in lines
    )
    assert any(
        "方案写 5.20亿元，按上年 3.20亿元 增长 +60.0% 应为 5.120亿元（偏差 +1.6%）" in x
        for x in lines
    )


def test_catch_up_names_the_pair_above_its_figures(demo_db: Path, monkeypatch) -> None:
    """On a phone the pickers sit below the figures: the line above them names who is
    compared with whom, on which indicator."""
    at = _page(demo_db, monkeypatch, "pages/catchup.py")
    shown = [m.value for m in at.markdown]
    pair = next(v for v in shown if " 对标 " in v)
    assert pair == "**方案四·本街道** 对标 **方案四·市外标杆** · 地方财政收入"
    assert shown.index(pair) < min(i for i, v in enumerate(shown) if v.startswith("- "))


def test_moving_the_growth_slider_moves_the_crossing(demo_db: Path, monkeypatch) -> None:
    at = _page(demo_db, monkeypatch, "pages/catchup.py")
    at.slider(key="cu_rate_P4_OURS_P4_FISCAL_REV").set_value(25.0).run()
    # 2.0 growing 25 % against 2.9 growing 16 %: ln(1.45)/ln(1.25/1.16) = 4.96 → 2015
    assert _metrics(at)["预计赶超年份"] == "2015年"
    at.slider(key="cu_rate_P4_OURS_P4_FISCAL_REV").set_value(10.0).run()
    # short enough for the headline figure, the reason on the line under it
    (crossing,) = [m for m in at.metric if m.label == "预计赶超年份"]
    assert (crossing.value, crossing.delta) == ("无法赶超", "按设定增速")


def test_picking_another_unit_and_benchmark(demo_db: Path, monkeypatch) -> None:
    at = _page(demo_db, monkeypatch, "pages/catchup.py")
    at.selectbox(key="cu_chaser@zh").set_value("JD03").run()
    assert not at.exception
    at.selectbox(key="cu_ind_JD03@zh").set_value("GBR").run()
    at.multiselect(key="cu_bench_JD03@zh").set_value(["EXT_DH", "JD01"]).run()
    assert not at.exception
    at.button_group(key="cu_model").set_value("plan").run()  # whose sliders set the rates
    assert "东湖区" in at.slider[-1].label  # the second slider follows the first benchmark
    # one row per benchmark when there are several
    answers = [d.value for d in at.dataframe if "标杆（赶超对象）" in d.value.columns]
    assert len(answers) == 1 and answers[0].shape[0] == 2
    # the back-test table is folded under the model picker, built when opened
    assert len(at.dataframe) == 1
    open_fold(at, "cu_skill_box")
    skill = at.dataframe[0].value
    assert len(at.dataframe) == 2 and len(skill) >= 2 and not at.exception


def test_the_model_follows_the_one_that_erred_least_until_the_reader_picks_one(
    demo_db: Path, monkeypatch
) -> None:
    """Opened on 方案四, the page picks the plan's own rates; moved to 东城街道 it said
    another model had erred least there and kept the plan's rates picked."""
    from bxgc_metrics.metrics.projection import MODELS
    from bxgc_ui.views.catchup import t

    at = _page(demo_db, monkeypatch, "pages/catchup.py")

    def named() -> str:  # the model the page says erred least on these units
        text = next(c.value for c in at.caption if "误差最小的是" in c.value)
        found = re.search(r"误差最小的是“(.+?)”", text)
        assert found is not None
        return found.group(1)

    def picked() -> str:
        return str(at.button_group(key="cu_model").value)

    opened = picked()
    at.selectbox(key="cu_chaser@zh").set_value("JD01").run()
    assert not at.exception
    assert t(f"model_{picked()}") == named() and picked() != opened
    other = next(m for m in MODELS if t(f"model_{m}") != named())
    at.button_group(key="cu_model").set_value(other).run()
    at.selectbox(key="cu_chaser@zh").set_value("JD03").run()
    assert picked() == other  # the reader's own pick stays


def test_switching_language_changes_every_label(demo_db: Path, monkeypatch) -> None:
    at = _page(demo_db, monkeypatch, "pages/rankings.py")
    assert at.title[0].value == "考核排名"
    at.button_group(key="lang").set_value("en").run()
    assert at.title[0].value == "Rankings"
    labels = [t.label for t in at.tabs]
    assert labels == ["By indicator", "Composite", "Rewards"]
    assert not any("排名" in t for t in labels)


def test_import_a_file_then_undo_it(demo_db: Path, monkeypatch) -> None:
    store = Store(demo_db)
    before = store.observations(unit="JD01", indicator="GBR").set_index("period")["value"]
    at = _page(demo_db, monkeypatch, "pages/upload.py")
    at.get("file_uploader")[0].upload("报表.xlsx", sheets.report_xlsx()).run()
    assert not at.exception and not at.error
    assert _metrics(at) == {"新增": "0", "修改": "9", "未变": "0"}
    # the preview's figures carry their measure too, old and new
    (changes,) = [d.value for d in at.dataframe if "新值" in d.value.columns]
    unit = store.indicators().set_index("code").loc["GBR", "measure"]
    # periods read as the sheet and the officials write them, the year to date from January
    june = changes[(changes["时期"] == "2024年1-6月") & changes["新值"].str.startswith("41,300.5")]
    assert june["新值"].tolist() == [f"41,300.5{unit}"]
    assert june["原值"].tolist() == [f"{before['2024-06']:,.10g}{unit}"]
    next(b for b in at.button if b.label == "确认导入").click().run()
    assert "已导入" in at.success[-1].value
    after = store.observations(unit="JD01", indicator="GBR").set_index("period")["value"]
    assert after["2024-06"] == 41300.5
    batch = int(store.batches().iloc[0]["id"])
    # the picker offers the batch just committed, and says what undoing it changes
    assert at.selectbox(key=f"up_undo_pick_{batch}@zh").value == batch
    assert any("删除它新增的 0 条数据，恢复它替换的 9 条原值" in m.value for m in at.markdown)
    # the sample's figures carry their measure: 41,300.5 alone could be 万元 or 亿元
    (sample,) = [d.value for d in at.dataframe if "现值" in d.value.columns]
    measure = store.indicators().set_index("code").loc["GBR", "measure"]
    row = sample[sample["时期"] == "2024年1-6月"].iloc[0]
    assert row["现值"] == f"41,300.5{measure}"
    assert row["撤销后"] == f"{before['2024-06']:,.10g}{measure}"
    next(b for b in at.button if b.label == "撤销该批次…").click().run()
    # nothing happens before the confirmation
    assert (
        store.observations(unit="JD01", indicator="GBR").set_index("period")["value"]["2024-06"]
        == 41300.5
    )
    next(b for b in at.button if b.label == "确认撤销").click().run()
    assert not at.exception
    # says what it did: nothing was added, nine values came back
    assert any(
        s.value == f"批次 {batch} 已撤销：删除了它新增的 0 条数据，恢复了它替换的 9 条原值。"
        for s in at.success
    ), [s.value for s in at.success]
    restored = store.observations(unit="JD01", indicator="GBR").set_index("period")["value"]
    assert restored["2024-06"] == before["2024-06"]
    # the history shows the new state at once
    history = at.dataframe[-2].value if len(at.dataframe) > 1 else at.dataframe[-1].value
    assert "已撤销" in set(history["状态"])


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        ([("滨海街道", 80000, 41000.5, 36000)], "This import creates 1 unit and 0 indicators"),
        (
            [("滨海街道", 80000, 41000.5, 36000), ("龙湾镇", 60000, 30000.0, 28000)],
            "This import creates 2 units and 0 indicators",
        ),
    ],
)
def test_the_units_an_import_creates_are_counted_in_english_words(
    demo_db: Path, monkeypatch, rows: list, said: str
) -> None:
    at = _page(demo_db, monkeypatch, "pages/upload.py", lang="en", up_create=True)
    at.get("file_uploader")[0].upload("new.xlsx", sheets.report_xlsx(rows)).run()
    assert any(i.value.startswith(said + " (below).") for i in at.info), [i.value for i in at.info]


def test_units_an_import_creates_are_shown_grouped_and_taken_back_by_its_undo(
    demo_db: Path, monkeypatch
) -> None:
    """A report naming two units the database does not know: the preview lists them with
    a kind and a peer group guessed from the stored units, the commit creates them so, the
    wizard leaves the page with the committed file, and the undo deletes them again."""
    at = _page(demo_db, monkeypatch, "pages/upload.py")
    at.checkbox(key="up_create").check().run()
    rows = [("滨海街道", 80000, 41000.5, 36000), ("龙湾镇", 60000, 30000.0, 28000)]
    at.get("file_uploader")[0].upload("新单位.xlsx", sheets.report_xlsx(rows)).run()
    assert not at.exception and not at.error
    assert any("本次导入将新建 2 个单位、0 个指标" in i.value for i in at.info)
    assert not any(c.value == "所有名称都已对应。" for c in at.caption)
    listed = next(d.value for d in at.dataframe if "peer_group" in d.value)
    assert listed[["name_zh", "kind", "peer_group"]].values.tolist() == [
        ["滨海街道", "街道", "城区街道"],
        ["龙湾镇", "乡镇", "乡镇"],
    ]
    next(b for b in at.button if b.label == "确认导入").click().run()
    assert not at.exception
    assert "已导入" in at.success[0].value
    assert not any(b.label == "确认导入" for b in at.button)  # the wizard left with the file
    store = Store(demo_db)
    made = store.units().set_index("name_zh").loc[["滨海街道", "龙湾镇"], ["kind", "peer_group"]]
    assert made.values.tolist() == [["街道", "城区街道"], ["乡镇", "乡镇"]]
    batch = int(store.batches().iloc[0]["id"])
    shown = "\n".join(m.value for m in at.markdown)
    assert f"撤销批次 {batch} 将删除它新增的 6 条数据" in shown  # target, 1-6月, a year earlier
    by_code = made.reset_index().assign(
        code=store.units().set_index("name_zh").loc[made.index, "code"].to_numpy()
    )
    listed_names = "、".join(by_code.sort_values("code")["name_zh"])
    assert f"同时删除该批次新建的单位和指标：{listed_names}。" in shown
    next(b for b in at.button if b.label == "撤销该批次…").click().run()
    next(b for b in at.button if b.label == "确认撤销").click().run()
    assert not at.exception
    assert not {"滨海街道", "龙湾镇"} & set(store.units()["name_zh"])
    # says what went: the six figures and the two units, none replaced to bring back
    assert [s.value for s in at.success] == [
        f"批次 {batch} 已撤销：删除了它新增的 6 条数据，恢复了它替换的 0 条原值。"
        f"同时删除了该批次新建的单位和指标：{listed_names}。"
    ]


def test_undoing_the_demo_batch_asks_for_its_number(demo_db: Path, monkeypatch) -> None:
    """Undoing a batch that deletes a thousand figures or more (the demo data: all of them)
    waits for the batch number typed into the confirmation."""
    store = Store(demo_db)
    assert list(store.batches()["id"]) == [1]
    at = _page(demo_db, monkeypatch, "pages/upload.py")
    next(b for b in at.button if b.label == "撤销该批次…").click().run()
    assert any("此次撤销将删除" in w.value for w in at.warning)
    confirm = next(b for b in at.button if b.label == "确认撤销")
    assert confirm.disabled
    at.text_input(key="up_undo_typed").input("2").run()
    assert next(b for b in at.button if b.label == "确认撤销").disabled
    assert not store.observations(unit="JD01", indicator="GBR").empty
    at.text_input(key="up_undo_typed").input("1").run()
    next(b for b in at.button if b.label == "确认撤销").click().run()
    assert not at.exception
    assert store.observations(unit="JD01", indicator="GBR").empty


def test_upload_asks_to_confirm_a_near_match(demo_db: Path, monkeypatch) -> None:
    at = _page(demo_db, monkeypatch, "pages/upload.py")
    data = sheets.report_xlsx([("东城", 82812, 41300.5, 38000)])
    at.get("file_uploader")[0].upload("r.xlsx", data).run()
    assert at.error and next(b for b in at.button if b.label == "确认导入").disabled
    assert at.selectbox(key="up_map_units_东城@zh").value == "JD01"  # the suggestion, preselected
    next(b for b in at.button if b.label == "确认以上对应").click().run()
    assert not at.error
    assert not next(b for b in at.button if b.label == "确认导入").disabled


def test_an_english_match_offers_units_by_their_english_names(demo_db: Path, monkeypatch) -> None:
    """The file's name stays as written (东城); the units it may mean are named in the
    reader's language, as every other English list names them."""
    at = _page(demo_db, monkeypatch, "pages/upload.py", "en")
    data = sheets.report_xlsx([("东城", 82812, 41300.5, 38000)])
    at.get("file_uploader")[0].upload("r.xlsx", data).run()
    assert not at.exception, at.exception
    box = at.selectbox(key="up_map_units_东城@en")
    assert box.value == "JD01" and "东城" in box.label
    shown = [o for o in box.options if o != "(no match: treat as unknown)"]
    assert "Dongcheng Sub-district" in shown, shown
    assert not any(re.search(r"[\u4e00-\u9fff]", o) for o in shown), shown


def test_editing_reward_rules_changes_the_rewards(demo_db: Path, monkeypatch) -> None:
    store = admin_store(demo_db)
    assert store.reward_rules() is None  # the default rules until someone saves
    changed = load_default_rules()
    changed.loc[changed["rule_id"] == "top_year_1", "amount_yuan"] = 20000
    store.save_reward_rules(changed)
    at = _page(demo_db, monkeypatch, "pages/rankings.py")
    assert not any("规则" in d.value.columns for d in at.dataframe)  # built when opened
    at = open_tab(at, "rank_tab", "奖励测算")
    assert at.session_state["reward_kind"] == "half"  # 1-10月 has reached the half-year
    at.button_group(key="reward_kind").set_value("year").run()
    items = at.dataframe[-1].value
    first = items[items["规则"].str.contains("第一")]
    assert first["奖金（元）"].tolist() == ["20,000"]
    # the figures before the rule's long sentence, which the grid cuts at the right edge
    assert list(items.columns) == ["单位", "奖金（元）", "加分", "规则"]


def test_a_choice_survives_the_language_switch_with_new_labels(demo_db: Path, monkeypatch) -> None:
    at = _page(demo_db, monkeypatch, "pages/overview.py")
    at.selectbox(key="overview_indicator@zh").set_value("GBR").run()
    assert at.selectbox[0].value == "GBR"
    at.button_group(key="lang").set_value("en").run()
    box = at.selectbox(key="overview_indicator@en")
    assert box.value == "GBR"
    assert box.format_func("GBR") == "General public budget revenue"


def test_a_large_upload_lists_the_first_rows_and_offers_the_rest(
    demo_db: Path, monkeypatch
) -> None:
    """Every demo figure changed by 10 %: the page shows 2,000 changes, counts them all and
    offers the whole list as a download."""
    store = Store(demo_db)
    export = store.export_long()
    export["value"] = export["value"] * 1.1
    at = _page(demo_db, monkeypatch, "pages/upload.py")
    at.get("file_uploader")[0].upload("all.csv", export.to_csv(index=False).encode()).run()
    assert not at.exception
    counts = _metrics(at)
    moving = int(counts["修改"]) + int(counts["新增"])
    assert moving > 0.99 * len(export)  # all but the zeros, which stay zero
    changes = next(d.value for d in at.dataframe if "新值" in d.value.columns)
    assert len(changes) == 2_000
    assert any(f"共 {moving} 条" in c.value for c in at.caption)
    assert any(b.label == "下载全部变化（CSV）" for b in at.get("download_button"))


def test_upload_asks_for_the_measure_of_a_unit_line_with_two(demo_db: Path, monkeypatch) -> None:
    monkeypatch.setenv("BXGC_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state[SESSION_KEY] = Actor("li", "analyst", operator=True)
    at.run()
    at.switch_page("pages/upload.py").run()
    rows = [
        ["2024年1-6月各街道地方一般公共预算收入完成情况"],
        ["单位：万元、亿元"],
        ["序号", "单位", "地方一般公共预算收入", None],
        [None, None, "全年目标", "1-6月累计"],
        [1, "东城街道", 8.2812, 4.13005],
    ]
    data = sheets.xlsx_from_rows(rows, merges=["C3:D3"])
    at.get("file_uploader")[0].upload("两种单位.xlsx", data).run()
    assert not at.exception and at.error
    assert next(b for b in at.button if b.label == "确认导入").disabled
    picker = at.selectbox(key="up_measure_地方一般公共预算收入@zh")
    assert picker.options == ["（请选择）", "万元", "亿元"]
    picker.set_value("亿元")
    next(b for b in at.button if b.label == "确认计量单位").click().run()
    assert not at.exception and not at.error
    next(b for b in at.button if b.label == "确认导入").click().run()
    assert "已导入" in at.success[-1].value
    stored = Store(demo_db).observations(unit="JD01", indicator="GBR").set_index("period")
    assert stored.loc["2024-06", "value"] == 41300.5
    assert stored.loc["2024", "value"] == 82812.0


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_crossing_headline_is_short_enough_for_its_figure_whatever_the_answer(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The headline figure holds a year, 已领先 or a few words; why there is no year goes
    on the line under it, so a long answer is not cut off with an ellipsis (the answers
    table keeps the whole sentence)."""
    from bxgc_metrics.metrics import catchup as trajectory
    from bxgc_ui import i18n
    from bxgc_ui.views import catchup

    monkeypatch.setattr(i18n, "lang", lambda: language)
    widest = 6 if language == "zh" else 11
    statuses = [s for s in dir(trajectory) if s.startswith("STATUS_")]
    assert len(statuses) >= 5
    for status, model in itertools.product(statuses, ["plan", "cagr", "ets"]):
        answer = pd.Series({"status": getattr(trajectory, status), "crossing_period": 2031})
        value, why = catchup.crossing_headline(answer, model)
        assert len(value) <= widest, (status, model, value)
        sentence = catchup.crossing_text(answer, model)
        if value != sentence:  # shortened: the reason is given under it
            assert why is not None, (status, model)
            assert why.casefold() in sentence.casefold(), (why, sentence)
    never, why = catchup.crossing_headline(
        pd.Series({"status": trajectory.STATUS_NOT_WITHIN_HORIZON}), "ets"
    )
    assert (never, why) == (
        ("30年以上", "30年内无法赶超") if language == "zh" else ("30+ years", "Not within 30 years")
    )


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_reason_for_no_chance_reads_as_its_own(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each reason the metrics give for a missing chance has its own sentence beside the
    "—", so a projection that falls below zero is not explained as too little history."""
    from bxgc_metrics.tables.trajectory import PROBABILITY_NOTES
    from bxgc_ui import i18n
    from bxgc_ui.views import catchup

    monkeypatch.setattr(i18n, "lang", lambda: language)
    helps = {}
    for note in PROBABILITY_NOTES[1:]:
        shown, helps[note] = catchup.probability_text(
            pd.Series({"probability": float("nan"), "probability_note": note})
        )
        assert shown == "—"
    assert len(set(helps.values())) == len(helps), helps
    assert ("零" if language == "zh" else "zero") in helps["not_positive"]
    # the number of errors a band needs is the one the metrics apply
    assert str(MIN_CALIBRATION) in helps["short_backtest"]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_back_tests_of_a_rate_that_crosses_zero_read_in_points(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Growth rates that went below zero: the table beside the model picker gives each
    model's mean miss in percentage points, compares it with the baseline's, and names
    the model that missed least; a revenue indicator keeps its percentages."""
    from bxgc_metrics.metrics.backtest import skill
    from bxgc_ui import i18n
    from bxgc_ui.views import catchup

    monkeypatch.setattr(i18n, "lang", lambda: language)
    monkeypatch.setattr(catchup, "lang", lambda: language)
    years = range(2014, 2026)
    rates = [6.0, 4.5, 7.2, -1.3, 2.8, 5.1, 3.3, 6.4, 0.9, 4.7, 5.5, 2.2]
    steady = [8.0, 7.1, 6.5, 7.7, 6.9, 7.3, 8.1, 6.6, 7.0, 7.4, 6.8, 7.2]
    annual = pd.DataFrame(
        {"unit_code": ["A"] * 12 + ["B"] * 12, "year": [*years, *years], "value": rates + steady}
    )
    table = skill(annual, ["naive", "linear"], ["A", "B"])
    shown = catchup.skill_table(table, "%")
    heading = "平均绝对误差" if language == "zh" else "Mean abs. error"
    naive, linear = table.set_index("model")["mae"]
    points = "{:.1f}个百分点" if language == "zh" else "{:.1f} pp"
    assert shown[heading].tolist() == [points.format(naive), points.format(linear)]
    ratio = "相对基准" if language == "zh" else "vs. baseline"
    assert shown[ratio].tolist() == ["1.00", f"{linear / naive:.2f}"]
    best = "naive" if naive <= linear else "linear"
    assert catchup.best_model(table) == best
    assert points.format(min(naive, linear)) in catchup.best_model_text(table, "%")
    # all positive: percentages, as before
    revenue = annual.assign(value=annual["value"] + 10.0)
    money = skill(revenue, ["naive"], ["A", "B"])
    mape = "平均误差" if language == "zh" else "Mean abs. % error"
    assert catchup.skill_table(money, "万元")[mape].iloc[0].endswith("%")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_growth_needed_reads_in_points_for_a_percentage_and_in_units_for_a_loss(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The headline's third figure, the answers table and the model's implied rates read
    as growth for revenue, in points a year for a growth rate, and in the indicator's
    units a year where a level is at or below zero."""
    from bxgc_ui import i18n
    from bxgc_ui.views import catchup

    monkeypatch.setattr(i18n, "lang", lambda: language)
    monkeypatch.setattr(catchup, "lang", lambda: language)
    zh = language == "zh"
    common = {
        "benchmark_code": "B",
        "base_year": 2025,
        "target_year": 2028,
        "status": "catches_up",
        "crossing_period": 2027.0,
        "gap": 1.2,
        "probability": 0.6,
        "probability_note": "",
    }
    rate = pd.Series(
        {
            **common,
            "chaser_value": 5.1,
            "benchmark_at_target": 6.3,
            "required_form": "change",
            "required_rate": 0.0729,
            "required_change": 0.4,
            "chaser_rate": 0.05,
            "benchmark_rate": 0.01,
            "chaser_change": 0.25,
            "benchmark_change": -0.05,
        }
    )
    label, value, help_ = catchup.required_figure(rate, "%")
    assert label == ("2028年赶超所需年均变化" if zh else "Change a year to be level by 2028")
    assert value == ("+0.4个百分点" if zh else "+0.4 pp")
    assert "5.1%" in help_ and "6.3%" in help_ and "2025" in help_
    assert "%" not in value.replace("个百分点", "")
    text = catchup.model_rates_text(rate, "linear", "东城街道", measure="%")
    assert ("+0.2个百分点" if zh else "+0.2 pp") in text  # 0.25 to one decimal
    assert ("-0.1个百分点" if zh else "-0.1 pp") in text
    assert "+5.0%" not in text
    loss = rate.copy()
    loss[["chaser_value", "benchmark_at_target", "required_change"]] = [-15000.0, 26000.0, 13666.7]
    label, value, _ = catchup.required_figure(loss, "万元")
    assert value == ("+1.37亿元" if zh else "+137 m yuan")  # 41,000 万元 in 3 years
    revenue = rate.copy()
    revenue[["required_form", "chaser_value", "benchmark_at_target"]] = ["rate", 5.1, 6.3]
    label, value, _ = catchup.required_figure(revenue, "万元")
    assert label == ("2028年赶超所需年增速" if zh else "Growth to be level by 2028")
    assert value == "7.3%"
    assert "+5.0%" in catchup.model_rates_text(revenue, "linear", "东城街道", measure="万元")
    # the answers table reads each row as the headline does
    table = catchup.answers_table(pd.DataFrame([rate]), {"B": "东城街道"}, "%", model="linear")
    assert table.iloc[0, 3] == ("+0.4个百分点" if zh else "+0.4 pp")
    assert table.columns[3] == catchup.required_figure(rate, "%")[0]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_gap_on_a_percentage_reads_in_points_beside_both_levels(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A growth rate of 4.4 % against 15.4 % is 11.0 points behind, shown beside both
    rates; a share of the benchmark's rate means nothing. Revenue keeps its share."""
    from bxgc_ui import i18n
    from bxgc_ui.views import catchup

    monkeypatch.setattr(i18n, "lang", lambda: language)
    monkeypatch.setattr(catchup, "lang", lambda: language)
    zh = language == "zh"
    answer = pd.Series(
        {"gap": 11.0, "gap_ratio": 11.0 / 15.4, "chaser_value": 4.4, "benchmark_value": 15.4}
    )
    value, note = catchup.gap_figure(answer, "%")
    assert value == ("11.0个百分点" if zh else "11.0 pp")
    assert note == ("本单位 4.4%，标杆 15.4%" if zh else "ours 4.4%, benchmark 15.4%")
    ahead = answer.copy()
    ahead["gap"], ahead["base_year"] = -2.5, 2025
    assert catchup.gap_figure(ahead, "%")[0] == ("2.5个百分点" if zh else "2.5 pp")
    assert catchup.gap_label(ahead) == ("当前领先（2025年）" if zh else "Lead now (2025)")
    # a unit ahead reads its lead, and the lead's share of the benchmark, never a minus:
    # the headline names it a lead, a cell of the answers table says so itself
    lead = pd.Series(
        {
            "gap": -107100.0,
            "gap_ratio": -107100.0 / 30974.3,
            "chaser_value": 138074.3,
            "benchmark_value": 30974.3,
            "standing": "ahead",
            "base_year": 2025,
        }
    )
    value, note = catchup.gap_figure(lead, "万元")
    assert value == ("10.71亿元" if zh else "1.071 bn yuan")
    assert note == ("相当于标杆的 345.8%" if zh else "345.8% of the benchmark")
    assert catchup.gap_value(lead, "万元") == ("领先10.71亿元" if zh else "ahead by 1.071 bn yuan")
    behind = {**answer.to_dict(), "base_year": 2025}
    assert catchup.gap_label(pd.Series(behind)) == (
        "当前差距（2025年）" if zh else "Gap now (2025)"
    )
    money = pd.Series(
        {"gap": 9000.0, "gap_ratio": 0.9 / 2.9, "chaser_value": 20000.0, "benchmark_value": 29000.0}
    )
    value, note = catchup.gap_figure(money, "万元")
    assert value == ("9,000.0万元" if zh else "90.000 m yuan")
    assert note == ("相当于标杆的 31.0%" if zh else "31.0% of the benchmark")
    table = catchup.answers_table(
        pd.DataFrame(
            [
                {
                    **answer.to_dict(),
                    "benchmark_code": "B",
                    "base_year": 2025,
                    "target_year": 2027,
                    "status": "catches_up",
                    "crossing_period": 2026.0,
                    "required_form": "change",
                    "required_change": 0.9,
                    "probability": 0.6,
                    "probability_note": "",
                }
            ]
        ),
        {"B": "东城街道"},
        "%",
        model="linear",
    )
    assert table.iloc[0, 1] == ("11.0个百分点" if zh else "11.0 pp")


def test_the_import_preview_reads_periods_in_english_too(demo_db: Path, monkeypatch) -> None:
    """The English preview names a year-to-date figure from January and a single month
    alone, as the English pages do, not by the stored key (2024-06)."""
    at = _page(demo_db, monkeypatch, "pages/upload.py")
    at.button_group(key="lang").set_value("en").run()
    at.get("file_uploader")[0].upload("report.xlsx", sheets.report_xlsx()).run()
    assert not at.exception
    (changes,) = [d.value for d in at.dataframe if {"Old", "New"} <= set(d.value.columns)]
    assert set(changes["Period"]) <= {"Jan-Jun 2024", "Jan-Jun 2023", "2024"}
    assert "Jan-Jun 2024" in set(changes["Period"])
    # figures as stored, read in English: 41,300.5万元 is 413.005 m yuan, to its last digit
    figures = changes["New"].tolist()
    assert "413.005 m yuan" in figures, figures
    assert not any("元" in str(f) for f in [*figures, *changes["Old"]]), figures


def test_a_note_about_a_whole_sheet_leaves_its_row_and_cell_blank(
    demo_db: Path, monkeypatch
) -> None:
    """The findings table names the row and cell of a finding about one cell, and leaves
    them blank (not "None") for a note about the whole sheet."""
    at = _page(demo_db, monkeypatch, "pages/upload.py")
    rows = "单位,指标,期间,数值\n东城街道,固定资产投资,2026-09,1.5\n东城街道,固定资产投资,2026-10,2810.5\n"
    at.get("file_uploader")[0].upload("月报.csv", rows.encode()).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "行" in d.value.columns)
    note = table[table["说明"].str.contains("累计数处理")]
    jump = table[table["说明"].str.contains("倍")]
    assert len(note) == 1 and len(jump) >= 1
    assert note[["行", "列", "单元格内容"]].iloc[0].tolist() == ["", "", ""]
    assert jump["行"].iloc[0] in {"2", "3"} and jump["列"].iloc[0] == "D"
    assert not table.isna().any().any()


def test_the_findings_table_puts_the_message_beside_its_kind(demo_db: Path, monkeypatch) -> None:
    """A phone shows a table's first few columns: what is wrong comes right after whether
    it is an error, a warning or a note, before where it is."""
    at = _page(demo_db, monkeypatch, "pages/upload.py")
    rows = "单位,指标,期间,数值\n东城街道,固定资产投资,2026-09,1.5\n东城街道,固定资产投资,2026-10,2810.5\n"
    at.get("file_uploader")[0].upload("月报.csv", rows.encode()).run()
    table = next(d.value for d in at.dataframe if "行" in d.value.columns)
    assert list(table.columns) == ["类别", "说明", "工作表", "行", "列", "单元格内容"]


@pytest.mark.parametrize(("by", "label"), [("completion", "完成率"), ("growth", "同比增长")])
def test_the_rankings_table_puts_the_ranked_figure_beside_the_unit(
    demo_db: Path, monkeypatch, by: str, label: str
) -> None:
    """A narrow screen shows the first few columns: the figure that decides the places
    comes right after the unit's name, and the places follow it."""
    at = _page(demo_db, monkeypatch, "pages/rankings.py")
    at.segmented_control(key="rank_by").set_value(by).run()
    assert not at.exception, at.exception
    (table,) = [d.value for d in at.dataframe if "名次" in d.value.columns]
    assert list(table.columns[:4]) == ["名次", "进位", "单位", label]
    ranked = table.loc[table["名次"].astype(str).str.fullmatch(r"\d+"), label]
    numbers = ranked.str.rstrip("%").str.replace("+", "", regex=False).astype(float)
    assert len(numbers) >= 15 and numbers.is_monotonic_decreasing  # best first


@pytest.mark.parametrize(
    ("language", "place", "move", "unit"),
    [("zh", "名次", "进位", "单位"), ("en", "Rank", "Move", "Unit")],
)
def test_the_rankings_table_keeps_place_and_unit_in_view(
    demo_db: Path, monkeypatch, language: str, place: str, move: str, unit: str
) -> None:
    """Beside the chart the table has half the page: at 1440 px the English table hid its
    target, growth and last place behind a sideways scroll, the Chinese one its last
    column. The place and the unit stay pinned at the left, the unit wide enough for its
    longest name, and the place and its move take no more room than they need."""
    at = _page(demo_db, monkeypatch, "pages/rankings.py", language)
    assert not at.exception, at.exception
    (table,) = [d for d in at.dataframe if place in d.value.columns]
    columns = json.loads(table.proto.columns)
    assert columns[place]["pinned"] is True and columns[unit]["pinned"] is True
    assert columns[place]["width"] <= 56 and columns[move]["width"] <= 56
    longest = max(table.value[unit], key=len)
    wide = sum(1 for c in longest if "\u4e00" <= c <= "\u9fff")
    assert columns[unit]["width"] >= 14 * wide + 7 * (len(longest) - wide) + 16, longest


def test_the_composite_table_keeps_the_unit_in_view(demo_db: Path, monkeypatch) -> None:
    """The composite tab's table beside its chart: the unit stays pinned, as in the
    single-indicator table."""
    at = open_tab(_page(demo_db, monkeypatch, "pages/rankings.py"), "rank_tab", "综合排名")
    assert not at.exception, at.exception
    (table,) = [d for d in at.dataframe if "综合得分" in d.value.columns]
    columns = json.loads(table.proto.columns)
    assert columns["单位"]["pinned"] is True and columns["名次"]["pinned"] is True
    longest = max(table.value["单位"], key=len)
    assert columns["单位"]["width"] >= 14 * len(longest) + 16, longest


def test_the_findings_list_errors_first(demo_db: Path, monkeypatch) -> None:
    """A hidden row (a warning, found as the sheet is read) and a single month that cannot
    be summed (an error, found later): the error is listed first, then the warning, then
    the notes, each kind in the order found."""
    rows = [
        ["单位", "指标", "期间", "数值", "累计"],
        ["东城街道", "固定资产投资", "2026-10", 71131.2, "否"],
        ["西城街道", "固定资产投资", "2026-10", 568505.1, "是"],
    ]
    data = sheets.styled_xlsx(rows, hidden_rows=[3])
    at = _page(demo_db, monkeypatch, "pages/upload.py")
    at.get("file_uploader")[0].upload("h.xlsx", data).run()
    assert not at.exception
    found = next(d.value for d in at.dataframe if "说明" in d.value.columns)
    kinds = found["类别"].tolist()
    assert kinds[0] == "错误" and "是按月份填报的当月数" in found["说明"].iloc[0]
    assert "警告" in kinds
    assert kinds == sorted(kinds, key=["错误", "警告", "说明"].index)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_first_findings_are_spelled_out_whole_above_the_table(
    demo_db: Path, monkeypatch, language: str
) -> None:
    """A finding's message is longer than the table's cell, which cut it at 1440 px: the
    first errors are written out whole in the error box, each with its sheet, row, column
    and cell as typed (markdown in a cell shows as typed), and the box counts the rest
    the table holds."""
    rows = "单位,指标,期间,数值\n" + "".join(
        f"东城街道,固定资产投资,2026-{m:02d},{cell}\n"
        for m, cell in enumerate(["**12**x", "<b>1</b>", "a", "b", "c", "d", "e"], start=1)
    )
    at = _page(demo_db, monkeypatch, "pages/upload.py", language)
    at.get("file_uploader")[0].upload("月报.csv", rows.encode()).run()
    assert not at.exception, at.exception
    (box,) = [e.value for e in at.error]
    if language == "zh":
        first, second = "工作表“月报” 第2行 D列：“**12**x”不是数字", "第3行 D列：“<b>1</b>”不是数字"
        assert box.startswith("7 个错误") and "另有 2 个错误" in box
    else:
        first = "sheet '月报', row 2, column D: '**12**x' is not a number"
        second = "row 3, column D: '<b>1</b>' is not a number"
        assert box.startswith("7 errors") and "2 more errors" in box
    # escaped for markdown: the cell's stars and tags show as typed
    assert fmt.md(first) in box and fmt.md(second) in box
    assert "**12**" not in box and "<b>" not in box
    assert box.count("\n- ") == 5  # the first five, each on its own line


def test_a_refused_file_s_preview_says_nothing_is_imported_yet(demo_db: Path, monkeypatch) -> None:
    """A file with an error: its preview of changes says they happen only once the
    errors are fixed, and the import button stays off; a file without one says nothing
    of the kind."""
    rows = [
        ["单位", "指标", "期间", "数值", "累计"],
        ["东城街道", "固定资产投资", "2026-10", 71131.2, "否"],
        ["西城街道", "固定资产投资", "2026-10", 568505.1, "是"],
    ]
    at = _page(demo_db, monkeypatch, "pages/upload.py")
    at.get("file_uploader")[0].upload("e.xlsx", sheets.styled_xlsx(rows)).run()
    assert not at.exception
    said = [c.value for c in at.caption if "改正上述错误后" in c.value]
    assert said == ["改正上述错误后，导入将作以下变化；现在不会写入任何数据。"]
    assert at.button(key="up_commit").disabled
    fine = [rows[0], rows[2]]
    at = _page(demo_db, monkeypatch, "pages/upload.py")
    at.get("file_uploader")[0].upload("f.xlsx", sheets.styled_xlsx(fine)).run()
    assert not [c for c in at.caption if "改正上述错误后" in c.value]
    assert not at.button(key="up_commit").disabled


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_band_checked_a_few_times_is_not_given_a_coverage(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A calibrated band checked twice, both times held, reads as too few checks to tell,
    not as "100 %": a band that holds 80 % holds both of two checks 64 % of the time. From
    :data:`MIN_COVERAGE_CHECKS` checks its share is given with the count."""
    from bxgc_metrics.metrics.backtest import SKILL_COLUMNS
    from bxgc_ui import i18n
    from bxgc_ui.views import catchup

    monkeypatch.setattr(i18n, "lang", lambda: language)
    monkeypatch.setattr(catchup, "lang", lambda: language)
    row = {"forecasts": 9, "mape": 0.05, "mae": 3.0, "scale": "log", "model_coverage": float("nan")}
    table = pd.DataFrame(
        [
            {**row, "model": "linear", "error": 0.05, "coverage": 1.0, "checked": 2},
            {**row, "model": "naive", "error": 0.07, "coverage": 0.8, "checked": 25},
        ],
        columns=SKILL_COLUMNS,
    )
    heading = "校准后80%区间覆盖" if language == "zh" else "Calibrated 80% band held"
    few, enough = catchup.skill_table(table, "万元")[heading]
    assert "100" not in few and "2" in few
    assert few == ("仅2次，无从判断" if language == "zh" else "only 2: too few to tell")
    assert enough == ("80%（25次）" if language == "zh" else "80% of 25")
    best = catchup.best_model_text(table, "万元")
    assert "100" not in best
    if language == "zh":
        assert "校准后80%区间仅检验2次，无从判断覆盖率" in best
    else:
        assert "checked only 2 times, too few to tell how it holds" in best
    at_least = table.assign(checked=[MIN_COVERAGE_CHECKS, 25])
    assert "100%" in catchup.skill_table(at_least, "万元")[heading].iloc[0]
    assert "100%" in catchup.best_model_text(at_least, "万元")


def test_an_english_ranking_names_its_basis_in_lower_case_mid_sentence(
    demo_db: Path, monkeypatch
) -> None:
    """The basis reads as a button's label ("Completion") and as a word inside the chart's
    title ("…: ranking by completion"); "YoY growth" keeps its capitals in both."""

    def title(by: str) -> str:
        at = _page(demo_db, monkeypatch, "pages/rankings.py")
        at.button_group(key="rank_by").set_value(by).run()
        at.button_group(key="lang").set_value("en").run()
        shown = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]
        return shown.replace(TITLE_BREAK, "")  # the title on as many lines as a chart needs

    assert title("completion").endswith("ranking by completion")
    assert title("growth").endswith("ranking by YoY growth")
