"""The upload wizard's pieces: a remembered analysis, the match editor, the tables."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from bxgc_metrics import clock
from bxgc_metrics.errors import PermissionDeniedError
from bxgc_metrics.importer.issues import issues_frame
from bxgc_metrics.importer.matching import EXACT, PROFILE
from bxgc_metrics.importer.service import ImportPlan, analyse
from bxgc_metrics.periods import labels
from bxgc_metrics.store import UndoPreview
from bxgc_ui import auth, data
from bxgc_ui.i18n import lang, t


def plan_for(
    payload: bytes,
    file_name: str,
    sheet: str | None,
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
    """A select box per open name (the suggestion preselected); returns name → code."""
    names = {row.code: row.name_zh for row in reference.itertuples()}
    options = ["", *names]
    chosen = {}
    for row in open_matches(matches).itertuples():
        default = options.index(row.suggestion) if row.suggestion in names else 0
        code = st.selectbox(
            f"{t('up_in_file')}：{row.name}",
            options,
            index=default,
            format_func=lambda c: names.get(c, t("up_not_mapped")),
            key=f"up_map_{kind}_{row.name}",
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
        columns = ("、" if lang() == "zh" else ", ").join(row.columns)
        label = t("up_measure_of", name=row.name, sheet=row.sheet, columns=columns)
        measure = st.selectbox(
            label,
            ["", *row.options],
            format_func=lambda m: m or t("up_measure_pick"),
            key=f"up_measure_{row.name}",
        )
        if measure:
            chosen[row.name] = measure
    return chosen


PREVIEW_ROWS = 2_000
"""Rows the issue and change tables show on the page; a million-row file's lists go to a
download instead of the browser."""


def issue_labels() -> dict[str, str]:
    """The issue table's headers, severities and language in the reader's language."""
    keys = {c: f"up_col_{c}" for c in ("severity", "sheet", "row", "column", "value", "message")}
    out = {column: t(key) for column, key in keys.items()}
    out |= {f"sev_{s}": t(f"sev_{s}") for s in ("error", "warning", "info")}
    return out | {"lang": lang()}


def issues_table(
    plan: ImportPlan, labels: dict[str, str], limit: int | None = PREVIEW_ROWS
) -> pd.DataFrame:
    """Issues with translated column names (the first ``limit``); ``labels`` from
    :func:`issue_labels`, so a download built outside the page run keeps the language."""
    issues = list(plan.issues) if limit is None else list(plan.issues[:limit])
    frame = issues_frame(issues, labels["lang"])
    frame["severity"] = frame["severity"].map(lambda s: labels.get(f"sev_{s}", s))
    return frame.rename(columns={c: labels[c] for c in frame.columns if c in labels})


def change_columns() -> dict[str, str]:
    """The change table's headers in the reader's language."""
    keys = {"unit": "unit", "indicator": "indicator", "period": "up_period", "kind": "up_kind"}
    keys |= {"old": "up_old", "new": "up_new_value"}
    keys |= {f"kind_{k}": f"value_kind_{k}" for k in ("actual", "target", "plan")}
    return {column: t(key) for column, key in keys.items()}


def changes_count(plan: ImportPlan) -> int:
    """How many figures the import would add or change."""
    counts = plan.counts()
    return int(counts["new"] + counts["changed"])


def changes_table(
    plan: ImportPlan,
    unit_names: dict[str, str],
    indicator_names: dict[str, str],
    headers: dict[str, str],
    limit: int | None = PREVIEW_ROWS,
) -> pd.DataFrame:
    """New and changed figures: unit, indicator, period, kind, old → new (the first
    ``limit``). ``headers`` from :func:`change_columns`, so that a download built later,
    outside the page run, keeps the reader's language."""
    preview = plan.preview
    if preview.empty:
        return preview
    moving = preview[preview["status"] != "unchanged"]
    if limit is not None:
        moving = moving.head(limit)
    units = {**unit_names, **_created(plan.new_units)}
    inds = {**indicator_names, **_created(plan.new_indicators)}
    kinds = {k: headers[f"kind_{k}"] for k in ("actual", "target", "plan")}
    return pd.DataFrame(
        {
            headers["unit"]: [units.get(c, c) for c in moving["unit_code"]],
            headers["indicator"]: [inds.get(c, c) for c in moving["indicator_code"]],
            headers["period"]: labels(moving["freq"], moving["year"], moving["sub"]),
            headers["kind"]: [kinds.get(k, k) for k in moving["value_kind"]],
            headers["old"]: _numbers(moving["old_value"]),
            headers["new"]: _numbers(moving["value"]),
        }
    )


def _created(rows: pd.DataFrame) -> dict[str, str]:
    """Names of the units or indicators an import creates (code → name)."""
    if rows.empty or "code" not in rows:
        return {}
    return dict(zip(rows["code"], rows["name_zh"], strict=True))


def _numbers(values: pd.Series) -> list[str]:
    """Figures as read in a preview: thousands separated, "—" where there is none."""
    return ["—" if pd.isna(v) else f"{float(v):,.10g}" for v in values]


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
    preview: UndoPreview, unit_names: dict[str, str], indicator_names: dict[str, str]
) -> pd.DataFrame:
    """A few figures the undo changes: unit, indicator, period, now → after."""
    rows = preview.sample
    return pd.DataFrame(
        {
            t("unit"): [unit_names.get(c, c) for c in rows["unit_code"]],
            t("indicator"): [indicator_names.get(c, c) for c in rows["indicator_code"]],
            t("up_period"): labels(rows["freq"], rows["year"], rows["sub"]),
            t("up_kind"): [t(f"value_kind_{k}") for k in rows["value_kind"]],
            t("up_col_now"): _numbers(rows["value_now"]),
            t("up_col_after"): [
                t("up_undo_removed") if pd.isna(v) else f"{float(v):,.10g}"
                for v in rows["value_after"]
            ],
        }
    )
