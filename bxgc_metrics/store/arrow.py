"""Frames as Arrow the way DuckDB reads them, for both databases' bulk paths."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa


def frame_as_arrow(frame: pd.DataFrame) -> pa.Table:
    """A frame as Arrow the way DuckDB reads it from pandas (for frames pyarrow refuses)."""
    con = duckdb.connect()
    try:
        con.register("frame", frame)
        return con.sql("SELECT * FROM frame").to_arrow_table()
    finally:
        con.close()
