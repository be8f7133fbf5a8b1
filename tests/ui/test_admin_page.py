"""The 用户与审计 page: an admin changes a user's role and resets a password there, reads
the audit log's actions in words and the wall links (or that there are none)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bxgc_metrics.store import moving, reference
from bxgc_ui.auth import SESSION_KEY
from bxgc_ui.views.admin import ACTIONS
from tests.conftest import ADMIN, ROOT, admin_store
from tests.ui.folds import admin_page


def test_an_admin_changes_a_role_and_resets_a_password(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin_store(demo_db).create_user("zhou", "Zhou-2026-before", "analyst")
    monkeypatch.setenv("BXGC_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[SESSION_KEY] = ADMIN
    at.session_state["lang"] = "zh"
    at.run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="adm_pick").set_value("zhou").run()
    assert at.selectbox(key="adm_change_role_zhou@zh").value == "analyst"
    at.selectbox(key="adm_change_role_zhou@zh").set_value("viewer")
    at.text_input(key="adm_change_password_zhou").input("Zhou-2026-after!")
    next(b for b in at.button if b.label == "保存修改").click().run()
    assert not at.exception and not at.error
    assert "已保存。" in [s.value for s in at.success]
    store = admin_store(demo_db)
    users = store.users().set_index("username")
    assert users.loc["zhou", "role"] == "viewer"
    assert store.sign_in("zhou", "Zhou-2026-before") is None
    signed = store.sign_in("zhou", "Zhou-2026-after!")
    assert signed is not None and signed.role == "viewer"
    (change,) = admin_store(demo_db).audit_log(action="user_update")["after_json"]
    assert '"role": "viewer"' in change and "Zhou-2026-after" not in change


def _admin_page(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "zh") -> AppTest:
    return admin_page(db, monkeypatch, "pages/admin.py", lang)


def test_every_action_the_store_records_is_named_in_words() -> None:
    """The audit log names its actions in words; an action the store records that the
    page has no words for would show as a bare code."""
    literal = re.compile(
        r'(?:_audit\(\s*con,|audit\.append\(\s*[\w.\[\]]+,\s*[\w.\[\]"]+,|append_audit\()\s*"([a-z_]+)"'
    )
    found: set[str] = set()
    for path in [*(ROOT / "bxgc_metrics").rglob("*.py"), *(ROOT / "bxgc_ui").rglob("*.py")]:
        found |= set(literal.findall(path.read_text(encoding="utf-8")))
    assert {"import", "undo", "sign_in", "report", "wall_token_create"} <= found
    # actions named by a variable: the tables a write replaces, the ways a session ends
    named = {*reference._SELECT, "units", "indicators", "sign_out", "session_expired"}
    missing = (found | named | {moving.ACTION}) - set(ACTIONS)
    assert not missing, missing


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_audit_log_names_actions_in_the_readers_language_beside_their_codes(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    admin_store(demo_db).create_user("qian", "Qian-2026-first", "analyst")
    admin_store(demo_db).append_audit("made_up_action", "x")
    at = _admin_page(demo_db, monkeypatch, lang)
    header = "操作" if lang == "zh" else "Action"
    (log,) = [d.value for d in at.dataframe if header in d.value.columns]
    shown = set(log[header])
    assert ("新增用户（user_create）" if lang == "zh" else "Add a user (user_create)") in shown
    assert "made_up_action" in shown  # no words: its code
    assert not [a for a in shown if a in ACTIONS]  # no known action as a bare code


def test_no_wall_links_is_said_in_words(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _admin_page(demo_db, monkeypatch)
    assert "还没有大屏链接。" in [i.value for i in at.info]
    assert not [d for d in at.dataframe if "链接名称" in d.value.columns]
    admin_store(demo_db).create_wall_token("三楼会议室")
    at.run()
    (links,) = [d.value for d in at.dataframe if "链接名称" in d.value.columns]
    assert links["链接名称"].tolist() == ["三楼会议室"]


def test_a_new_wall_link_is_the_whole_address_to_open_in_the_meeting_room(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shown once: the address with the host (and any path a proxy serves the dashboard
    under) that the admin's browser reached, so it can be typed into the room's computer."""
    import streamlit as st

    page = "http://10.20.30.40:8501/admin"
    monkeypatch.setattr(type(st.context), "url", property(lambda _self: page))
    at = _admin_page(demo_db, monkeypatch)
    at.text_input(key="adm_token_label").input("三楼会议室")
    next(b for b in at.button if b.key == "adm_token_create").click().run()
    (link,) = [c.value for c in at.get("code")]
    assert link.startswith("http://10.20.30.40:8501/meeting?embed=true&embed_options=dark_theme")
    token = link.rsplit("token=", 1)[1]
    assert admin_store(demo_db).wall_token_label(token) == "三楼会议室"
