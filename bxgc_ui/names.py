"""Display names of units and indicators in the reader's language, by code.

Pages and views name units in tables, select boxes and charts; they all take the names
from here, so a unit reads the same everywhere (``name_en`` in English when there is one).
"""

from __future__ import annotations

import pandas as pd

from bxgc_ui.i18n import lang, name


def names(rows: pd.DataFrame) -> dict[str, str]:
    """Display name of every row (units or indicators) by code, in the reader's language."""
    language = lang()
    return {row.code: name(row, language=language) for row in rows.itertuples()}
