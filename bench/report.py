"""The results table: rows, Markdown formatting and the machine line."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

LIBRARIES = (
    "pandas",
    "numpy",
    "duckdb",
    "pyarrow",
    "python-calamine",
    "openpyxl",
    "streamlit",
    "psycopg",
)
"""Library versions named in the machine line."""


@dataclass(frozen=True)
class Row:
    """One measured operation beside its reference."""

    operation: str
    """What was measured, with the data size."""
    measured: float | None
    """Median seconds (or megabytes when ``unit`` is ``MB``); ``None`` if it failed."""
    reference: float | None = None
    """Median of the reference in the same unit, if there is one."""
    target: str = "—"
    """The target as written in the issue."""
    met: bool | None = None
    """Whether the target is met; ``None`` when there is no target."""
    unit: str = "s"
    """``s`` for durations, ``MB`` for memory, ``share`` for a coverage, ``score`` for a
    Brier score, ``points`` for an error in percentage points."""
    note: str = ""
    """How it was measured, when the table cell cannot say it."""

    @property
    def ratio(self) -> float | None:
        """Measured over reference."""
        if self.measured is None or not self.reference:
            return None
        return self.measured / self.reference


@dataclass(frozen=True)
class Growth:
    """How one operation grows from the S to the M data set."""

    operation: str
    """What was measured."""
    small: float
    """Seconds on S."""
    large: float
    """Seconds on M."""
    size_ratio: float
    """How much larger the input is on M (rows, or 1 for a one-period query)."""
    expected: str
    """``linear`` or ``flat``."""

    @property
    def time_ratio(self) -> float:
        """M over S."""
        return self.large / self.small if self.small else float("inf")

    @property
    def met(self) -> bool:
        """Linear: within 1.5× of proportional; flat: at most 2× slower on M."""
        if self.expected == "linear":
            return self.time_ratio <= 1.5 * self.size_ratio
        return self.time_ratio <= 2.0


def amount(value: float | None, unit: str = "s") -> str:
    """``12.3 ms``, ``1.23 s``, ``512 MB``, a share ``81.2 %``, a score ``0.183``,
    percentage points ``2.41 pts``; ``—`` for nothing.

    >>> amount(0.0123), amount(1.234), amount(812.4, "MB"), amount(None), amount(2.414, "points")
    ('12.3 ms', '1.23 s', '812 MB', '—', '2.41 pts')
    """
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "share":
        return f"{value * 100:.1f} %"
    if unit == "score":
        return f"{value:.3f}"
    if unit == "points":
        return f"{value:.2f} pts"
    if value < 1:
        return f"{value * 1000:.2f} ms" if value < 0.01 else f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def _verdict(met: bool | None) -> str:
    return "—" if met is None else ("yes" if met else "**no**")


def table(rows: list[Row]) -> str:
    """The Markdown table of :class:`Row`, with numbered notes below it.

    >>> print(table([Row("x", 0.002, 0.001, "< 20 ms", True, note="n")]))
    | operation | measured (median) | reference (median) | ratio | target | met? |
    |---|---|---|---|---|---|
    | x [1] | 2.00 ms | 1.00 ms | 2.00× | < 20 ms | yes |
    <BLANKLINE>
    1. n
    """
    lines = [
        "| operation | measured (median) | reference (median) | ratio | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    notes: list[str] = []
    for row in rows:
        name = row.operation
        if row.note:
            notes.append(row.note)
            name = f"{name} [{len(notes)}]"
        ratio = "—" if row.ratio is None else _times(row.ratio)
        lines.append(
            f"| {name} | {amount(row.measured, row.unit)} | {amount(row.reference, row.unit)} "
            f"| {ratio} | {row.target} | {_verdict(row.met)} |"
        )
    if notes:
        lines.append("")
        lines += [f"{i}. {note}" for i, note in enumerate(notes, start=1)]
    return "\n".join(lines)


def _times(ratio: float) -> str:
    """A ratio with two decimals below 10 (a target such as 1.5× or 0.17× is read to that
    precision), one above.

    >>> _times(0.1683), _times(1.496), _times(21.34)
    ('0.17×', '1.50×', '21.3×')
    """
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.1f}×"


def growth_table(rows: list[Growth]) -> str:
    """The Markdown table of :class:`Growth`.

    >>> print(growth_table([Growth("q", 0.01, 0.012, 1.0, "flat")]))
    | operation | S | M | input M/S | time M/S | expected | met? |
    |---|---|---|---|---|---|---|
    | q | 10.0 ms | 12.0 ms | 1.0× | 1.2× | flat | yes |
    """
    lines = [
        "| operation | S | M | input M/S | time M/S | expected | met? |",
        "|---|---|---|---|---|---|---|",
    ]
    for g in rows:
        lines.append(
            f"| {g.operation} | {amount(g.small)} | {amount(g.large)} | {g.size_ratio:.1f}× "
            f"| {g.time_ratio:.1f}× | {g.expected} | {_verdict(g.met)} |"
        )
    return "\n".join(lines)


def machine() -> str:
    """CPU model, cores, memory, Python and library versions, in one line."""
    cpu = _cpu_model()
    memory = _memory_gib()
    versions = ", ".join(f"{name} {_version(name)}" for name in LIBRARIES)
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM; "
        f"Python {platform.python_version()}; {versions}"
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return 0.0


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
