"""Entry point for ``python -m bxgc_docs``."""

from bxgc_docs.cli import main

raise SystemExit(main())
