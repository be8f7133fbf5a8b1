"""Peak memory of one import, in a process of its own: ``python -m bench.memory CSV DB``.

Prints one JSON line: ``start_mb`` (RSS after importing the libraries), ``peak_mb`` (the
peak RSS, ``VmHWM``) and ``seconds`` (analyse + commit). ``VmHWM`` belongs to this
program's memory map, which ``exec`` made new; ``ru_maxrss`` would also count the forked
parent's pages, i.e. the benchmark process that generated the data.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.cases import ANALYST, LIMITS, TODAY
from bxgc_metrics.importer.service import analyse, commit
from bxgc_metrics.store import Store


def _status_mb(field: str) -> float:
    """A memory figure of this process from Linux ``/proc/self/status``, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(csv: str, db: str) -> dict[str, float]:
    """Import ``csv`` into ``db`` and measure."""
    start = _status_mb("VmRSS")
    store = Store(db, actor=ANALYST)
    began = time.perf_counter()
    path = Path(csv)
    plan = analyse(path.read_bytes(), path.name, store, today=TODAY, limits=LIMITS)
    commit(plan, store, who="bench")
    seconds = time.perf_counter() - began
    return {"start_mb": start, "peak_mb": _status_mb("VmHWM"), "seconds": seconds}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
