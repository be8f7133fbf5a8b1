"""Reference tables: units, indicators, pairs, gaps, phases, milestones, settings, rules,
import profiles.

Each change checks the actor's role (:meth:`~bxgc_metrics.store.connection.Database._write`)
and appends its before and after to the audit log in the same transaction. Units and
indicators are keyed by a short stable ``code``: a column a caller leaves out keeps the
stored value, and an import's new codes are added, never replacing a stored one.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from bxgc_metrics.errors import StoreError
from bxgc_metrics.invisible import as_read
from bxgc_metrics.measures import reads_in_points
from bxgc_metrics.store import audit, rule_tables
from bxgc_metrics.store.connection import Database
from bxgc_metrics.store.rule_tables import RuleTable

UNIT_KINDS = ("街道", "乡镇", "部门", "学校", "外部标杆")
"""The kinds a unit may be (the ``units`` table's check): sub-district, township,
department, school, and an external benchmark that is compared with but never ranked."""

UNIT_COLUMNS = (
    "code",
    "name_zh",
    "name_en",
    "kind",
    "parent_code",
    "peer_group",
    "is_demo",
    "contact_person",
    "contact_phone",
)
INDICATOR_COLUMNS = (
    "code",
    "name_zh",
    "name_en",
    "measure",
    "direction",
    "kind",
    "frequency",
    "allow_negative",
    "is_demo",
    "growth_of",
    "report_due_day",
)
GAP_COLUMNS = (
    "unit_code",
    "gap",
    "measure",
    "owner",
    "deadline",
    "status",
    "indicator_code",
    "promised_value",
    "promised_year",
)
"""The gaps table's columns a caller provides (the store adds ``id``)."""

_DEFAULTS = {"is_demo": False, "allow_negative": False}
"""What a new unit or indicator takes for a flag the caller leaves out."""

_TABLE_COLUMNS = {
    "benchmark_pairs": (
        "chaser_code",
        "benchmark_code",
        "indicator_code",
        "base_year",
        "target_year",
        "note",
    ),
    "gaps": GAP_COLUMNS,
    "phases": ("campaign", "name_zh", "name_en", "start_date", "end_date"),
    "milestones": ("campaign", "name_zh", "name_en", "due_date", "done_date", "unit_code"),
}
"""The columns a caller provides for each table :meth:`ReferenceTables.replace_table`
replaces (the store adds ``id``)."""


def _insert(table: str, columns: tuple[str, ...]) -> str:
    listed = ", ".join(columns)
    return f"INSERT INTO {table} ({listed}) SELECT {listed} FROM incoming"


def _upsert(table: str, columns: tuple[str, ...]) -> str:
    changed = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != "code")
    return f"{_insert(table, columns)} ON CONFLICT (code) DO UPDATE SET {changed}"


# Statements built once from the constant column lists above; both DuckDB and PostgreSQL
# take them as written.
_UPSERT_UNITS = _upsert("units", UNIT_COLUMNS)
_UPSERT_INDICATORS = _upsert("indicators", INDICATOR_COLUMNS)
_INSERT_UNITS = _insert("units", UNIT_COLUMNS)
_INSERT_INDICATORS = _insert("indicators", INDICATOR_COLUMNS)
_TAKEN_CODES = """
    SELECT 'unit' AS what, code FROM units WHERE list_contains(?::VARCHAR[], code)
    UNION ALL
    SELECT 'indicator', code FROM indicators WHERE list_contains(?::VARCHAR[], code)
    ORDER BY 1, 2 LIMIT 5
"""
_SELECT_UNITS = "SELECT * FROM units ORDER BY kind, peer_group, code"
_SELECT_INDICATORS = "SELECT * FROM indicators ORDER BY code"
_SELECT_UNITS_IN = "SELECT * FROM units WHERE list_contains(?, code) ORDER BY code"
_SELECT_INDICATORS_IN = "SELECT * FROM indicators WHERE list_contains(?, code) ORDER BY code"

_SELECT = {
    "benchmark_pairs": "SELECT * FROM benchmark_pairs ORDER BY id",
    "gaps": "SELECT * FROM gaps ORDER BY unit_code, id",
    "phases": "SELECT * FROM phases ORDER BY start_date, id",
    "milestones": "SELECT * FROM milestones ORDER BY due_date, id",
    "import_profiles": "SELECT * FROM import_profiles ORDER BY name",
}
_INSERT = {name: _insert(name, columns) for name, columns in _TABLE_COLUMNS.items()}
_CLEAR = {
    "benchmark_pairs": "DELETE FROM benchmark_pairs",
    "gaps": "DELETE FROM gaps",
    "phases": "DELETE FROM phases",
    "milestones": "DELETE FROM milestones",
}

_SAVE_SETTING = """
    INSERT INTO settings VALUES (?, ?)
    ON CONFLICT (key) DO UPDATE SET value_json = EXCLUDED.value_json
"""
_GET_SETTING = "SELECT value_json FROM settings WHERE key = ?"
_RULES = RuleTable(
    select="SELECT body_json FROM reward_rules ORDER BY rule_id",
    upsert="""
    INSERT INTO reward_rules VALUES (?, ?)
    ON CONFLICT (rule_id) DO UPDATE SET body_json = EXCLUDED.body_json
""",
    clear="DELETE FROM reward_rules",
)
_SAVE_PROFILE = """
    INSERT INTO import_profiles VALUES (?, ?, current_localtimestamp())
    ON CONFLICT (name) DO UPDATE
    SET mapping_json = EXCLUDED.mapping_json, updated_at = EXCLUDED.updated_at
"""
_GET_PROFILE = "SELECT mapping_json FROM import_profiles WHERE name = ?"


class ReferenceTables(Database):
    """The store's reference tables, settings, reward rules and import profiles."""

    def upsert_units(self, frame: pd.DataFrame) -> None:
        """Add units or change those with the same code; a column ``frame`` leaves out
        keeps each stored unit's value (a new unit takes the default)."""
        with self._write("settings") as con:
            codes = [str(c) for c in frame["code"]]
            before = con.execute(_SELECT_UNITS_IN, [codes]).df()
            incoming = _keeping(
                _names_as_read(frame), before, UNIT_COLUMNS, defaults={"is_demo": False}
            )
            con.register("incoming", incoming)
            con.execute(_UPSERT_UNITS)
            self._audit(con, "units", ",".join(codes)[:500], before=before, after=incoming)

    def upsert_indicators(self, frame: pd.DataFrame) -> None:
        """Add indicators or change those with the same code; a column ``frame`` leaves
        out keeps each stored indicator's value (a new one takes the default)."""
        with self._write("settings") as con:
            codes = [str(c) for c in frame["code"]]
            before = con.execute(_SELECT_INDICATORS_IN, [codes]).df()
            incoming = _keeping(
                _names_as_read(frame), before, INDICATOR_COLUMNS, defaults=_DEFAULTS
            )
            incoming = _rates_in_points(_due_days(incoming))
            con.register("incoming", incoming)
            con.execute(_UPSERT_INDICATORS)
            self._audit(con, "indicators", ",".join(codes)[:500], before=before, after=incoming)

    def units(self) -> pd.DataFrame:
        """All units: ``code, name_zh, name_en, kind, parent_code, peer_group, is_demo``."""
        return self._frame(_SELECT_UNITS)

    def indicators(self) -> pd.DataFrame:
        """All indicators: code, names, measure, direction, kind, frequency, flags."""
        return self._frame(_SELECT_INDICATORS)

    def table(self, name: str) -> pd.DataFrame:
        """One of ``benchmark_pairs``, ``gaps``, ``phases``, ``milestones``, ``import_profiles``."""
        return self._frame(_SELECT[name])

    def replace_table(self, name: str, frame: pd.DataFrame) -> None:
        """Replace all rows of ``benchmark_pairs``, ``gaps``, ``phases`` or ``milestones``."""
        clear, insert = _CLEAR[name], _INSERT[name]
        with self._write("edit_gaps" if name == "gaps" else "settings") as con:
            before = con.execute(_SELECT[name]).df()
            con.execute(clear)
            if len(frame):
                con.register("incoming", _table_rows(name, frame))
                con.execute(insert)
            self._audit(con, name, name, before=before, after=con.execute(_SELECT[name]).df())

    def reward_rules(self) -> pd.DataFrame | None:
        """The stored reward rules table, or ``None`` if none was saved."""
        return rule_tables.parsed(self._frame(_RULES.select))

    def save_reward_rules(self, rules: pd.DataFrame) -> None:
        """Replace the reward rules table; each row is kept as JSON by ``rule_id``."""
        with self._write("rules") as con:
            before, after = rule_tables.replace(con, _RULES, rules)
            self._audit(con, "reward_rules", "reward_rules", before=before, after=after)

    def setting(self, key: str) -> object:
        """A named setting (any JSON value), or ``None``."""
        with self._connection() as con:
            row = con.execute(_GET_SETTING, [key]).fetchone()
        return None if row is None else json.loads(row[0])

    def save_setting(self, key: str, value: object) -> None:
        """Store a named setting as JSON."""
        with self._write("settings") as con:
            row = con.execute(_GET_SETTING, [key]).fetchone()
            con.execute(_SAVE_SETTING, [key, json.dumps(value, ensure_ascii=False)])
            before = None if row is None else json.loads(row[0])
            self._audit(con, "setting", key, before=before, after=value)

    def save_profile(self, name: str, mapping: dict) -> None:
        """Save a confirmed import mapping under ``name`` (replacing one of that name)."""
        body = json.dumps(mapping, ensure_ascii=False, sort_keys=True)
        with self._write("profile") as con:
            row = con.execute(_GET_PROFILE, [name]).fetchone()
            con.execute(_SAVE_PROFILE, [name, body])
            before = None if row is None else json.loads(row[0])
            self._audit(con, "profile", name, before=before, after=mapping)

    def profile(self, name: str) -> dict | None:
        """A saved import profile, or ``None``."""
        with self._connection() as con:
            row = con.execute(_GET_PROFILE, [name]).fetchone()
        return None if row is None else json.loads(row[0])


def add_codes(
    con: duckdb.DuckDBPyConnection,
    who: str,
    *,
    units: pd.DataFrame | None,
    indicators: pd.DataFrame | None,
) -> None:
    """Add an import's new units and indicators, audited under ``who``; a code already
    stored is refused, never replaced (its peer group, kind and names stay as they are)."""
    new = {
        name: _with_defaults(frame, columns, _DEFAULTS).pipe(
            _due_days if name == "indicators" else lambda f: f
        )
        for name, frame, columns in (
            ("units", units, UNIT_COLUMNS),
            ("indicators", indicators, INDICATOR_COLUMNS),
        )
        if frame is not None and len(frame)
    }
    codes = {name: [str(c) for c in frame["code"]] for name, frame in new.items()}
    taken = con.execute(_TAKEN_CODES, [codes.get("units", []), codes.get("indicators", [])])
    found = taken.fetchall()
    if found:
        listed = ", ".join(f"{what} {code!r}" for what, code in found)
        raise StoreError(
            f"新建的单位或指标代码已存在：{listed}，未写入任何数据。请重新分析文件后再导入。",
            f"New unit or indicator codes are taken already: {listed}; nothing was "
            "written. Analyse the file again and import.",
        )
    for name, frame in new.items():
        con.register("incoming", frame)
        con.execute(_INSERT_UNITS if name == "units" else _INSERT_INDICATORS)
        audit.append(con, who, name, target=",".join(codes[name])[:500], after=frame)


def _table_rows(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the columns of table ``name`` (a column it leaves out is empty); a
    column the table does not have is refused."""
    columns = _TABLE_COLUMNS[name]
    unknown = [c for c in frame.columns if c != "id" and c not in columns]
    if unknown:
        raise StoreError(f"{name} 没有这些列：{unknown}", f"{name} has no columns {unknown}")
    return frame.reindex(columns=list(columns))


def _keeping(
    frame: pd.DataFrame, stored: pd.DataFrame, columns: tuple[str, ...], *, defaults: dict
) -> pd.DataFrame:
    """``frame`` with all ``columns``: one it leaves out takes each code's ``stored``
    value, or the default for a code not stored yet."""
    out = frame.copy()
    by_code = stored.set_index("code")
    known = out["code"].isin(by_code.index).to_numpy()
    for column in columns:
        if column not in out.columns:
            values = pd.Series(defaults.get(column), index=out.index, dtype=object)
            if column in by_code and known.any():
                values[known] = out["code"][known].map(by_code[column]).astype(object)
            out[column] = values
    return out[list(columns)]


def _names_as_read(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its names as their readers see them (:func:`.invisible.as_read`):
    a name pasted on the settings page may carry characters that show nothing, and an
    import, which reads the sheet's names without them, would not find it."""
    names = [c for c in ("name_zh", "name_en") if c in frame.columns]
    if not names:
        return frame
    return frame.assign(
        **{c: frame[c].map(lambda v: as_read(v) if isinstance(v, str) else v) for c in names}
    )


def _with_defaults(frame: pd.DataFrame, columns: tuple[str, ...], defaults: dict) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        if column not in out.columns:
            out[column] = defaults.get(column)
    return out[list(columns)]


def _rates_in_points(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` unchanged if every indicator in % (read in points) is a rate; one given
    as a flow or a stock is refused, naming it: it would be summed and ranked by growth."""
    points = frame["measure"].map(reads_in_points).astype(bool)
    bad = points & (frame["kind"] != "rate")
    if bad.any():
        code, kind = frame.loc[bad, "code"].iloc[0], frame.loc[bad, "kind"].iloc[0]
        raise StoreError(
            f"指标 {code} 以“%”计量，类型应为 rate（比率、增速），不能是 {kind}："
            "以%计的数不能加总，其变化按百分点计。",
            f"Indicator {code} is measured in %, so its kind must be rate, not {kind}: "
            "percentages are not summed, and their changes are read in points.",
        )
    return frame


def _due_days(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its report due days as small integers (missing: no calendar); a day
    outside 1-28 (every month has it) is refused, naming the indicator."""
    days = pd.to_numeric(frame["report_due_day"], errors="coerce")
    given = frame["report_due_day"].notna()
    bad = given & ~(days.between(1, 28) & (days % 1 == 0))
    if bad.any():
        code, value = frame.loc[bad, "code"].iloc[0], frame.loc[bad, "report_due_day"].iloc[0]
        raise StoreError(
            f"指标 {code} 的报送截止日“{value}”无效：应为 1 到 28 之间的整数（次月几号前报送）。",
            f"Indicator {code}: report due day {value!r} is invalid; give a whole number "
            "from 1 to 28 (the day of the following month).",
        )
    return frame.assign(report_due_day=days.astype("Int16"))
