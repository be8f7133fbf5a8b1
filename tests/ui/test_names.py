"""Display names by code: every page names a unit the way :func:`bxgc_ui.i18n.name` names
its row, in either language, whatever the English name holds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bxgc_ui import names as names_module
from bxgc_ui.i18n import name

ENGLISH = st.one_of(st.none(), st.just(""), st.just(np.nan), st.text(max_size=6))


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.tuples(st.text(min_size=1, max_size=4), ENGLISH), max_size=12),
    language=st.sampled_from(["zh", "en"]),
    with_english=st.booleans(),
)
def test_each_code_is_named_as_its_row_is(rows, language, with_english) -> None:
    frame = pd.DataFrame(
        {
            "code": [f"U{i:02d}" for i in range(len(rows))],
            "name_zh": [zh for zh, _ in rows],
            "name_en": [en for _, en in rows],
        },
        columns=["code", "name_zh", "name_en"],
    )
    if not with_english:
        frame = frame.drop(columns="name_en")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(names_module, "lang", lambda: language)
        named = names_module.names(frame)
    expected = {row.code: name(row, language=language) for row in frame.itertuples()}
    assert named == expected
    assert list(named) == list(frame["code"])


def test_an_english_name_is_used_only_in_english_and_only_when_given() -> None:
    frame = pd.DataFrame(
        {"code": ["A", "B", "C"], "name_zh": ["东城街道", "西城街道", "南关街道"],
         "name_en": ["Dongcheng", None, ""]}
    )  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(names_module, "lang", lambda: "en")
        assert names_module.names(frame) == {"A": "Dongcheng", "B": "西城街道", "C": "南关街道"}
        patch.setattr(names_module, "lang", lambda: "zh")
        assert names_module.names(frame) == {"A": "东城街道", "B": "西城街道", "C": "南关街道"}
