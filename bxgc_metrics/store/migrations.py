"""The database schema as an ordered list of migrations, and the step that applies them.

Migration *n* takes a database from schema version *n-1* to *n*. A file is upgraded on
open by running the missing steps in one transaction; a file whose version is higher than
``LATEST`` was written by a newer release and is refused, because this release cannot know
what the newer columns mean.

Units and indicators are keyed by a short stable ``code``; display names may change without
touching a single observation. Periods are ``freq``/``year``/``sub`` (see
:mod:`bxgc_metrics.periods`).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from bxgc_metrics.errors import SchemaTooNewError

_V1 = (
    """
    CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)
    """,
    """
    CREATE TABLE units (
        code VARCHAR PRIMARY KEY,
        name_zh VARCHAR NOT NULL,
        name_en VARCHAR,
        kind VARCHAR NOT NULL CHECK (kind IN ('街道', '乡镇', '部门', '学校', '外部标杆')),
        parent_code VARCHAR,
        peer_group VARCHAR,
        is_demo BOOLEAN NOT NULL DEFAULT FALSE
    )
    """,
    """
    CREATE TABLE indicators (
        code VARCHAR PRIMARY KEY,
        name_zh VARCHAR NOT NULL,
        name_en VARCHAR,
        measure VARCHAR NOT NULL,
        direction VARCHAR NOT NULL CHECK (direction IN ('higher', 'lower')),
        kind VARCHAR NOT NULL CHECK (kind IN ('flow', 'stock', 'rate')),
        frequency VARCHAR NOT NULL CHECK (frequency IN ('Y', 'H', 'Q', 'M')),
        allow_negative BOOLEAN NOT NULL DEFAULT FALSE,
        is_demo BOOLEAN NOT NULL DEFAULT FALSE
    )
    """,
    "CREATE SEQUENCE batch_ids START 1",
    """
    CREATE TABLE batches (
        id INTEGER PRIMARY KEY DEFAULT nextval('batch_ids'),
        file_name VARCHAR NOT NULL,
        sha256 VARCHAR,
        who VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        rows_read INTEGER NOT NULL DEFAULT 0,
        rows_new INTEGER NOT NULL DEFAULT 0,
        rows_changed INTEGER NOT NULL DEFAULT 0,
        rows_unchanged INTEGER NOT NULL DEFAULT 0,
        status VARCHAR NOT NULL CHECK (status IN ('committed', 'undone')),
        undone_at TIMESTAMP,
        note VARCHAR
    )
    """,
    """
    CREATE TABLE observations (
        unit_code VARCHAR NOT NULL,
        indicator_code VARCHAR NOT NULL,
        freq VARCHAR NOT NULL CHECK (freq IN ('Y', 'H', 'Q', 'M')),
        year SMALLINT NOT NULL,
        sub TINYINT NOT NULL,
        value_kind VARCHAR NOT NULL CHECK (value_kind IN ('actual', 'target', 'plan')),
        value DOUBLE NOT NULL,
        cumulative BOOLEAN NOT NULL,
        batch_id INTEGER NOT NULL,
        PRIMARY KEY (unit_code, indicator_code, freq, year, sub, value_kind)
    )
    """,
    # What each batch replaced: undo puts these rows back. Rows with existed = FALSE (keys
    # the batch created) were written before schema version 5; undo deletes a batch's rows
    # by batch_id, so keys a batch created need no row here.
    """
    CREATE TABLE observation_history (
        batch_id INTEGER NOT NULL,
        unit_code VARCHAR NOT NULL,
        indicator_code VARCHAR NOT NULL,
        freq VARCHAR NOT NULL,
        year SMALLINT NOT NULL,
        sub TINYINT NOT NULL,
        value_kind VARCHAR NOT NULL,
        existed BOOLEAN NOT NULL,
        old_value DOUBLE,
        old_cumulative BOOLEAN,
        old_batch_id INTEGER
    )
    """,
    "CREATE SEQUENCE pair_ids START 1",
    """
    CREATE TABLE benchmark_pairs (
        id INTEGER PRIMARY KEY DEFAULT nextval('pair_ids'),
        chaser_code VARCHAR NOT NULL,
        benchmark_code VARCHAR NOT NULL,
        indicator_code VARCHAR,
        base_year SMALLINT NOT NULL,
        target_year SMALLINT NOT NULL,
        note VARCHAR
    )
    """,
    "CREATE SEQUENCE gap_ids START 1",
    """
    CREATE TABLE gaps (
        id INTEGER PRIMARY KEY DEFAULT nextval('gap_ids'),
        unit_code VARCHAR NOT NULL,
        gap VARCHAR NOT NULL,
        measure VARCHAR NOT NULL,
        owner VARCHAR,
        deadline DATE,
        status VARCHAR NOT NULL CHECK (status IN ('open', 'in_progress', 'done')),
        indicator_code VARCHAR,
        promised_value DOUBLE,
        promised_year SMALLINT
    )
    """,
    "CREATE SEQUENCE phase_ids START 1",
    """
    CREATE TABLE phases (
        id INTEGER PRIMARY KEY DEFAULT nextval('phase_ids'),
        campaign VARCHAR NOT NULL,
        name_zh VARCHAR NOT NULL,
        name_en VARCHAR,
        start_date DATE NOT NULL,
        end_date DATE NOT NULL
    )
    """,
    "CREATE SEQUENCE milestone_ids START 1",
    """
    CREATE TABLE milestones (
        id INTEGER PRIMARY KEY DEFAULT nextval('milestone_ids'),
        campaign VARCHAR NOT NULL,
        name_zh VARCHAR NOT NULL,
        name_en VARCHAR,
        due_date DATE NOT NULL,
        done_date DATE,
        unit_code VARCHAR
    )
    """,
)

_V2 = (
    # Named import profiles: a confirmed mapping of names in a file to codes.
    """
    CREATE TABLE import_profiles (
        name VARCHAR PRIMARY KEY,
        mapping_json VARCHAR NOT NULL,
        updated_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
    )
    """,
    # The reward rules table (data, not code); see bxgc_metrics.metrics.rewards.
    """
    CREATE TABLE reward_rules (
        rule_id VARCHAR PRIMARY KEY,
        body_json VARCHAR NOT NULL
    )
    """,
    "CREATE INDEX observations_batch ON observations (batch_id)",
    "CREATE INDEX history_batch ON observation_history (batch_id)",
)

_V3 = (
    # A plan states growth rates beside its values (地方财政收入 +60%); the indicator that
    # holds those stated rates names the indicator whose growth it states.
    "ALTER TABLE indicators ADD COLUMN growth_of VARCHAR",
    # Small named settings kept as JSON, e.g. the composite ranking's weights.
    "CREATE TABLE settings (key VARCHAR PRIMARY KEY, value_json VARCHAR NOT NULL)",
)

_V4 = (
    # Local accounts; only argon2 hashes are stored.
    """
    CREATE TABLE users (
        username VARCHAR PRIMARY KEY,
        password_hash VARCHAR NOT NULL,
        role VARCHAR NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
        created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        disabled BOOLEAN NOT NULL DEFAULT FALSE
    )
    """,
    # Append-only: the store has an INSERT for it and SELECTs, and nothing else.
    "CREATE SEQUENCE audit_ids START 1",
    """
    CREATE TABLE audit_log (
        id BIGINT PRIMARY KEY DEFAULT nextval('audit_ids'),
        logged_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        who VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        target VARCHAR,
        before_json VARCHAR,
        after_json VARCHAR
    )
    """,
    # Read-only links for the meeting-room screen; only the token's SHA-256 is kept.
    """
    CREATE TABLE wall_tokens (
        token_hash VARCHAR PRIMARY KEY,
        label VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        revoked_at TIMESTAMP
    )
    """,
)

_V5 = (
    # Observations stay unique on (unit, indicator, period, value kind) by the one path that
    # writes them: a batch inserts only keys not yet stored (an anti-join) and updates the
    # others, from incoming rows that are themselves unique; undo deletes a batch's rows
    # before it puts back the rows the batch replaced. Without the primary key's index and
    # the batch_id index a large import appends instead of maintaining two indexes; undo
    # finds a batch's rows by a scan. Rows are stored in period order (and each batch
    # appends its new rows in that order), so a query for one period reads the few row
    # groups whose year and month ranges hold it.
    "DROP INDEX IF EXISTS observations_batch",
    """
    CREATE TABLE observations_v5 (
        unit_code VARCHAR NOT NULL,
        indicator_code VARCHAR NOT NULL,
        freq VARCHAR NOT NULL CHECK (freq IN ('Y', 'H', 'Q', 'M')),
        year SMALLINT NOT NULL,
        sub TINYINT NOT NULL,
        value_kind VARCHAR NOT NULL CHECK (value_kind IN ('actual', 'target', 'plan')),
        value DOUBLE NOT NULL,
        cumulative BOOLEAN NOT NULL,
        batch_id INTEGER NOT NULL
    )
    """,
    """
    INSERT INTO observations_v5
    SELECT unit_code, indicator_code, freq, year, sub, value_kind, value, cumulative, batch_id
    FROM observations ORDER BY year, sub, freq, indicator_code, value_kind, unit_code
    """,
    "DROP TABLE observations",
    "ALTER TABLE observations_v5 RENAME TO observations",
)

_V6 = (
    # Sign-in sessions behind the browser's cookie; only the token's SHA-256 is kept. A
    # session counts while it is not ended (signed out, expired, account disabled), its
    # expiry is in the future and its account is enabled; the role is read from users.
    """
    CREATE TABLE sessions (
        token_hash VARCHAR PRIMARY KEY,
        username VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        ended_at TIMESTAMP,
        end_reason VARCHAR CHECK (end_reason IN ('sign_out', 'expired', 'disabled'))
    )
    """,
)

_V7 = (
    # A restore ends every session (the restored file's sessions would otherwise come back
    # to life), with its own reason; DuckDB cannot change a CHECK, so the table is rebuilt.
    """
    CREATE TABLE sessions_v7 (
        token_hash VARCHAR PRIMARY KEY,
        username VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        ended_at TIMESTAMP,
        end_reason VARCHAR CHECK (end_reason IN ('sign_out', 'expired', 'disabled', 'restore'))
    )
    """,
    "INSERT INTO sessions_v7 SELECT * FROM sessions",
    "DROP TABLE sessions",
    "ALTER TABLE sessions_v7 RENAME TO sessions",
)

_V8 = (
    # Sign-in attempts not (yet) known to have succeeded, for throttling by account name
    # and by the reader's address (see bxgc_metrics.access). An attempt is written when it
    # starts and deleted when it succeeds (with every earlier failure of that name); the
    # audit log keeps the record of every attempt. Rows older than a day are removed.
    """
    CREATE TABLE sign_in_failures (
        attempted_at TIMESTAMP NOT NULL,
        username VARCHAR NOT NULL,
        address VARCHAR
    )
    """,
)

_V9 = (
    # Dated events analysts note beside the figures (a policy issued, a project in
    # production, a change of statistical definition): drawn on the trajectory charts. A
    # missing unit means every unit, a missing indicator every indicator.
    "CREATE SEQUENCE event_ids START 1",
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY DEFAULT nextval('event_ids'),
        event_date DATE NOT NULL,
        unit_code VARCHAR,
        indicator_code VARCHAR,
        kind VARCHAR NOT NULL CHECK (kind IN ('policy', 'project', 'definition', 'other')),
        text VARCHAR NOT NULL,
        created_by VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
    )
    """,
)

_V10 = (
    # Reporting rounds: who answers for a unit's reports, and when an indicator's figures
    # are due (that day of the month after the period ends; NULL: no calendar).
    "ALTER TABLE units ADD COLUMN contact_person VARCHAR",
    "ALTER TABLE units ADD COLUMN contact_phone VARCHAR",
    "ALTER TABLE indicators ADD COLUMN report_due_day SMALLINT",
    # Data-quality consistency rules, data like the reward rules (see
    # bxgc_metrics.metrics.quality), and the flags a person checked and found right (核实无误).
    "CREATE TABLE quality_rules (rule_id VARCHAR PRIMARY KEY, body_json VARCHAR NOT NULL)",
    """
    CREATE TABLE quality_reviews (
        flag_id VARCHAR PRIMARY KEY,
        note VARCHAR NOT NULL,
        who VARCHAR NOT NULL,
        reviewed_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
    )
    """,
)

PERCENT_AS_RATE = (
    """
    UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR)
    WHERE key = 'data_version'
      AND EXISTS (SELECT 1 FROM indicators WHERE measure = '%' AND kind <> 'rate')
    """,
    "UPDATE indicators SET kind = 'rate' WHERE measure = '%' AND kind <> 'rate'",
)
"""Version 11's change, in SQL that DuckDB and PostgreSQL both run: an indicator in % saved
as a flow or a stock (before the store refused that) becomes a rate, and the data version
moves when one did, so that nothing read before is shown again. Each database first writes
the audit row naming them in its own JSON functions."""

_V11 = (
    # An indicator in % is a rate (a growth rate or a share): as a flow or a stock it would
    # be summed, and ranked by the growth of a percentage. The audit log says which were
    # changed and what they were.
    """
    INSERT INTO audit_log (who, action, target, before_json, after_json)
    SELECT 'system', 'indicators', left(string_agg(code, ',' ORDER BY code), 200),
           CAST(to_json(list({'code': code, 'kind': kind} ORDER BY code)) AS VARCHAR),
           CAST(to_json(list({'code': code, 'kind': 'rate'} ORDER BY code)) AS VARCHAR)
    FROM indicators WHERE measure = '%' AND kind <> 'rate'
    HAVING count(*) > 0
    """,
    *PERCENT_AS_RATE,
)

CREATED_BY_BATCH = "ALTER TABLE batches ADD COLUMN created_json VARCHAR"
"""Version 12, the same statement on DuckDB and PostgreSQL: the units and indicators a batch
created (``{"units": [...], "indicators": [...]}``), so that undoing it takes them back
with its figures. Batches written before have none recorded."""

_V12 = (CREATED_BY_BATCH,)

RATES_YEAR_TO_DATE = (
    """
    UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR)
    WHERE key = 'data_version'
      AND EXISTS (
        SELECT 1 FROM observations
        WHERE NOT cumulative AND value_kind = 'actual' AND freq <> 'Y'
          AND indicator_code IN (SELECT code FROM indicators WHERE kind = 'rate')
      )
    """,
    """
    UPDATE observations SET cumulative = TRUE
    WHERE NOT cumulative AND value_kind = 'actual' AND freq <> 'Y'
      AND indicator_code IN (SELECT code FROM indicators WHERE kind = 'rate')
    """,
    """
    UPDATE observation_history SET old_cumulative = TRUE
    WHERE existed AND NOT old_cumulative AND value_kind = 'actual' AND freq <> 'Y'
      AND indicator_code IN (SELECT code FROM indicators WHERE kind = 'rate')
    """,
)
"""Version 13, the same SQL on DuckDB and PostgreSQL: a rate's monthly, quarterly or half-
year actual is its year-to-date rate (累计增速), as every page reads it; one imported
without a 累计 column was stored with the flag saying otherwise, which the export wrote
and a second import would read as a single month's rate. The flag is set, in the values
undo brings back too, and the data version moves when a figure changed."""

_V13 = RATES_YEAR_TO_DATE

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    _V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11, _V12, _V13,
)  # fmt: skip
"""Migration *i* (0-based) brings a database to schema version *i + 1*."""

LATEST: int = len(MIGRATIONS)
"""The schema version this release writes."""


GET_VERSION = "SELECT value FROM meta WHERE key = 'schema_version'"
"""Reads a file's schema version; a file without one is not a database of this program."""
_SET_VERSION = "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)"


def version(con: duckdb.DuckDBPyConnection) -> int:
    """The open file's schema version (0 for a new file)."""
    # Fetched to the end: a result left open would refuse the connection's next
    # register() (what a write's first step may be once the file is up to date).
    try:
        rows = con.execute(GET_VERSION).fetchall()
    except duckdb.CatalogException:  # no meta table: a new, empty file
        return 0
    return int(rows[0][0]) if rows else 0


def migrate(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Bring the file open on ``con`` (``path``, for messages) up to :data:`LATEST` in one
    transaction; a file of a newer version is refused."""
    found = version(con)
    if found > LATEST:
        raise SchemaTooNewError(
            f"数据库 {path} 的结构版本为 {found}，本程序只支持到 {LATEST}，请升级程序。",
            f"The database {path} has schema version {found}; this release "
            f"supports up to {LATEST}. Please upgrade the program.",
        )
    if found == LATEST:
        return
    con.begin()
    try:
        for steps in MIGRATIONS[found:]:
            for sql in steps:
                con.execute(sql)
        con.execute(_SET_VERSION, [str(LATEST)])
        con.commit()
    except BaseException:
        con.rollback()
        raise
