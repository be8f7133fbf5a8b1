"""The upload page (数据上传): a remembered analysis, the match editor, the tables."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import partial

import pandas as pd
import streamlit as st

from bxgc_metrics import clock
from bxgc_metrics.errors import PermissionDeniedError
from bxgc_metrics.importer.service import (
    EXACT,
    PROFILE,
    ImportPlan,
    Issue,
    analyse,
    issues_frame,
    long_template,
    wide_template,
)
from bxgc_metrics.measures import english_figure
from bxgc_metrics.periods import readings
from bxgc_metrics.store import UndoPreview
from bxgc_metrics.tables.standings import peer_groups
from bxgc_ui import auth, data, fmt, widgets
from bxgc_ui.i18n import Texts, counted, keyed, lang, listed, name
from bxgc_ui.views import settings as settings_view

TEXTS: dict[str, tuple[str, str]] = {
    "up_title": ("数据上传", "Upload data"),
    "up_tab_import": ("导入报表", "Import a file"),
    "up_tab_history": ("导入记录与撤销", "History and undo"),
    "up_tab_templates": ("模板下载", "Templates"),
    "up_purpose": (
        "分析员在此导入各部门的月度报表：上传文件后，依次识别版式、对应名称、校验、预览变化，"
        "确认后才写入数据库；写入的每一批都可在“导入记录与撤销”中撤销。",
        "Analysts import the departments' monthly report sheets here: upload a file, and "
        "its layout is recognised, names matched, figures checked and the changes previewed "
        "before anything is written; each batch can be undone under History and undo.",
    ),
    "up_file": (
        "选择文件（xlsx、xlsm、xls、csv、tsv）",
        "Choose a file (xlsx, xlsm, xls, csv, tsv)",
    ),
    "up_step_detect": ("① 识别结果", "① What was recognised"),
    "up_step_map": ("② 名称对应", "② Match names"),
    "up_step_check": ("③ 校验", "③ Checks"),
    "up_step_preview": ("④ 预览变化", "④ Preview the effect"),
    "up_step_commit": ("⑤ 确认导入", "⑤ Commit"),
    "up_sheet": ("工作表", "Sheet"),
    "up_layout": ("版式", "Layout"),
    "layout_long": ("长表（每行一个数据）", "Long (one figure per row)"),
    "layout_wide": ("宽表（每列一个时期）", "Wide (one column per period)"),
    "layout_report": ("统计报表（多级表头）", "Report sheet (merged headers)"),
    "layout_unknown": ("无法识别", "Not recognised"),
    "up_figures": ("数据个数", "Figures"),
    "up_profile": (
        "导入方案（记住上次的名称对应）",
        "Import profile (remembers confirmed matches)",
    ),
    "up_no_profile": ("不使用", "None"),
    "up_create_missing": ("未知的单位、指标按新建处理", "Create unknown units and indicators"),
    "up_confirm_matches": ("确认以上对应", "Confirm these matches"),
    "up_in_file": ("文件中的名称", "Name in the file"),
    "up_not_mapped": ("（不对应，按未知处理）", "(no match: treat as unknown)"),
    "up_all_matched": ("所有名称都已对应。", "Every name is matched."),
    "up_new_codes": (
        "本次导入将新建 {units}、{indicators}（见下表）。请核对名称，并为新单位选择"
        "类别和组别：分组排名按组别进行。撤销本批次时，这些单位和指标一并删除。",
        "This import creates {units} and {indicators} (below). Check the "
        "names and give each new unit its kind and peer group: group rankings go by peer "
        "group. Undoing the batch deletes them again.",
    ),
    "up_measure_help": (
        "单位行列出了多个计量单位，以下指标无法自动判断用哪一个，请选择：",
        "The unit line names several measures and these indicators could not be told "
        "apart; pick the measure of each:",
    ),
    "up_measure_of": (
        "“{name}”的计量单位（工作表“{sheet}”，{columns}列）",
        "Measure of '{name}' (sheet '{sheet}': {columns})",
    ),
    "up_measure_pick": ("（请选择）", "(pick one)"),
    "up_confirm_measures": ("确认计量单位", "Confirm these measures"),
    "up_errors": (
        "{n} 个错误：改正后才能导入，数据库未作任何改动。",
        "{n} errors: fix them to import; nothing was written.",
    ),
    "up_preview_refused": (
        "改正上述错误后，导入将作以下变化；现在不会写入任何数据。",
        "Once the errors above are fixed, the import would make these changes; nothing "
        "is written now.",
    ),
    "up_warnings": (
        "{n} 个警告：可以导入，请核对。",
        "{n} warnings: the import is allowed; please check.",
    ),
    "up_more_in_table": ("另有 {n}，见下表。", "{n} in the table below."),
    "up_no_issues": ("未发现问题。", "No problems found."),
    "up_col_severity": ("类别", "Kind"),
    "up_col_sheet": ("工作表", "Sheet"),
    "up_col_row": ("行", "Row"),
    "up_col_column": ("列", "Column"),
    "up_col_value": ("单元格内容", "Cell"),
    "up_col_message": ("说明", "Message"),
    "sev_error": ("错误", "error"),
    "sev_warning": ("警告", "warning"),
    "sev_info": ("说明", "note"),
    "up_new": ("新增", "New"),
    "up_changed": ("修改", "Changed"),
    "up_rows_shown": (
        "仅显示前 {n} 条（共 {total} 条），完整清单请下载。",
        "Showing the first {n} of {total}; download the full list.",
    ),
    "up_issues_export": ("下载全部问题（CSV）", "Download every issue (CSV)"),
    "up_changes_export": ("下载全部变化（CSV）", "Download every change (CSV)"),
    "up_unchanged": ("未变", "Unchanged"),
    "up_same_file": (
        "同一文件已于批次 {batch} 导入过。",
        "The same file was imported as batch {batch}.",
    ),
    "up_old": ("原值", "Old"),
    "up_new_value": ("新值", "New"),
    "up_period": ("时期", "Period"),
    "up_kind": ("类型", "Kind"),
    "up_save_profile": ("保存为导入方案（可选）", "Save as an import profile (optional)"),
    "up_commit": ("确认导入", "Import"),
    "up_committed": (
        "已导入，批次 {batch}：新增 {new}，修改 {changed}，未变 {same}。",
        "Imported as batch {batch}: {new} new, {changed} changed, {same} unchanged.",
    ),
    "up_nothing_changed": (
        "数据与库中完全一致，没有产生新批次。",
        "Every figure is already stored; no new batch.",
    ),
    "up_analysing": ("正在读取和校验……", "Reading and checking…"),
    "up_undo_pick": ("要撤销的批次（最新的在前）", "Batch to undo (latest first)"),
    "up_undo": ("撤销该批次…", "Undo this batch…"),
    "up_undo_title": ("确认撤销", "Confirm the undo"),
    "up_undo_batch": (
        "批次 {batch} · {file} · {when} · {who}",
        "Batch {batch} · {file} · {when} · {who}",
    ),
    "up_undo_effect": (
        "撤销批次 {batch} 将删除它新增的 {removed} 条数据，恢复它替换的 {restored} 条原值。",
        "Undoing batch {batch} removes the {removed} figures it added and puts back the "
        "{restored} values it replaced.",
    ),
    "up_undo_codes": (
        "同时删除该批次新建的单位和指标：{names}。",
        "It also deletes the units and indicators the batch created: {names}.",
    ),
    "up_undo_large": (
        "此次撤销将删除 {n} 条数据，无法在本页恢复（可从备份还原）。",
        "This undo deletes {n} figures, which this page cannot bring back (a backup can).",
    ),
    "up_undo_type": ("请输入批次号 {batch} 以确认", "Type the batch number {batch} to confirm"),
    "up_undo_sample": ("示例（现值 → 撤销后）：", "For example (now → after the undo):"),
    "up_undo_removed": ("删除", "removed"),
    "up_undo_blocked": (
        "批次 {batch} 的部分数据已被后来的批次 {later} 改写，请先撤销这些批次。",
        "Values of batch {batch} were replaced by later batches {later}; undo those first.",
    ),
    "up_undo_confirm": ("确认撤销", "Undo it"),
    "up_undo_cancel": ("取消", "Cancel"),
    "up_col_now": ("现值", "Now"),
    "value_kind_actual": ("实际", "actual"),
    "value_kind_target": ("目标", "target"),
    "value_kind_plan": ("计划", "plan"),
    "up_col_after": ("撤销后", "After the undo"),
    "up_undone": (
        "批次 {batch} 已撤销：删除了它新增的 {removed} 条数据，恢复了它替换的 {restored} 条原值。",
        "Batch {batch} undone: the {removed} figures it added are removed and the {restored} "
        "values it replaced are back.",
    ),
    "up_undone_codes": (
        "同时删除了该批次新建的单位和指标：{names}。",
        "The units and indicators it created are deleted too: {names}.",
    ),
    "up_no_batches": ("还没有导入记录。", "No imports yet."),
    "up_col_id": ("批次", "Batch"),
    "up_col_file": ("文件", "File"),
    "up_col_who": ("导入人", "By"),
    "up_col_when": ("时间", "When"),
    "up_col_status": ("状态", "Status"),
    "status_committed": ("已导入", "committed"),
    "status_undone": ("已撤销", "undone"),
    "up_template_long": ("下载长表模板", "Download the long template"),
    "up_template_wide": ("下载宽表模板", "Download the wide template"),
    "up_template_help": (
        "模板含单位、指标下拉列表和中英文填写说明；填好后在“导入报表”中上传。也可以直接上传各部门报来的统计报表。",
        "Templates carry drop-down lists of units and indicators and instructions in Chinese "
        "and English; upload the filled file under 'Import a file'. Report sheets as they "
        "arrive from departments can be uploaded directly too.",
    ),
}

t = Texts(TEXTS)


def plan_for(
    payload: bytes,
    file_name: str,
    sheet: str | None,
    *,
    profile: str | None,
    mapping: dict,
    create: bool,
    measures: dict[str, str],
) -> ImportPlan:
    """Analyse once per file, choice and data version; reruns reuse the result.

    Only for a reader who may import: the page shows no uploader to anyone else, and an
    upload that reached this anyway is not opened.
    """
    if not auth.can("import"):
        raise PermissionDeniedError(
            "只有已登录的分析员可以上传和分析文件；文件未被打开。",
            "Only a signed-in analyst may upload and analyse a file; it was not opened.",
        )
    key = (
        hashlib.sha256(payload).hexdigest(),
        file_name,
        sheet,
        profile,
        repr(sorted((k, sorted(v.items())) for k, v in mapping.items())),
        repr(sorted(measures.items())),
        create,
        data.version(),
    )
    remembered = st.session_state.get("up_plan")
    if remembered and remembered[0] == key:
        return remembered[1]
    bar = st.progress(0.0, text=t("up_analysing"))
    plan = analyse(
        payload,
        file_name,
        data.store(),
        sheet=sheet,
        profile=profile,
        mapping=mapping,
        measures=measures,
        create_missing=create,
        progress=lambda share, _what: _advance(bar, share),
    )
    bar.empty()
    st.session_state["up_plan"] = (key, plan)
    return plan


def _advance(bar: object, share: float) -> None:
    bar.progress(share, text=t("up_analysing"))  # type: ignore[attr-defined]


def sheets_table(plan: ImportPlan) -> pd.DataFrame:
    """One row per sheet: name, layout, figures."""
    return pd.DataFrame(
        {
            t("up_sheet"): [s.name for s in plan.sheets],
            t("up_layout"): [t(f"layout_{s.layout}") for s in plan.sheets],
            t("up_figures"): [s.figures for s in plan.sheets],
        }
    )


def open_matches(matches: pd.DataFrame) -> pd.DataFrame:
    """Names that still need the analyst: near matches and unknown names."""
    if matches.empty:
        return matches
    return matches[~matches["how"].isin([EXACT, PROFILE, "new"])]


def match_choices(matches: pd.DataFrame, reference: pd.DataFrame, kind: str) -> dict[str, str]:
    """A select box per open name (the suggestion preselected), the candidates named in
    the reader's language; returns name → code."""
    language = lang()
    names = {row.code: name(row, language=language) for row in reference.itertuples()}
    options = ["", *names]
    chosen = {}
    for row in open_matches(matches).itertuples():
        default = options.index(row.suggestion) if row.suggestion in names else 0
        code = st.selectbox(
            f"{t('up_in_file')}：{fmt.md(row.name)}",  # a label is markdown: as typed
            options,
            index=default,
            format_func=lambda c: names.get(c, t("up_not_mapped")),
            key=keyed(f"up_map_{kind}_{row.name}"),
        )
        if code:
            chosen[row.name] = code
    return chosen


def open_measures(plan: ImportPlan) -> pd.DataFrame:
    """Indicators whose unit line names several measures and none could be told: one row
    per indicator name, with the sheets, columns and measures to pick from."""
    choices = plan.measure_choices
    asking = choices[choices["measure"].isna()]
    if asking.empty:
        return asking
    return asking.groupby("name", sort=False, as_index=False).agg(
        sheet=("sheet", lambda s: "、".join(dict.fromkeys(s))),
        columns=("columns", lambda c: tuple(dict.fromkeys(x for cols in c for x in cols))),
        options=("options", lambda o: tuple(dict.fromkeys(x for opts in o for x in opts))),
    )


def measure_choices(asking: pd.DataFrame) -> dict[str, str]:
    """A select box per indicator of :func:`open_measures`; returns name → measure."""
    chosen = {}
    for row in asking.itertuples():
        columns = listed(row.columns)
        label = t(  # a label is markdown: the file's names as typed
            "up_measure_of", name=fmt.md(row.name), sheet=fmt.md(row.sheet), columns=fmt.md(columns)
        )
        measure = st.selectbox(
            label,
            ["", *row.options],
            format_func=lambda m: m or t("up_measure_pick"),
            key=keyed(f"up_measure_{row.name}"),
        )
        if measure:
            chosen[row.name] = measure
    return chosen


def templates(
    units: pd.DataFrame, indicators: pd.DataFrame
) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """The long and the wide template workbooks (the wide one with the months of this
    year), each made when its download is clicked: a province's unit list is thousands of
    rows, too many to write into two workbooks on every rerun."""
    year = clock.today().year
    periods = [f"{year}-{m:02d}" for m in range(1, 13)]
    return partial(long_template, units, indicators), partial(
        wide_template, units, indicators, periods
    )


PREVIEW_ROWS = 2_000
"""Rows the issue and change tables show on the page; a million-row file's lists go to a
download instead of the browser."""


def issue_labels() -> dict[str, str]:
    """The issue table's headers, severities and language in the reader's language."""
    keys = {c: f"up_col_{c}" for c in ("severity", "sheet", "row", "column", "value", "message")}
    out = {column: t(key) for column, key in keys.items()}
    out |= {f"sev_{s}": t(f"sev_{s}") for s in ("error", "warning", "info")}
    return out | {"lang": lang()}


SPELLED_OUT = 5
"""Findings of a kind written out whole above the findings table, whose cells cut a long
message."""


def spelled_out(found: Sequence[Issue], noun: tuple[str, str]) -> str:
    """The first :data:`SPELLED_OUT` of ``found`` as a markdown list, each message whole
    with its sheet, row, column and cell, escaped so that a cell's text shows as typed;
    then a paragraph counting the rest (``noun``: the Chinese and English words for one).
    Starts with a blank line: it follows the box's first line."""
    language = lang()
    lines = [f"- {fmt.md(issue.text(language))}" for issue in found[:SPELLED_OUT]]
    rest = len(found) - len(lines)
    shown = "\n\n" + "\n".join(lines)
    if not rest:
        return shown
    zh, en = noun
    more = counted(rest, zh, f"more {en}", language=language)  # 另有 2 个错误; 2 more errors
    return shown + "\n\n" + t("up_more_in_table", n=more)


def issues_table(
    plan: ImportPlan, labels: dict[str, str], limit: int | None = PREVIEW_ROWS
) -> pd.DataFrame:
    """Issues with translated column names (the first ``limit``, errors first, then
    warnings, then notes), as text: a row number
    as written, blank where a note names no sheet, row, column or cell. ``labels`` from
    :func:`issue_labels`, so a download built outside the page run keeps the language."""
    issues = sorted(plan.issues, key=lambda i: _BY_SEVERITY.get(i.severity, len(_BY_SEVERITY)))
    frame = issues_frame(issues if limit is None else issues[:limit], labels["lang"])
    frame["row"] = frame["row"].astype("string")
    frame = frame.fillna("")  # a note about a whole sheet or file names no row or cell
    frame["severity"] = frame["severity"].map(lambda s: labels.get(f"sev_{s}", s))
    # what is wrong beside its kind, before where: a phone shows the first columns
    frame = frame[["severity", "message", *(c for c in frame.columns if c not in _FIRST)]]
    return frame.rename(columns={c: labels[c] for c in frame.columns if c in labels})


_FIRST = ("severity", "message")
_BY_SEVERITY = {"error": 0, "warning": 1, "info": 2}
"""What blocks the import first, then what to check, then notes (each kind as found)."""


def change_columns() -> dict[str, str]:
    """The change table's headers and language in the reader's language."""
    keys = {"unit": "unit", "indicator": "indicator", "period": "up_period", "kind": "up_kind"}
    keys |= {"old": "up_old", "new": "up_new_value"}
    keys |= {f"kind_{k}": f"value_kind_{k}" for k in ("actual", "target", "plan")}
    return {column: t(key) for column, key in keys.items()} | {"lang": lang()}


def new_codes(plan: ImportPlan, units: pd.DataFrame) -> pd.DataFrame:
    """The units and indicators the import creates, listed before anything is written;
    each new unit's kind and peer group can be changed (a guess from the names and the
    stored units to start with). Returns the new units as the analyst left them."""
    if plan.new_units.empty and plan.new_indicators.empty:
        return plan.new_units
    st.info(
        t(
            "up_new_codes",
            units=counted(len(plan.new_units), "个单位", "unit", language=lang()),
            indicators=counted(len(plan.new_indicators), "个指标", "indicator", language=lang()),
        )
    )
    edited = plan.new_units
    if len(plan.new_units):
        shown = plan.new_units.reindex(columns=["code", "name_zh", "kind", "peer_group"])
        columns = settings_view.unit_columns()
        columns["peer_group"] = st.column_config.SelectboxColumn(
            settings_view.t("fld_peer_group"), options=peer_groups(units)
        )
        chosen = widgets.editor(
            st,
            shown,
            hide_index=True,
            disabled=["code", "name_zh"],
            column_config=columns,
            key=f"up_new_units_{plan.sha256[:16]}@{lang()}",
        )
        edited = plan.new_units.assign(
            kind=chosen["kind"].to_numpy(), peer_group=chosen["peer_group"].to_numpy()
        )
    if len(plan.new_indicators):
        listed = plan.new_indicators.reindex(
            columns=["code", "name_zh", "measure", "kind", "frequency"]
        )
        widgets.table(st, listed, hide_index=True, column_config=settings_view.indicator_columns())
    return edited


def changes_count(plan: ImportPlan) -> int:
    """How many figures the import would add or change."""
    counts = plan.counts()
    return int(counts["new"] + counts["changed"])


def changes_table(
    plan: ImportPlan,
    unit_names: dict[str, str],
    indicator_names: dict[str, str],
    *,
    headers: dict[str, str],
    limit: int | None = PREVIEW_ROWS,
    measures: dict[str, str] | None = None,
) -> pd.DataFrame:
    """New and changed figures: unit, indicator, period, kind, old → new (the first
    ``limit``), each figure with its indicator's measure (``measures``: code → measure).
    ``headers`` from :func:`change_columns`, so that a download built later, outside the
    page run, keeps the reader's language."""
    preview = plan.preview
    if preview.empty:
        return preview
    moving = preview[preview["status"] != "unchanged"]
    if limit is not None:
        moving = moving.head(limit)
    units = {**unit_names, **_created(plan.new_units)}
    inds = {**indicator_names, **_created(plan.new_indicators)}
    kinds = {k: headers[f"kind_{k}"] for k in ("actual", "target", "plan")}
    per_figure = [(measures or {}).get(c, "") for c in moving["indicator_code"]]
    return pd.DataFrame(
        {
            headers["unit"]: [units.get(c, c) for c in moving["unit_code"]],
            headers["indicator"]: [inds.get(c, c) for c in moving["indicator_code"]],
            headers["period"]: readings(
                moving["freq"],
                moving["year"],
                moving["sub"],
                cumulative=moving["cumulative"],
                lang=headers["lang"],
            ),
            headers["kind"]: [kinds.get(k, k) for k in moving["value_kind"]],
            headers["old"]: _numbers(moving["old_value"], per_figure, language=headers["lang"]),
            headers["new"]: _numbers(moving["value"], per_figure, language=headers["lang"]),
        }
    )


def _created(rows: pd.DataFrame) -> dict[str, str]:
    """Names of the units or indicators an import creates (code → name)."""
    if rows.empty or "code" not in rows:
        return {}
    return dict(zip(rows["code"], rows["name_zh"], strict=True))


def measures_of(indicators: pd.DataFrame) -> dict[str, str]:
    """Each indicator's measure by code, for the previews' figures."""
    return dict(zip(indicators["code"], indicators["measure"], strict=True))


def _numbers(
    values: pd.Series,
    measures: Sequence[str] | None = None,
    *,
    missing: str = "—",
    language: str = "zh",
) -> list[str]:
    """Figures as stored, in a preview: thousands separated, each followed by its measure
    where ``measures`` (one per figure) names one, ``missing`` where there is none. In
    English the measure is read in English to the stored figure's last digit (41,300.5
    万元 reads 413.005 m yuan: :func:`~bxgc_metrics.measures.english_figure`)."""
    units = measures if measures is not None else [""] * len(values)
    if language == "zh":
        return [
            missing if pd.isna(v) else f"{float(v):,.10g}{m}"
            for v, m in zip(values, units, strict=True)
        ]
    return [
        missing if pd.isna(v) else english_figure(f"{float(v):,.10g}", m)
        for v, m in zip(values, units, strict=True)
    ]


def batches_table(batches: pd.DataFrame) -> pd.DataFrame:
    """The batch history for reading (times in the configured zone)."""
    return pd.DataFrame(
        {
            t("up_col_id"): batches["id"],
            t("up_col_file"): batches["file_name"],
            t("up_col_who"): batches["who"],
            t("up_col_when"): clock.shown(batches["created_at"]),
            t("up_new"): batches["rows_new"],
            t("up_changed"): batches["rows_changed"],
            t("up_col_status"): batches["status"].map(lambda s: t(f"status_{s}")),
        }
    )


def batch_labels(batches: pd.DataFrame) -> dict[int, str]:
    """Each batch as the undo picker names it: id, file, time and who."""
    when = clock.shown(batches["created_at"])
    return {
        int(b.id): t("up_undo_batch", batch=int(b.id), file=b.file_name, when=w, who=b.who)
        for b, w in zip(batches.itertuples(), when, strict=True)
    }


def undo_sample(
    preview: UndoPreview,
    unit_names: dict[str, str],
    indicator_names: dict[str, str],
    *,
    measures: dict[str, str] | None = None,
) -> pd.DataFrame:
    """A few figures the undo changes: unit, indicator, period, now → after, each figure
    as stored with its indicator's measure (``measures``: code → measure)."""
    rows = preview.sample
    per_figure = [(measures or {}).get(c, "") for c in rows["indicator_code"]]
    return pd.DataFrame(
        {
            t("unit"): [unit_names.get(c, c) for c in rows["unit_code"]],
            t("indicator"): [indicator_names.get(c, c) for c in rows["indicator_code"]],
            t("up_period"): readings(
                rows["freq"], rows["year"], rows["sub"], cumulative=rows["cumulative"], lang=lang()
            ),
            t("up_kind"): [t(f"value_kind_{k}") for k in rows["value_kind"]],
            t("up_col_now"): _numbers(rows["value_now"], per_figure, language=lang()),
            t("up_col_after"): _numbers(
                rows["value_after"], per_figure, missing=t("up_undo_removed"), language=lang()
            ),
        }
    )
