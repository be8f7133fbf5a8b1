"""Entry point for ``python -m bxgc_metrics``."""

from bxgc_metrics.cli import main

raise SystemExit(main())
