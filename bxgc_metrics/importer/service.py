"""The import pipeline the page and the command line share, and the importer's one
public entry: the UI reaches the importer only through this module (and
:mod:`~bxgc_metrics.importer.issues`).

:func:`analyse` follows an uploaded file's bytes top to bottom:

1. :func:`~bxgc_metrics.importer.reading.read_file` — bytes to sheets of raw cells;
2. :func:`~bxgc_metrics.importer.layouts.parse_sheet` — each sheet's layout recognised and
   its figures read into records;
3. :mod:`~bxgc_metrics.importer.naming` — names and codes matched to units and indicators,
   measures chosen from unit lines;
4. :mod:`~bxgc_metrics.importer.checking` — the rules, units of measure converted;
5. the store's preview of what would change — without writing anything.

:func:`commit` writes a clean plan as one atomic batch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from bxgc_metrics._columnar import empty_frame
from bxgc_metrics.errors import ValidationError
from bxgc_metrics.importer import issues, unit_line, validate
from bxgc_metrics.importer.checking import checked_figures, store_columns
from bxgc_metrics.importer.issues import ERROR, INFO, WARNING, Issue, ReadError, issues_frame
from bxgc_metrics.importer.layouts import CHECK_COLUMNS, RECORD_COLUMNS, ParsedSheet, parse_sheet
from bxgc_metrics.importer.matching import EXACT, PROFILE, match_names
from bxgc_metrics.importer.naming import (
    Where,
    attach,
    given_codes,
    given_measures,
    named,
    stored_measures,
    unresolved,
    without_unit,
)
from bxgc_metrics.importer.reading import UPLOAD_LIMIT_MB, Limits, Sheet, read_file
from bxgc_metrics.importer.templates import long_template, wide_template
from bxgc_metrics.store import BatchResult, PreparedObservations, Store

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class SheetSummary:
    """How one sheet was read."""

    name: str
    """Sheet name."""
    layout: str
    """``long``, ``wide``, ``report`` or ``unknown``."""
    figures: int
    """Figures read (missing cells excluded)."""


@dataclass(frozen=True)
class ImportPlan:
    """Everything :func:`analyse` found; :func:`commit` writes it."""

    file_name: str
    """The uploaded file's name."""
    sha256: str
    """Hash of the file's bytes."""
    sheets: tuple[SheetSummary, ...]
    """One summary per sheet read."""
    observations: pd.DataFrame
    """Figures to write: the store's observation columns plus ``sheet, row, column, raw``."""
    preview: pd.DataFrame
    """``observations`` with ``old_value`` and ``status`` (new / changed / unchanged)."""
    issues: tuple[Issue, ...]
    """Errors, warnings and notes."""
    unit_matches: pd.DataFrame
    """How each unit name was matched (:data:`~bxgc_metrics.importer.matching.MATCH_COLUMNS`)."""
    indicator_matches: pd.DataFrame
    """How each indicator name was matched."""
    new_units: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Units to create (with ``create_missing``)."""
    new_indicators: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Indicators to create (with ``create_missing``)."""
    same_file_batch: int | None = None
    """A committed batch that came from a file with the same hash."""
    prepared: PreparedObservations | None = field(default=None, repr=False, compare=False)
    """``observations`` as the store checked them for the preview; :func:`commit` writes
    these rows (the store compares them with what is stored again as it writes)."""
    measure_choices: pd.DataFrame = field(
        default_factory=lambda: empty_frame(unit_line.CHOICE_COLUMNS)
    )
    """The measure each indicator took from a unit line that names several
    (:data:`~bxgc_metrics.importer.unit_line.CHOICE_COLUMNS`); ``measure`` is missing
    where the analyst must pick one (pass it to :func:`analyse` as ``measures``)."""

    @property
    def errors(self) -> list[Issue]:
        """Blocking issues."""
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        """Issues shown but allowed."""
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def can_commit(self) -> bool:
        """True when there are figures and no errors."""
        return not self.errors and not self.observations.empty

    def counts(self) -> dict[str, int]:
        """``new``, ``changed`` and ``unchanged`` figures."""
        status = self.preview["status"] if "status" in self.preview else pd.Series(dtype=str)
        return {k: int((status == k).sum()) for k in ("new", "changed", "unchanged")}

    def mapping(self) -> dict[str, dict[str, str]]:
        """The confirmed name → code mapping, to save as an import profile."""

        def pairs(frame: pd.DataFrame) -> dict[str, str]:
            done = frame[frame["code"].notna()]
            return dict(zip(done["name"], done["code"], strict=True))

        return {"units": pairs(self.unit_matches), "indicators": pairs(self.indicator_matches)}


_HASHING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bxgc-hash")
"""Where a file's SHA-256 is worked out while it is read: hashlib lets go of the
interpreter for large inputs, so a 56 MB file's 50 ms run on the other core."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def analyse(
    data: bytes,
    file_name: str,
    store: Store,
    *,
    sheet: str | None = None,
    profile: str | dict | None = None,
    mapping: dict[str, dict[str, str]] | None = None,
    measures: dict[str, str] | None = None,
    create_missing: bool = False,
    today: dt.date | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Read, match, validate and preview a file; nothing is written.

    ``profile`` is a saved profile's name (or its mapping); ``mapping`` adds confirmed
    matches on top (name as written → code, under ``units`` and ``indicators``).
    ``measures`` picks the measure of indicators whose sheet's unit line names several
    (indicator name as written → measure, e.g. ``{"地方一般公共预算收入": "亿元"}``); the
    plan's :attr:`ImportPlan.measure_choices` lists those still open.
    """
    report = progress or (lambda _share, _what: None)
    hashing = _HASHING.submit(_sha256, data)  # beside the reading and parsing
    report(0.05, "reading")
    try:
        sheets = read_file(data, file_name, limits)
    except ValidationError as exc:
        return _failed_plan(file_name, hashing.result(), _read_issue(exc, file_name))
    hidden = [issues.SHEET_HIDDEN.at(s.name) for s in sheets if s.hidden]
    sheets = [s for s in sheets if not s.hidden]
    if sheet is not None:
        sheets = [s for s in sheets if s.name == sheet]
        if not sheets:
            missing = issues.NO_SUCH_SHEET.at(sheet, name=sheet)
            return _failed_plan(file_name, hashing.result(), missing)
    report(0.3, "parsing")
    parsed = [parse_sheet(s) for s in sheets]
    found = _sheet_issues(parsed) + hidden
    records = _own_texts(_concat([p.records for p in parsed], RECORD_COLUMNS), sheets)
    missing = records["missing"].to_numpy(dtype=bool)
    figures = records[~missing] if missing.any() else records
    found += validate.missing_markers(records[missing]) if missing.any() else []
    summaries = tuple(
        SheetSummary(p.sheet, p.layout, int((~p.records["missing"]).sum())) for p in parsed
    )
    if figures.empty and not any(i.severity == ERROR for i in found):
        found.append(issues.NO_FIGURES.at(file_name))
    report(0.5, "matching")
    with store.reading():
        return _analyse_sheets(
            store,
            _Read(file_name, hashing.result(), parsed, figures, summaries, found),
            profile=profile,
            mapping=mapping,
            create_missing=create_missing,
            today=today,
            report=report,
            measures=measures or {},
        )


def _own_texts(records: pd.DataFrame, sheets: list[Sheet]) -> pd.DataFrame:
    """``records`` with the cells that are not numbers quoted as the file has them (only
    trimmed): their normalised text may read as a number (``500①`` as ``5001``), and a
    message must name what the reader typed."""
    invalid = records["invalid"].to_numpy(dtype=bool)
    if not invalid.any():
        return records
    raw = records["raw"].astype(object).to_numpy(copy=True)
    at = np.flatnonzero(invalid)
    names = records["sheet"].to_numpy(dtype=object)[at]
    for sheet in sheets:
        mine = at[names == sheet.name]
        if not len(mine):
            continue
        letters = {sheet.column_letter(j): j for j in range(sheet.cells.shape[1])}
        rows = records["row"].to_numpy()[mine] - sheet.first_row
        columns = [letters.get(str(c), -1) for c in records["column"].to_numpy()[mine]]
        for i, row, column in zip(mine, rows, columns, strict=True):
            if 0 <= row < len(sheet.cells) and column >= 0:
                cell = sheet.cells.iat[int(row), column]
                if isinstance(cell, str):
                    raw[i] = cell.strip()
    return records.assign(raw=raw)


@dataclass(frozen=True)
class _Read:
    """What :func:`analyse` read from the file before it looks at the store."""

    file_name: str
    """The uploaded file's name."""
    sha: str
    """Hash of the file's bytes."""
    parsed: list[ParsedSheet]
    """Every sheet read."""
    figures: pd.DataFrame
    """Their figures (missing cells left out)."""
    summaries: tuple[SheetSummary, ...]
    """How each sheet was read."""
    issues: list[Issue]
    """What reading found."""


def _analyse_sheets(
    store: Store,
    read: _Read,
    *,
    profile: str | dict | None,
    mapping: dict[str, dict[str, str]] | None,
    create_missing: bool,
    today: dt.date | None,
    report: Progress,
    measures: dict[str, str],
) -> ImportPlan:
    """:func:`analyse` from matching on, on one connection to the store."""
    parsed, figures, found = read.parsed, read.figures, list(read.issues)
    confirmed = _confirmed(store, profile, mapping)
    units, indicators = store.units(), store.indicators()
    given = {what: given_codes(figures, what) for what in ("unit", "indicator")}
    unit_m = match_names(named(figures, "unit", given), units, confirmed.get("units"))
    ind_m = match_names(named(figures, "indicator", given), indicators, confirmed.get("indicators"))
    lines = {p.sheet: p.unit_line for p in parsed if p.unit_line is not None}
    known = given_measures(figures, given["indicator"], indicators)
    known |= stored_measures(ind_m, indicators, create_missing)
    figures, choices, more = unit_line.decide(figures, lines, known, picked=measures)
    found += more
    where = Where(
        figures,
        given,
        {p.sheet: p.field_columns for p in parsed},
        {p.sheet: p.field_cells for p in parsed},
    )
    reference = {"unit": units, "indicator": indicators}
    new_units, new_inds, more = unresolved(
        unit_m, ind_m, where, reference=reference, create=create_missing
    )
    found += more
    all_inds = pd.concat([indicators, new_inds], ignore_index=True) if len(new_inds) else indicators
    mapped = attach(figures, unit_m, ind_m, given=given, indicators=all_inds)
    open_ = unit_line.undecided(mapped)
    mapped = mapped[~open_] if open_.any() else mapped  # asked about: not checked yet
    report(0.65, "validating")
    # The store's preview of the checked figures is read while the checks that compare
    # them with stored figures run.
    previewing: list[Future[PreparedObservations]] = []

    def settled(figures: pd.DataFrame) -> None:
        if not figures.empty:
            previewing.append(store.alongside(partial(store.prepare_observations, figures)))

    totals = _concat([p.totals for p in parsed], RECORD_COLUMNS)
    # a 合计 row counts every unit of its sheet, known or not
    unmatched = without_unit(figures, unit_m, given=given["unit"]) if len(totals) else None
    try:
        figures_ok, more = checked_figures(
            mapped,
            store,
            checks=_concat([p.checks for p in parsed], CHECK_COLUMNS),
            totals=totals,
            unit_m=unit_m,
            ind_m=ind_m,
            today=today,
            lines=lines,
            settled=settled,
            unmatched=unmatched,
        )
    finally:  # the preview reads on the connection this analysis holds: done before it closes
        wait(previewing)
    found += more
    report(0.85, "preview")
    prepared = previewing[0].result() if previewing else None
    # the store gave the key columns as text already: they are not looked up twice
    observations = store_columns(figures_ok, prepared.frame if prepared is not None else None)
    preview = prepared.preview if prepared is not None else pd.DataFrame()
    report(1.0, "done")
    return ImportPlan(
        read.file_name,
        read.sha,
        read.summaries,
        observations,
        preview,
        tuple(found),
        unit_m,
        ind_m,
        new_units,
        new_inds,
        store.batch_with_sha256(read.sha),
        prepared,
        choices,
    )


def commit(
    plan: ImportPlan, store: Store, *, who: str | None = None, profile_name: str | None = None
) -> BatchResult:
    """Write a plan without errors as one batch; optionally save its mapping as a profile."""
    if plan.errors:
        first = plan.errors[0]
        shown = issues.Text(first.text("zh"), first.text("en"))
        raise issues.NOT_WRITTEN.error(count=len(plan.errors), first=shown)
    result = store.write_observations(
        plan.prepared if plan.prepared is not None else plan.observations,
        file_name=plan.file_name,
        who=who,
        sha256=plan.sha256,
        new_units=plan.new_units,
        new_indicators=plan.new_indicators,
    )
    if profile_name:
        store.save_profile(profile_name, plan.mapping())
    return result


# --- steps --------------------------------------------------------------------------------


def _failed_plan(file_name: str, sha: str, found: Issue) -> ImportPlan:
    empty = pd.DataFrame()
    return ImportPlan(file_name, sha, (), empty, empty, (found,), empty, empty)


def _read_issue(exc: ValidationError, file_name: str) -> Issue:
    """The file refused while reading, where in it as far as the reader could tell."""
    if isinstance(exc, ReadError):
        return exc.issue(file_name)
    return issues.UNREADABLE.at(file_name, reason=issues.Text(exc.zh, exc.en))


_FLAGS = ("missing", "invalid")
"""The boolean record columns (an empty frame of records has them as booleans)."""


def _concat(frames: list[pd.DataFrame], columns: tuple[str, ...]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return empty_frame(columns, flags=_FLAGS)
    if len(frames) == 1 and isinstance(frames[0].index, pd.RangeIndex):
        return frames[0].reset_index(drop=True)
    return pd.concat(frames, ignore_index=True)


def _sheet_issues(parsed: list[ParsedSheet]) -> list[Issue]:
    """A sheet without figures (instructions, notes) is skipped when another sheet has some."""
    useful = [p for p in parsed if _figures(p)]
    found: list[Issue] = []
    for p in parsed:
        if useful and not _figures(p):
            found += [
                issues.SHEET_SKIPPED.at(p.sheet, i.row, i.column, value=i.value, reason=i.message)
                for i in p.issues
                if i.severity == ERROR
            ] or [issues.SHEET_WITHOUT_FIGURES.at(p.sheet)]
        else:
            found += list(p.issues)
    return found


def _figures(parsed: ParsedSheet) -> int:
    return int((~parsed.records["missing"].astype(bool)).sum()) if len(parsed.records) else 0


def _confirmed(
    store: Store, profile: str | dict | None, mapping: dict[str, dict[str, str]] | None
) -> dict[str, dict[str, str]]:
    saved = store.profile(profile) if isinstance(profile, str) else (profile or {})
    if isinstance(profile, str) and saved is None:
        raise issues.NO_PROFILE.error(profile=profile)
    out = {k: dict((saved or {}).get(k, {})) for k in ("units", "indicators")}
    for k in out:
        out[k].update((mapping or {}).get(k, {}))
    return out


__all__ = [
    "EXACT",
    "INFO",
    "PROFILE",
    "UPLOAD_LIMIT_MB",
    "ImportPlan",
    "Issue",
    "Limits",
    "SheetSummary",
    "analyse",
    "commit",
    "issues_frame",
    "long_template",
    "wide_template",
]
