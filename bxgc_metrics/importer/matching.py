"""Names as written in a file to the codes of known units and indicators.

Report sheets write 东城街道办事处 where the database says 东城街道, 黄楼镇人民政府 for
黄楼镇, or the English name. Matching goes, in order: a saved import profile; the code;
the Chinese or English name after normalising (full-width, spaces, administrative
suffixes); then a near match (containment or string similarity) that the analyst must
confirm. Anything else is unknown and may be created as new.

A qualifier in brackets is never set aside silently: 东城街道（新区） may be another place
than 东城街道, so it is a near match to confirm.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping

import pandas as pd

from bxgc_metrics._memo import short_texts

EXACT, PROFILE, NEAR, UNKNOWN = "exact", "profile", "near", "unknown"
AMBIGUOUS = "ambiguous"
MATCH_COLUMNS = ("name", "code", "how", "score", "suggestion", "candidates")
"""Columns of :func:`match_names`: the name as written, the matched code (``None`` unless
``how`` is ``exact`` or ``profile``), how it matched, a similarity score in [0, 1], for
near matches the suggested code the analyst should confirm, and for a name that several
units or indicators share (``ambiguous``) their codes, one of which the analyst picks."""

_SUFFIXES = re.compile(r"(办事处|人民政府|政府|街道办|党工委|管委会|委员会)$")
_NEAR_THRESHOLD = 0.75
_NEUTRALISED = re.compile(r"^'(?=[=+\-@])")
"""The apostrophe our exports and templates put before a formula-like name
(:func:`bxgc_metrics.export.neutralise`): ``'=x`` in a file is the unit ``=x``."""


_SERIAL = re.compile(
    r"^\s*(?:[①-⑳⑴-⒇⒈-⒛]|\d{1,3}\s*[.、．]|[一二三四五六七八九十]{1,3}\s*[、.．]"
    r"|[(（]\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[)）])\s*(?=[^\d\s.．、])"
)
"""A list number before a name (①, ⑴, ⒈, 1., 1、, (1), （一）, 一、): no part of it. What
follows must be a name, so 1.5 and 2025. stay as they are."""


def without_serial(name: str) -> str:
    """``name`` without the list number a report sheet may put before it.

    >>> without_serial("①东城街道"), without_serial("（一）东城街道"), without_serial("1. 黄楼镇")
    ('东城街道', '东城街道', '黄楼镇')
    >>> without_serial("一、街道"), without_serial("十里铺镇"), without_serial("1.5"), without_serial("3号")
    ('街道', '十里铺镇', '1.5', '3号')
    """
    return _SERIAL.sub("", name, count=1)


@short_texts(1 << 16)
def normalise_name(name: object) -> str:
    """The comparable form of a unit or indicator name.

    >>> normalise_name("东城街道办事处"), normalise_name(" 黄楼镇人民政府 "), normalise_name("ＧＤＰ")
    ('东城街道', '黄楼镇', 'gdp')
    >>> normalise_name("东城街道（新区）")  # the qualifier stays: a near match at best
    '东城街道(新区)'
    >>> normalise_name("'=1+1"), normalise_name("'东城")
    ('=1+1', "'东城")
    >>> normalise_name("①东城街道办事处"), normalise_name("（二）黄楼镇")  # a list number is none of it
    ('东城街道', '黄楼镇')
    """
    text = unicodedata.normalize("NFKC", without_serial("" if name is None else str(name)))
    text = _NEUTRALISED.sub("", re.sub(r"\s+", "", text)).lower()
    previous = None
    while previous != text:
        previous, text = text, _SUFFIXES.sub("", text)
    if text.endswith("街道办"):
        text = text[:-1]
    return text


def _reference_keys(reference: pd.DataFrame) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """The codes each name stands for: by the name as written (full-width, spaces and
    case aside) and by its comparable form (:func:`normalise_name`). Worked out once for
    the same names: every import reads the same units and indicators until one is
    added or renamed."""
    columns = [
        tuple(reference[c].fillna("").tolist()) if c in reference else ()
        for c in ("code", "name_en", "name_zh")
    ]
    return _keys_of(*columns)


@functools.lru_cache(maxsize=8)
def _keys_of(
    codes: tuple, name_en: tuple, name_zh: tuple
) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """:func:`_reference_keys` of the codes and names as plain tuples (the results are
    shared, and only read)."""
    written: dict[str, set[str]] = {}
    comparable: dict[str, set[str]] = {}
    for values in (codes, name_en, name_zh):
        if not values:  # a column the reference does not have
            continue
        for code, value in zip(codes, values, strict=True):
            if isinstance(value, str) and value:
                written.setdefault(_plain(value), set()).add(code)
                comparable.setdefault(normalise_name(value), set()).add(code)
    return _sorted(written), _sorted(comparable)


@short_texts(1 << 16)
def _plain(name: str) -> str:
    """A name as written, full-width characters, spaces and case aside."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).lower()


def _sorted(keys: dict[str, set[str]]) -> dict[str, tuple]:
    return {key: tuple(sorted(codes)) for key, codes in keys.items()}


def match_names(
    names: Iterable[str], reference: pd.DataFrame, profile: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Match each distinct name to a code.

    Parameters
    ----------
    names
        Names as written in the file.
    reference
        Known units or indicators with ``code, name_zh`` and optionally ``name_en``.
    profile
        A confirmed mapping from a saved import profile: name as written → code.

    Returns
    -------
    pandas.DataFrame
        One row per distinct name, columns :data:`MATCH_COLUMNS`.

    Examples
    --------
    >>> ref = pd.DataFrame({"code": ["JD01", "XZ01"], "name_zh": ["东城街道", "黄楼镇"]})
    >>> match_names(["东城街道办事处", "黄楼", "新区"], ref)[["name", "code", "how", "suggestion"]].values.tolist()
    [['东城街道办事处', 'JD01', 'exact', None], ['黄楼', None, 'near', 'XZ01'], ['新区', None, 'unknown', None]]

    A name two share matches neither; their codes are the candidates:

    >>> twins = pd.DataFrame({"code": ["INFRA", "P4_INFRA"], "name_zh": ["基础设施投资"] * 2})
    >>> match_names(["基础设施投资"], twins)[["code", "how", "candidates"]].values.tolist()
    [[None, 'ambiguous', ('INFRA', 'P4_INFRA')]]
    """
    keys = _reference_keys(reference)
    known_codes = set(reference["code"]) if "code" in reference else set()
    profile = {normalise_name(k): v for k, v in (profile or {}).items() if v in known_codes}
    rows = [_match_one(name, keys, profile) for name in _distinct(names)]
    return pd.DataFrame(rows, columns=list(MATCH_COLUMNS), dtype=object)


def _distinct(names: Iterable[str]) -> list[str]:
    """Each name once, in order of first appearance (a column is reduced without a loop)."""
    if isinstance(names, pd.Series):
        return list(dict.fromkeys(names.drop_duplicates().tolist()))
    return list(dict.fromkeys(names))


def _match_one(
    name: str, keys: tuple[dict[str, tuple], dict[str, tuple]], profile: dict[str, str]
) -> tuple:
    """One name's row of :func:`match_names`: the profile's code; else the one code the
    name as written stands for, else its comparable form (several codes: ambiguous);
    else the nearest name, to confirm."""
    key = normalise_name(name)
    if key in profile:
        return name, profile[key], PROFILE, 1.0, None, None
    written, comparable = keys
    codes = written.get(_plain(name)) or comparable.get(key)
    if codes:
        if len(codes) > 1:
            return name, None, AMBIGUOUS, 1.0, None, codes
        return name, codes[0], EXACT, 1.0, None, None
    best_codes: tuple[str, ...] = ()
    best_score = 0.0
    for candidate, codes in comparable.items():
        score = _similarity(key, candidate)
        if score > best_score:
            best_codes, best_score = codes, score
    if best_codes and best_score >= _NEAR_THRESHOLD:
        return name, None, NEAR, round(best_score, 3), best_codes[0], best_codes
    return name, None, UNKNOWN, round(best_score, 3), None, None


_A_RATE = re.compile(r"增速|增长|增幅|同比|环比|占比|比重|完成率|完成进度")
"""Words that make a name a rate, a share or a completion rather than an amount."""
_ADMIN_SUFFIX = re.compile(r"(街道|镇|乡|社区|村|区|县|市)$")
_QUALIFIER = re.compile(r"(?<=.)[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]$")
"""A trailing qualifier in brackets, as names come after :func:`normalise_name`."""


def _similarity(a: str, b: str) -> float:
    """Containment counts as a strong match (黄楼 in 黄楼镇); otherwise difflib's ratio.

    A name that is another with a qualifier in brackets (东城街道(新区) and 东城街道) is
    a strong near match, never the same name. Administrative suffixes are set aside
    first: 新城街道 and 东城街道 share 街道 but are different places, so their similarity
    is that of 新城 and 东城.

    A name that says a growth, share or completion is no near match of one that does not
    (地方一般公共预算收入增速 and 地方一般公共预算收入).

    >>> _similarity("东城街道(新区)", "东城街道"), _similarity("东城街道", "西城街道")
    (0.95, 0.5)
    >>> _similarity("地方一般公共预算收入增速", "地方一般公共预算收入")
    0.0
    """
    if bool(_A_RATE.search(a)) != bool(_A_RATE.search(b)):
        return 0.0  # 收入增速 is no near match of 收入: a rate confirmed for an amount
    if a != b and _QUALIFIER.sub("", a) == _QUALIFIER.sub("", b):
        return 0.95
    a, b = _ADMIN_SUFFIX.sub("", a) or a, _ADMIN_SUFFIX.sub("", b) or b
    if a == b:
        return 0.99
    if not a or not b:
        return 0.0
    if len(a) >= 2 and len(b) >= 2 and (a in b or b in a):
        return 0.8 + 0.2 * min(len(a), len(b)) / max(len(a), len(b))
    return difflib.SequenceMatcher(None, a, b).ratio()


def guess_peer_group(kind: str, units: pd.DataFrame) -> str | None:
    """The peer group a new unit of ``kind`` most likely joins: the one more than half of
    the stored units of that kind are in (``None`` when no group is; the analyst picks).

    >>> units = pd.DataFrame({"kind": ["街道"] * 3 + ["乡镇", "乡镇"],
    ...                       "peer_group": ["城区", "城区", "方案四", "东片", "西片"]})
    >>> guess_peer_group("街道", units), guess_peer_group("乡镇", units), guess_peer_group("学校", units)
    ('城区', None, None)
    """
    if "peer_group" not in units:
        return None
    groups = units.loc[units["kind"] == kind, "peer_group"].dropna().astype(str)
    groups = groups[groups != ""]
    counts = groups.value_counts()
    if counts.empty or counts.iloc[0] * 2 <= int((units["kind"] == kind).sum()):
        return None
    return str(counts.index[0])


def guess_unit_kind(name: str) -> str:
    """The kind of a new unit from its name.

    >>> guess_unit_kind("新城街道"), guess_unit_kind("邵庄镇"), guess_unit_kind("第一中学")
    ('街道', '乡镇', '学校')
    """
    clean = normalise_name(name)
    if clean.endswith("街道"):
        return "街道"
    if clean.endswith(("镇", "乡")):
        return "乡镇"
    if re.search(r"(学校|中学|小学|学院|幼儿园)$", clean):
        return "学校"
    return "部门"
