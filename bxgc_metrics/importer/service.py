"""The import pipeline the page and the command line share.

:func:`analyse` reads a file, recognises each sheet's layout, matches names to codes,
converts units of measure, validates, and previews the effect against the database —
without writing anything. :func:`commit` writes a clean plan as one atomic batch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bxgc_metrics import clock
from bxgc_metrics.errors import ValidationError
from bxgc_metrics.importer import unit_line, validate
from bxgc_metrics.importer.issues import ERROR, INFO, WARNING, Issue, issue
from bxgc_metrics.importer.layouts import CHECK_COLUMNS, RECORD_COLUMNS, ParsedSheet, parse_sheet
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
from bxgc_metrics.importer.reading import Limits, ReadError, read_file
from bxgc_metrics.store import BatchResult, PreparedObservations, Store, categorical_text

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
        default_factory=lambda: pd.DataFrame(columns=list(unit_line.CHOICE_COLUMNS))
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
    sha = hashlib.sha256(data).hexdigest()
    report(0.05, "reading")
    try:
        sheets = read_file(data, file_name, limits)
    except ValidationError as exc:
        return _failed_plan(file_name, sha, _read_issue(exc, file_name))
    if sheet is not None:
        sheets = [s for s in sheets if s.name == sheet]
        if not sheets:
            return _failed_plan(
                file_name,
                sha,
                issue(
                    ERROR,
                    "no_such_sheet",
                    sheet,
                    f"文件中没有名为“{sheet}”的工作表。",
                    f"The file has no sheet named '{sheet}'.",
                ),
            )
    report(0.3, "parsing")
    parsed = [parse_sheet(s) for s in sheets]
    issues = _sheet_issues(parsed)
    records = _concat([p.records for p in parsed], RECORD_COLUMNS)
    missing = records["missing"].to_numpy(dtype=bool)
    figures = records[~missing] if missing.any() else records
    issues += validate.missing_markers(records[missing]) if missing.any() else []
    summaries = tuple(
        SheetSummary(p.sheet, p.layout, int((~p.records["missing"]).sum())) for p in parsed
    )
    if figures.empty and not any(i.severity == ERROR for i in issues):
        issues.append(
            issue(
                ERROR,
                "no_figures",
                file_name,
                "文件中没有找到任何数据。",
                "No figures found in the file.",
            )
        )
    report(0.5, "matching")
    with store.reading():
        return _analyse_sheets(
            store,
            file_name,
            sha,
            parsed,
            figures,
            summaries,
            issues,
            profile,
            mapping,
            create_missing,
            today,
            report,
            measures=measures or {},
        )


def _analyse_sheets(
    store: Store,
    file_name: str,
    sha: str,
    parsed: list[ParsedSheet],
    figures: pd.DataFrame,
    summaries: tuple[SheetSummary, ...],
    issues: list[Issue],
    profile: str | dict | None,
    mapping: dict[str, dict[str, str]] | None,
    create_missing: bool,
    today: dt.date | None,
    report: Progress,
    *,
    measures: dict[str, str],
) -> ImportPlan:
    """:func:`analyse` from matching on, on one connection to the store."""
    confirmed = _confirmed(store, profile, mapping)
    units, indicators = store.units(), store.indicators()
    given = {what: _given(figures, what) for what in ("unit", "indicator")}
    unit_m = match_names(_named(figures, "unit", given), units, confirmed.get("units"))
    ind_m = match_names(
        _named(figures, "indicator", given), indicators, confirmed.get("indicators")
    )
    lines = {p.sheet: p.unit_line for p in parsed if p.unit_line is not None}
    known = _given_measures(figures, given["indicator"], indicators)
    known |= _stored_measures(ind_m, indicators, create_missing)
    figures, choices, found = unit_line.decide(figures, lines, known, measures)
    issues += found
    where = _Where(figures, given, {p.sheet: p.field_columns for p in parsed})
    reference = {"unit": units, "indicator": indicators}
    new_units, new_inds, found = _unresolved(unit_m, ind_m, where, reference, create_missing)
    issues += found
    all_inds = pd.concat([indicators, new_inds], ignore_index=True) if len(new_inds) else indicators
    mapped = _attach(figures, unit_m, ind_m, given, all_inds)
    open_ = unit_line.undecided(mapped)
    mapped = mapped[~open_] if open_.any() else mapped  # asked about: not checked yet
    report(0.65, "validating")
    checks = _concat([p.checks for p in parsed], CHECK_COLUMNS)
    totals = _concat([p.totals for p in parsed], RECORD_COLUMNS)
    figures_ok, found = _validate(mapped, checks, totals, unit_m, ind_m, store, today, lines)
    issues += found
    report(0.85, "preview")
    prepared = store.prepare_observations(figures_ok) if not figures_ok.empty else None
    # the store gave the key columns as text already: they are not looked up twice
    observations = _store_columns(figures_ok, prepared.frame if prepared is not None else None)
    preview = prepared.preview if prepared is not None else pd.DataFrame()
    report(1.0, "done")
    return ImportPlan(
        file_name,
        sha,
        summaries,
        observations,
        preview,
        tuple(issues),
        unit_m,
        ind_m,
        new_units,
        new_inds,
        store.batch_with_sha256(sha),
        prepared,
        choices,
    )


def commit(
    plan: ImportPlan, store: Store, *, who: str | None = None, profile_name: str | None = None
) -> BatchResult:
    """Write a plan without errors as one batch; optionally save its mapping as a profile."""
    if plan.errors:
        first = plan.errors[0]
        raise ValidationError(
            f"文件有 {len(plan.errors)} 个错误，未写入任何数据。第一个：{first.text('zh')}",
            f"The file has {len(plan.errors)} errors; nothing was written. First: {first.text('en')}",
        )
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
    if not isinstance(exc, ReadError):
        return issue(ERROR, "unreadable", file_name, exc.zh, exc.en)
    sheet = exc.sheet or file_name
    return issue(ERROR, exc.code, sheet, exc.zh, exc.en, exc.row, exc.column, exc.value)


def _concat(frames: list[pd.DataFrame], columns: tuple[str, ...]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns}).assign(
            missing=pd.Series(dtype=bool), invalid=pd.Series(dtype=bool)
        )
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
                issue(
                    WARNING,
                    "sheet_skipped",
                    p.sheet,
                    f"该工作表未导入：{i.zh}",
                    f"Sheet not imported: {i.en}",
                    i.row,
                    i.column,
                    i.value,
                )
                for i in p.issues
                if i.severity == ERROR
            ] or [
                issue(
                    INFO,
                    "sheet_skipped",
                    p.sheet,
                    "该工作表没有数据，未导入。",
                    "The sheet holds no figures and was not imported.",
                )
            ]
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
        raise ValidationError(
            f"没有名为“{profile}”的导入方案。", f"No import profile named '{profile}'."
        )
    out = {k: dict((saved or {}).get(k, {})) for k in ("units", "indicators")}
    for k in out:
        out[k].update((mapping or {}).get(k, {}))
    return out


@dataclass(frozen=True)
class _Where:
    """Where a file names its units and indicators, for the issues that ask about them."""

    figures: pd.DataFrame
    """The file's figures."""
    given: dict[str, np.ndarray | None]
    """The code written beside each figure, by ``unit`` and ``indicator`` (:func:`_given`)."""
    columns: dict[str, dict[str, str]]
    """Each sheet's name and code columns (:attr:`ParsedSheet.field_columns`)."""

    def named(self, what: str) -> pd.DataFrame:
        """The figures whose ``what`` is found by its name (no code written beside it)."""
        codes = self.given[what]
        return self.figures if codes is None else self.figures[pd.isna(codes)]

    def at(self, what: str, figure: pd.Series, field: str, value: object) -> dict:
        """Issue keywords for the cell of ``figure``'s row in the column of ``field``
        (the figure's own column where the sheet does not say)."""
        column = self.columns.get(figure["sheet"], {}).get(field, figure["column"])
        return {"row": int(figure["row"]), "column": column, "value": value}


def _unresolved(
    unit_m: pd.DataFrame,
    ind_m: pd.DataFrame,
    where: _Where,
    reference: dict[str, pd.DataFrame],
    create: bool,
) -> tuple[pd.DataFrame, pd.DataFrame, list[Issue]]:
    """Units and indicators to create (unknown names and codes, with ``create``) and the
    issues of names and codes that are unknown, near, shared or at odds."""
    found: list[Issue] = []
    new: dict[str, list[dict]] = {}
    for what, matches in (("unit", unit_m), ("indicator", ind_m)):
        new[what], issues = _given_codes(what, where, reference[what], create)
        found += issues
        taken = set(reference[what]["code"]) | {row["code"] for row in new[what]}
        open_ = matches[~matches["how"].isin([EXACT, PROFILE])]
        firsts = _first_rows(where.named(what), f"{what}_name") if len(open_) else {}
        for m in open_.itertuples():
            figure = firsts[m.name]
            if create and m.how == UNKNOWN:
                code = _new_code(what, m.name, taken)
                matches.loc[matches["name"] == m.name, ["code", "how"]] = [code, "new"]
                new[what].append(_new_row(what, code, m.name, figure))
                continue
            at = where.at(what, figure, what, m.name)
            found.append(_unknown_issue(what, m, figure["sheet"], at, reference[what]))
    return pd.DataFrame(new["unit"]), pd.DataFrame(new["indicator"]), found


_SHOWN = 50
"""Issues listed per kind of code problem; a file with thousands has one pattern."""


def _given_codes(
    what: str, where: _Where, reference: pd.DataFrame, create: bool
) -> tuple[list[dict], list[Issue]]:
    """Codes written beside names: an unknown code is created (with ``create``) or an
    error; a known one must name what the row's name names."""
    codes = where.given[what]
    if codes is None:
        return [], []
    has = ~pd.isna(codes)
    rows = where.figures.iloc[np.flatnonzero(has)]
    pairs = rows.assign(code=codes[has]).drop_duplicates(["code", f"{what}_name"])
    known = reference.set_index("code")
    new: dict[str, dict] = {}
    found: list[Issue] = []
    for _, figure in pairs.iterrows():
        code, name = figure["code"], figure[f"{what}_name"]
        if code not in known.index:
            if create:
                new.setdefault(code, _new_row(what, code, name or code, figure))
            else:
                found.append(
                    _unknown_code(what, figure, where.at(what, figure, f"{what}_code", code))
                )
        elif not _agrees(name, code, known.loc[code]):
            at = where.at(what, figure, f"{what}_code", code)
            found.append(_code_mismatch(what, figure, known.loc[code, "name_zh"], at))
    return list(new.values()), found[:_SHOWN]


def _agrees(name: object, code: str, stored: pd.Series) -> bool:
    """Whether the name written beside ``code`` is its Chinese or English name, or the
    code itself (or empty), once normalised."""
    if not isinstance(name, str) or not name:
        return True
    names = (stored.get("name_zh"), stored.get("name_en"), code)
    return normalise_name(name) in {normalise_name(n) for n in names if isinstance(n, str)}


def _unknown_code(what: str, figure: pd.Series, at: dict) -> Issue:
    zh_what, en_what = ("单位", "Unit") if what == "unit" else ("指标", "Indicator")
    return issue(
        ERROR,
        f"unknown_{what}_code",
        figure["sheet"],
        f"{zh_what}代码“{at['value']}”不存在：请核对代码；或清空代码按名称对应；"
        f"勾选“未知的单位、指标按新建处理”则以此代码新建该{zh_what}。",
        f"{en_what} code '{at['value']}' is not known: check the code, or leave it empty to "
        f"match by name; with 'Create unknown units and indicators' ticked the "
        f"{en_what.lower()} is created with this code.",
        **at,
    )


def _code_mismatch(what: str, figure: pd.Series, stored: str, at: dict) -> Issue:
    zh_what, en_what = ("单位", "Unit") if what == "unit" else ("指标", "Indicator")
    name = figure[f"{what}_name"]
    return issue(
        ERROR,
        "code_name_mismatch",
        figure["sheet"],
        f"{zh_what}代码“{at['value']}”是“{stored}”，与本行的{zh_what}名称“{name}”不一致：请核对代码或名称。",
        f"{en_what} code '{at['value']}' is '{stored}', not '{name}' as this row names it: "
        "check the code or the name.",
        **at,
    )


def _given(figures: pd.DataFrame, what: str) -> np.ndarray | None:
    """The code written beside each figure's ``what`` (``None`` where a row gives none);
    ``None`` when no row gives one."""
    column = f"{what}_code_given"
    if column not in figures:
        return None
    codes, distinct = pd.factorize(figures[column], use_na_sentinel=False)
    per = np.array([v if isinstance(v, str) and v else None for v in distinct], dtype=object)
    if all(v is None for v in per):
        return None
    return per[codes]


def _named(figures: pd.DataFrame, what: str, given: dict[str, np.ndarray | None]) -> pd.Series:
    """The names to match: those of figures without a code beside them."""
    names = figures[f"{what}_name"]
    codes = given[what]
    return names if codes is None else names[pd.isna(codes)]


def _given_measures(
    figures: pd.DataFrame, codes: np.ndarray | None, indicators: pd.DataFrame
) -> dict[str, str | None]:
    """Indicator name as written → the stored measure of the code written beside it."""
    if codes is None:
        return {}
    has = ~pd.isna(codes)
    names = figures["indicator_name"].to_numpy(dtype=object)[has]
    measure_of = dict(zip(indicators["code"], indicators["measure"], strict=True))
    pairs = dict(zip(names, codes[has], strict=True))
    return {name: _real_measure(measure_of.get(code)) for name, code in pairs.items()}


def _first_rows(figures: pd.DataFrame, column: str) -> dict[str, pd.Series]:
    """The first figure of each name in ``column``, by name (found once for all names)."""
    firsts = figures.drop_duplicates(column)
    return {name: firsts.iloc[i] for i, name in enumerate(firsts[column])}


def _stored_measures(
    ind_m: pd.DataFrame, indicators: pd.DataFrame, create: bool
) -> dict[str, str | None]:
    """Indicator name as written → its stored measure (``None`` for one to be created);
    names still to be confirmed or left unknown are not listed."""
    measure_of = dict(zip(indicators["code"], indicators["measure"], strict=True))
    matched = ind_m[ind_m["how"].isin([EXACT, PROFILE])]
    out = {
        name: _real_measure(measure_of.get(code))
        for name, code in zip(matched["name"], matched["code"], strict=True)
    }
    if create:
        out |= dict.fromkeys(ind_m.loc[ind_m["how"] == UNKNOWN, "name"])
    return out


def _real_measure(measure: object) -> str | None:
    """A stored measure, or ``None`` where none was given (empty or ``—``)."""
    return measure if isinstance(measure, str) and measure not in ("", "—") else None


def _new_code(what: str, name: str, taken: set[str]) -> str:
    """A code for a new unit (``U_…``) or indicator (``I_…``) from its name's digest,
    longer or numbered until no stored code and no code of this batch has it; the
    code joins ``taken``.

    >>> taken = {"U_B5969A"}
    >>> _new_code("unit", "新城街道", taken), _new_code("unit", "新城街道", taken)
    ('U_B5969ABE', 'U_B5969ABEEC')
    """
    prefix = "U" if what == "unit" else "I"
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest().upper()
    candidates = [f"{prefix}_{digest[:size]}" for size in (6, 8, 10, 12, 16, 40)]
    numbered = (f"{prefix}_{digest[:6]}_{n}" for n in itertools.count(2))
    code = next(c for c in itertools.chain(candidates, numbered) if c not in taken)
    taken.add(code)
    return code


def _new_row(what: str, code: str, name: str, where: pd.Series) -> dict:
    if what == "unit":
        return {"code": code, "name_zh": name, "kind": guess_unit_kind(name)}
    measure = where["measure"] or ("%" if where["percent"] else "—")
    kind = "flow" if where["cumulative"] else ("rate" if measure == "%" else "stock")
    return {
        "code": code,
        "name_zh": name,
        "measure": measure,
        "direction": "higher",
        "kind": kind,
        "frequency": where["freq"] or "M",
    }


def _unknown_issue(what: str, m: Any, sheet: str, at: dict, reference: pd.DataFrame) -> Issue:
    """The issue of a name matched to no single code: near (confirm), shared or unknown."""
    zh_what, en_what = ("单位", "unit") if what == "unit" else ("指标", "indicator")
    name = m.name
    suggestion = m.suggestion
    if m.how == AMBIGUOUS:
        names = reference.set_index("code")["name_zh"]
        listed = "、".join(f"{c}（{names.get(c)}）" for c in m.candidates)
        listed_en = ", ".join(f"{c} ({names.get(c)})" for c in m.candidates)
        return issue(
            ERROR,
            f"ambiguous_{what}",
            sheet,
            f"{zh_what}名称“{name}”对应多个{zh_what}：{listed}。请在“名称对应”中选择其一，"
            f"或在文件中加一列 {what}_code 写明代码。",
            f"The {en_what} name '{name}' fits several {en_what}s: {listed_en}. Pick one "
            f"under 'Match names', or add a {what}_code column giving the code.",
            **at,
        )
    if m.how == NEAR and isinstance(suggestion, str):
        known = reference.set_index("code").loc[suggestion, "name_zh"]
        return issue(
            ERROR,
            f"confirm_{what}",
            sheet,
            f"{zh_what}“{name}”未找到完全一致的名称，是否为“{known}”？请确认对应关系。",
            f"{en_what.capitalize()} '{name}' has no exact match; is it '{known}'? "
            "Confirm the match.",
            **at,
        )
    return issue(
        ERROR,
        f"unknown_{what}",
        sheet,
        f"未知{zh_what}“{name}”：请在“名称对应”中选择已有的{zh_what}，"
        "或勾选“未知的单位、指标按新建处理”。",
        f"Unknown {en_what} '{name}': pick the known {en_what} it stands for under "
        "'Match names', or tick 'Create unknown units and indicators'.",
        **at,
    )


def _attach(
    figures: pd.DataFrame,
    unit_m: pd.DataFrame,
    ind_m: pd.DataFrame,
    given: dict[str, np.ndarray | None],
    indicators: pd.DataFrame,
) -> pd.DataFrame:
    out = figures.assign(
        unit_code=_codes(figures, "unit", unit_m, given["unit"]),
        indicator_code=_codes(figures, "indicator", ind_m, given["indicator"]),
    )
    known = out["unit_code"].notna().to_numpy() & out["indicator_code"].notna().to_numpy()
    out = out if known.all() else out[known]
    meta = indicators[["code", "name_zh", "measure", "kind", "allow_negative"]].rename(
        columns={"code": "indicator_code", "name_zh": "indicator_name_db", "measure": "measure_db"}
    )
    meta["allow_negative"] = meta["allow_negative"].fillna(False).astype(bool)
    codes, distinct = pd.factorize(out["indicator_code"])
    at = pd.Index(meta["indicator_code"]).get_indexer(distinct)
    if not meta["indicator_code"].is_unique or (at[codes] < 0).any():
        return out.merge(meta, on="indicator_code", how="left")
    columns = {
        c: _categorical(meta[c].to_numpy(dtype=object)[at], codes)
        for c in ("indicator_name_db", "measure_db", "kind")
    }
    allow = meta["allow_negative"].to_numpy(dtype=bool)[at][codes]
    return out.reset_index(drop=True).assign(**columns, allow_negative=allow)


def _codes(
    figures: pd.DataFrame, what: str, matches: pd.DataFrame, given: np.ndarray | None
) -> pd.Categorical:
    """Each figure's ``what`` code: the code written beside it, else its name's match."""
    by_name = _lookup(figures[f"{what}_name"], matches["name"], matches["code"])
    if given is None:
        return by_name
    codes = np.asarray(by_name, dtype=object)
    has = ~pd.isna(given)
    codes[has] = given[has]
    return pd.Categorical(codes)


def _categorical(per_code: np.ndarray, codes: np.ndarray) -> pd.Categorical:
    """``per_code[codes]`` (``None`` for missing) as a categorical, without building the
    values one by one."""
    again, categories = pd.factorize(pd.Series(per_code, dtype=object))
    return pd.Categorical.from_codes(
        again[codes] if len(codes) else codes.astype(np.int64),
        categories=pd.Index(categories, dtype=object),
    )


def _lookup(values: pd.Series, keys: pd.Series, found: pd.Series) -> pd.Categorical:
    """``values.map(dict(zip(keys, found)))``, looking each distinct value up once."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    table = dict(zip(keys, found, strict=True))
    return _categorical(np.array([table.get(v) for v in distinct], dtype=object), codes)


def _validate(
    mapped: pd.DataFrame,
    checks: pd.DataFrame,
    totals: pd.DataFrame,
    unit_m: pd.DataFrame,
    ind_m: pd.DataFrame,
    store: Store,
    today: dt.date | None,
    lines: dict[str, unit_line.UnitLine],
) -> tuple[pd.DataFrame, list[Issue]]:
    today = today or clock.today()
    found = validate.not_numbers(mapped)
    clean = mapped[~mapped["invalid"]] if mapped["invalid"].any() else mapped
    if clean.empty:
        return _figure_columns(clean), found
    clean, more = validate.percent_signs(clean)
    found += more
    clean, more = validate.conversions(clean, lines)
    found += more
    clean, more = validate.too_large(clean)
    found += more
    if clean.empty:
        return _figure_columns(clean), found
    clean = clean.assign(
        year=clean["year"].astype("int64"),
        sub=clean["sub"].astype("int64"),
        cumulative=clean["cumulative"].astype(bool),
        single=clean["single"].fillna(False).astype(bool),
    )
    found += validate.years_out_of_range(clean, today)
    found += validate.negatives(clean)
    clean, more = validate.single_months_to_ytd(clean)
    found += more
    clean, more = validate.duplicates(clean)
    found += more
    history = store.observations_for_indicators(sorted(clean["indicator_code"].unique()))
    found += validate.history_checks(clean, history)
    found += validate.totals_mismatch(mapped, totals)
    found += validate.stated_rates(clean, _mapped_checks(checks, unit_m, ind_m), history)
    return _figure_columns(clean), found


def _mapped_checks(checks: pd.DataFrame, unit_m: pd.DataFrame, ind_m: pd.DataFrame) -> pd.DataFrame:
    if checks.empty:
        return checks
    units = dict(zip(unit_m["name"], unit_m["code"], strict=True))
    inds = dict(zip(ind_m["name"], ind_m["code"], strict=True))
    return checks.assign(
        unit_code=checks["unit_name"].map(units), indicator_code=checks["indicator_name"].map(inds)
    )


_FIGURE_COLUMNS = [*validate.KEY, "value", "cumulative", "sheet", "row", "column", "raw"]


def _figure_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The figures to write with where they stand; text columns may be categorical."""
    return frame[_FIGURE_COLUMNS].reset_index(drop=True)


def _store_columns(frame: pd.DataFrame, text: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`_figure_columns` with their text columns as text (a categorical column's
    codes are looked up in its categories in one go, or taken from ``text``, the same
    rows with some of the columns as text already)."""
    out = _figure_columns(frame)

    def as_text(column: str) -> pd.Series:
        done = text[column] if text is not None and column in text else None
        if done is not None and isinstance(done.dtype, pd.StringDtype):
            return done
        return categorical_text(out[column])

    coded = {
        c: as_text(c) for c in _FIGURE_COLUMNS if isinstance(out[c].dtype, pd.CategoricalDtype)
    }
    return out.assign(**coded) if coded else out


__all__ = ["INFO", "ImportPlan", "SheetSummary", "analyse", "commit"]
