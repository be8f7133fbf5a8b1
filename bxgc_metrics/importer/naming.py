"""Names and codes to units and indicators: the code written beside a name decides,
else the name's match; unknown ones are created (when asked) or reported with where the
file names them."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.columns import categorical
from bxgc_metrics.importer.issues import Issue
from bxgc_metrics.importer.matching import (
    AMBIGUOUS,
    EXACT,
    NEAR,
    PROFILE,
    UNKNOWN,
    guess_peer_group,
    guess_unit_kind,
    normalise_name,
    without_serial,
)


@dataclass(frozen=True)
class Where:
    """Where a file names its units and indicators, for the issues that ask about them."""

    figures: pd.DataFrame
    """The file's figures."""
    given: dict[str, np.ndarray | None]
    """The code written beside each figure, by ``unit`` and ``indicator`` (:func:`given_codes`)."""
    columns: dict[str, dict[str, str]]
    """Each sheet's name and code columns (:attr:`ParsedSheet.field_columns`)."""
    cells: dict[str, dict[str, tuple[int, str | None]]] = field(default_factory=dict)
    """Each sheet's fields named once for all figures (:attr:`ParsedSheet.field_cells`)."""

    def named(self, what: str) -> pd.DataFrame:
        """The figures whose ``what`` is found by its name (no code written beside it)."""
        codes = self.given[what]
        return self.figures if codes is None else self.figures[pd.isna(codes)]

    def at(self, what: str, figure: pd.Series, *, field: str, value: object) -> dict:
        """Issue keywords for the cell of ``figure``'s row in the column of ``field``
        (the figure's own column where the sheet does not say)."""
        once = self.cells.get(figure["sheet"], {}).get(field)
        if once is not None:  # a report's header, a wide sheet's title
            row, column = once
            return {"row": row, "column": column or figure["column"], "value": value}
        column = self.columns.get(figure["sheet"], {}).get(field, figure["column"])
        return {"row": int(figure["row"]), "column": column, "value": value}


def unresolved(
    unit_m: pd.DataFrame,
    ind_m: pd.DataFrame,
    where: Where,
    *,
    reference: dict[str, pd.DataFrame],
    create: bool,
) -> tuple[pd.DataFrame, pd.DataFrame, list[Issue]]:
    """Units and indicators to create (unknown names and codes, with ``create``) and the
    issues of names and codes that are unknown, near, shared or at odds."""
    found: list[Issue] = []
    new: dict[str, list[dict]] = {}
    for what, matches in (("unit", unit_m), ("indicator", ind_m)):
        new[what], issues = _given_codes(what, where, reference=reference[what], create=create)
        found += issues
        taken = set(reference[what]["code"]) | {row["code"] for row in new[what]}
        open_ = matches[~matches["how"].isin([EXACT, PROFILE])]
        firsts = _first_rows(where.named(what), f"{what}_name") if len(open_) else {}
        for m in open_.itertuples():
            figure = firsts[m.name]
            if create and m.how == UNKNOWN:
                named = without_serial(m.name).strip() or m.name  # created without its ①
                code = _new_code(what, named, taken)
                matches.loc[matches["name"] == m.name, ["code", "how"]] = [code, "new"]
                new[what].append(_new_row(what, code, named, where=figure))
                continue
            at = where.at(what, figure, field=what, value=m.name)
            found.append(
                _unknown_issue(what, m, sheet=figure["sheet"], at=at, reference=reference[what])
            )
    units = reference["unit"]
    for row in new["unit"]:
        row.setdefault("peer_group", guess_peer_group(row["kind"], units))
    return pd.DataFrame(new["unit"]), pd.DataFrame(new["indicator"]), found


_SHOWN = 50
"""Issues listed per kind of code problem; a file with thousands has one pattern."""


def _given_codes(
    what: str, where: Where, *, reference: pd.DataFrame, create: bool
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
                new.setdefault(code, _new_row(what, code, name or code, where=figure))
            else:
                found.append(
                    _unknown_code(
                        what, figure, where.at(what, figure, field=f"{what}_code", value=code)
                    )
                )
        elif not _agrees(name, code, known.loc[code]):
            at = where.at(what, figure, field=f"{what}_code", value=code)
            found.append(_code_mismatch(what, figure, stored=known.loc[code, "name_zh"], at=at))
    return list(new.values()), found[:_SHOWN]


def _agrees(name: object, code: str, stored: pd.Series) -> bool:
    """Whether the name written beside ``code`` is its Chinese or English name, or the
    code itself (or empty), once normalised."""
    if not isinstance(name, str) or not name:
        return True
    names = (stored.get("name_zh"), stored.get("name_en"), code)
    return normalise_name(name) in {normalise_name(n) for n in names if isinstance(n, str)}


def _unknown_code(what: str, figure: pd.Series, at: dict) -> Issue:
    return issues.BY_WHAT["unknown_code"][what].at(figure["sheet"], **at, code=at["value"])


def _code_mismatch(what: str, figure: pd.Series, *, stored: str, at: dict) -> Issue:
    return issues.CODE_NAME_MISMATCH.at(
        figure["sheet"],
        **at,
        what=issues.WHAT[what],
        code=at["value"],
        stored=stored,
        name=figure[f"{what}_name"],
    )


def given_codes(figures: pd.DataFrame, what: str) -> np.ndarray | None:
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


def named(figures: pd.DataFrame, what: str, given: dict[str, np.ndarray | None]) -> pd.Series:
    """The names to match: those of figures without a code beside them."""
    names = figures[f"{what}_name"]
    codes = given[what]
    return names if codes is None else names[pd.isna(codes)]


def given_measures(
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


def stored_measures(
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


def _new_row(what: str, code: str, name: str, *, where: pd.Series) -> dict:
    if what == "unit":
        return {"code": code, "name_zh": name, "kind": guess_unit_kind(name)}
    measure = _given(where["measure"]) or ("%" if _given(where["percent"]) else "—")
    kind = "flow" if _given(where["cumulative"]) else ("rate" if measure == "%" else "stock")
    return {
        "code": code,
        "name_zh": name,
        "measure": measure,
        "direction": "higher",
        "kind": kind,
        "frequency": _given(where["freq"]) or "M",
    }


def _given(value: object) -> Any:
    """``value``, or ``None`` where a figure's row leaves it empty (NaN, ``NA`` or ``""``):
    an empty cell is false, where NaN is true.

    >>> _given(float("nan")), _given(""), _given("万元")
    (None, None, '万元')
    """
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    return value or None


def _unknown_issue(what: str, m: Any, *, sheet: str, at: dict, reference: pd.DataFrame) -> Issue:
    """The issue of a name matched to no single code: near (confirm), shared or unknown."""
    if m.how == AMBIGUOUS:
        names = reference.set_index("code")["name_zh"]
        listed = issues.LIST.join(
            [issues.CANDIDATE.text(code=c, name=names.get(c)) for c in m.candidates]
        )
        return issues.BY_WHAT["ambiguous"][what].at(sheet, **at, name=m.name, candidates=listed)
    if m.how == NEAR and isinstance(m.suggestion, str):
        known = reference.set_index("code").loc[m.suggestion, "name_zh"]
        return issues.BY_WHAT["confirm"][what].at(sheet, **at, name=m.name, known=known)
    return issues.BY_WHAT["unknown"][what].at(sheet, **at, name=m.name)


def attach(
    figures: pd.DataFrame,
    unit_m: pd.DataFrame,
    ind_m: pd.DataFrame,
    *,
    given: dict[str, np.ndarray | None],
    indicators: pd.DataFrame,
) -> pd.DataFrame:
    """The figures with their unit and indicator codes and the indicator's stored name,
    measure, kind, frequency and sign rule; figures without both codes are left out."""
    out = figures.assign(
        unit_code=_codes(figures, "unit", unit_m, given=given["unit"]),
        indicator_code=_codes(figures, "indicator", ind_m, given=given["indicator"]),
    )
    known = out["unit_code"].notna().to_numpy() & out["indicator_code"].notna().to_numpy()
    out = out if known.all() else out[known]
    meta = indicators[["code", "name_zh", "measure", "kind", "frequency", "allow_negative"]]
    meta = meta.rename(
        columns={
            "code": "indicator_code",
            "name_zh": "indicator_name_db",
            "measure": "measure_db",
            "frequency": "frequency_db",
        }
    )
    meta["allow_negative"] = meta["allow_negative"].fillna(False).astype(bool)
    codes, distinct = pd.factorize(out["indicator_code"])
    at = pd.Index(meta["indicator_code"]).get_indexer(distinct)
    if not meta["indicator_code"].is_unique or (at[codes] < 0).any():
        return out.merge(meta, on="indicator_code", how="left")
    columns = {
        c: categorical(meta[c].to_numpy(dtype=object)[at], codes)
        for c in ("indicator_name_db", "measure_db", "kind", "frequency_db")
    }
    allow = meta["allow_negative"].to_numpy(dtype=bool)[at][codes]
    return out.reset_index(drop=True).assign(**columns, allow_negative=allow)


def without_unit(
    figures: pd.DataFrame, unit_m: pd.DataFrame, *, given: np.ndarray | None
) -> pd.DataFrame:
    """The figures whose unit has no code (unknown, or a near match not yet confirmed):
    those :func:`attach` leaves out."""
    return figures[pd.isna(_codes(figures, "unit", unit_m, given=given))]


def _codes(
    figures: pd.DataFrame, what: str, matches: pd.DataFrame, *, given: np.ndarray | None
) -> pd.Categorical:
    """Each figure's ``what`` code: the code written beside it, else its name's match."""
    by_name = _lookup(figures[f"{what}_name"], matches["name"], matches["code"])
    if given is None:
        return by_name
    codes = np.asarray(by_name, dtype=object)
    has = ~pd.isna(given)
    codes[has] = given[has]
    return pd.Categorical(codes)


def _lookup(values: pd.Series, keys: pd.Series, found: pd.Series) -> pd.Categorical:
    """``values.map(dict(zip(keys, found)))``, looking each distinct value up once."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    table = dict(zip(keys, found, strict=True))
    return categorical(np.array([table.get(v) for v in distinct], dtype=object), codes)
