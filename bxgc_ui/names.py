"""Display names of units and indicators in the reader's language, by code.

Pages and views name units in tables, select boxes and charts; they all take the names
from here, so a unit reads the same everywhere (``name_en`` in English when there is one).
"""

from __future__ import annotations

import pandas as pd

from bxgc_ui.i18n import english_or, lang


def names(rows: pd.DataFrame) -> dict[str, str]:
    """Display name of every row (units or indicators) by code, in the reader's language
    (:func:`~bxgc_ui.i18n.name` of each row, read column by column: a province's thousand
    units are named on every rerun of a page that lists them)."""
    codes, chinese = rows["code"].tolist(), rows["name_zh"].tolist()
    if lang() != "en" or "name_en" not in rows:
        return dict(zip(codes, chinese, strict=True))
    english = rows["name_en"].tolist()
    return {code: english_or(zh, en) for code, zh, en in zip(codes, chinese, english, strict=True)}
