"""The 用户与审计 page: an admin changes a user's role and resets a password there."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bxgc_ui.auth import SESSION_KEY
from tests.conftest import ADMIN, ROOT, admin_store


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
