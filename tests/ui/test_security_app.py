"""Access and hostile names through the pages, under AppTest."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from bxgc_metrics.store import Store
from bxgc_ui import auth
from tests.conftest import ROOT, admin_store, board_html, board_rows
from tests.ui.folds import every_view

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))

HOSTILE = [
    "<script>alert(1)</script>",
    "'; DROP TABLE units; --",
    "长" * 5000,
    "控制\x00字符\x07\x1b[31m\r\n\t尾",
    "<img src=x onerror=alert(1)>**粗体** [链接](javascript:alert(1))",
]


def _app(
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    page: str,
    *,
    state: dict[str, object] | None = None,
    **query: str,
) -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_a_viewer_clicking_every_button_changes_nothing(
    page: str, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In every tab and fold of the page."""
    version = Store(demo_db).data_version()
    for view, at in every_view(lambda state: _app(demo_db, monkeypatch, page, state=state)):
        for i in range(len(at.button)):
            if not at.button[i].disabled:
                at.button[i].click().run()
                assert not at.exception, (view, at.exception)
    assert Store(demo_db).data_version() == version


@pytest.mark.parametrize("page", ["pages/upload.py", "pages/settings.py", "pages/admin.py"])
def test_write_pages_ask_a_viewer_to_sign_in(
    page: str, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch, page)
    assert any("登录" in i.value for i in at.info)


def test_the_sign_in_page_posts_a_constant_form_and_shows_a_failure(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch, "pages/signin.py")
    forms = [h.proto.body for h in at.get("html") if "<form" in h.proto.body]
    assert len(forms) == 1 and 'action="/auth/signin"' in forms[0]
    assert 'method="post"' in forms[0] and 'type="password"' in forms[0]
    assert not at.text_input and not at.error  # the password never reaches a widget
    at = _app(demo_db, monkeypatch, "pages/signin.py", failed="1")
    assert at.error and "密码" in at.error[0].value


def _token(db: Path, username: str = "li", role: str = "analyst") -> str:
    admin_store(db).create_user(username, "pw-li-123", role)
    opened = Store(db).open_session(username, "pw-li-123", hours=8)
    assert opened is not None
    return opened[1]


def _with_cookie(monkeypatch: pytest.MonkeyPatch, token: str | None) -> None:
    """What ``st.context.cookies`` would carry: AppTest cannot seed cookies in 1.67."""
    monkeypatch.setattr(auth, "session_token", lambda: token)


def _asks_to_sign_in(at: AppTest) -> bool:
    return any("登录" in i.value for i in at.info)


def _sidebar(at: AppTest) -> str:
    return " ".join(c.value for c in at.sidebar.caption)


def test_a_session_cookie_signs_the_reader_in_on_every_run(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token(demo_db)
    _with_cookie(monkeypatch, token)
    at = _app(demo_db, monkeypatch, "pages/upload.py")
    assert "li" in _sidebar(at) and "分析员" in _sidebar(at)
    assert at.get("file_uploader") and not _asks_to_sign_in(at)
    # Demoted: the next run acts with the new role; disabled: the next run reads anonymously.
    admin_store(demo_db).update_user("li", role="viewer")
    at.run()
    assert "查看者" in _sidebar(at) and not at.get("file_uploader")
    admin_store(demo_db).update_user("li", disabled=True)
    at.run()
    assert "未登录" in _sidebar(at) and not at.get("file_uploader")


def test_an_ended_or_unknown_session_cookie_reads_anonymously(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token(demo_db)
    Store(demo_db).end_session(token)
    for cookie in (token, "guess", ""):
        _with_cookie(monkeypatch, cookie)
        at = _app(demo_db, monkeypatch, "pages/upload.py")
        assert "未登录" in _sidebar(at) and not at.get("file_uploader")


def test_a_session_cookie_opens_a_closed_dashboard(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_PUBLIC_READ", "0")
    _with_cookie(monkeypatch, _token(demo_db, "wang", "viewer"))
    at = _app(demo_db, monkeypatch, "pages/overview.py")
    assert at.metric and at.get("plotly_chart") and not _asks_to_sign_in(at)


def _main_nodes(at: AppTest) -> list:
    """The main area's elements in page order (blocks left out)."""
    return [n for n in at.main if not hasattr(n, "children")]


def test_upload_says_at_the_top_that_importing_needs_an_account(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch, "pages/upload.py")
    nodes = _main_nodes(at)
    kinds = [n.type for n in nodes]
    assert kinds[:3] == ["title", "info", "page_link"], kinds  # title, notice, sign-in link
    assert "分析员" in at.info[0].value and "登录" in at.info[0].value
    assert nodes[2].proto.query_string == "next=upload"
    assert not at.get("file_uploader")  # nothing to walk through before learning it
    assert at.get("download_button")  # the templates stay


def test_gaps_are_read_only_for_an_anonymous_reader(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch, "pages/gaps.py")
    kinds = [n.type for n in _main_nodes(at)]
    assert kinds[:2] == ["title", "info"], kinds
    assert "分析员" in at.info[0].value
    assert not at.data_editor and not at.button
    assert len(at.dataframe) >= 3  # overdue items, the gaps themselves, the look back


def test_gaps_stay_editable_for_an_analyst(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _with_cookie(monkeypatch, _token(demo_db))
    at = _app(demo_db, monkeypatch, "pages/gaps.py")
    assert len(at.data_editor) == 1 and at.button(key="gaps_save")
    assert not _asks_to_sign_in(at)


@pytest.mark.parametrize("page", ["pages/settings.py", "pages/admin.py"])
def test_settings_and_admin_say_at_the_top_which_role_they_need(
    page: str, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch, page)
    kinds = [n.type for n in _main_nodes(at)]
    assert kinds[:2] == ["title", "info"], kinds
    assert "管理员" in at.info[0].value
    # Tables a reader may not change are shown with every column locked.
    assert all(e.proto.disabled and e.proto.editing_mode == 1 for e in at.data_editor)


def test_closed_mode_shows_only_the_sign_in_page(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_PUBLIC_READ", "0")
    at = _app(demo_db, monkeypatch, "pages/overview.py")
    assert not at.dataframe and not at.metric
    assert any("登录" in i.value for i in at.info)


def test_the_wall_link_opens_the_meeting_screen_until_revoked(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_PUBLIC_READ", "0")
    store = admin_store(demo_db)
    token = store.create_wall_token("会议室")
    at = _app(demo_db, monkeypatch, "pages/meeting.py", token=token)
    assert not at.exception and not at.error
    assert len(board_rows(board_html(at))) > 5
    at.switch_page("pages/overview.py").run()  # the link opens nothing else
    assert at.error and not at.dataframe
    store.revoke_wall_token(store.wall_tokens().iloc[0]["id"])
    at = _app(demo_db, monkeypatch, "pages/meeting.py", token=token)
    assert at.error and "吊销" in at.error[0].value
    assert not any("bxgc-board" in h.value for h in at.html)
    wrong = _app(demo_db, monkeypatch, "pages/meeting.py", token="guess")
    assert wrong.error and not any("bxgc-board" in h.value for h in wrong.html)


def test_hostile_names_are_stored_exactly_and_shown_as_text(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = admin_store(demo_db)
    units = store.units()
    renamed = units[units["code"].isin(["JD01", "JD02", "JD03", "JD04", "JD05"])].copy()
    renamed["name_zh"] = HOSTILE
    store.upsert_units(renamed)
    indicators = store.indicators()
    fai = indicators[indicators["code"] == "FAI"].assign(name_zh=HOSTILE[0])
    store.upsert_indicators(fai)
    stored = Store(demo_db).units().set_index("code").loc[renamed["code"], "name_zh"]
    assert stored.tolist() == HOSTILE  # a round trip changes nothing
    assert len(Store(demo_db).units()) == len(units)  # and nothing was dropped
    for page in ["pages/overview.py", "pages/rankings.py", "pages/meeting.py"]:
        cells: set[str] = set()
        for view, at in every_view(
            lambda state, p=page: _app(demo_db, monkeypatch, p, state=state)
        ):
            assert not at.exception, (page, view, at.exception)
            cells |= {
                str(v)
                for frame in at.dataframe
                for v in pd.DataFrame(frame.value).to_numpy().ravel()
            } | {row["unit"] for h in at.html for row in board_rows(h.value)}
            # Markdown elements (the overview's honour lists) carry names escaped: the stars,
            # brackets and angle brackets show as typed instead of formatting or linking.
            for block in at.markdown:
                assert "**粗体**" not in block.value and "](javascript" not in block.value, view
        assert any(name in cells for name in HOSTILE), page


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


BOARD_MARKUP = {"shown.html", "meeting.stamp(stamp, meeting.LOOKS[settings.theme])"}
"""The meeting page's ``st.html`` of markup built by :mod:`bxgc_ui.views.meeting.board`,
which escapes every name and figure it writes (``tests/ui/test_board.py`` feeds it any
text and reads back only its own tags, attributes and the text as typed)."""


def test_no_html_is_rendered_from_data() -> None:
    """No page or helper turns on unsafe HTML; ``st.html`` only with a module constant,
    or with the wall board's escaped markup on the meeting page."""
    sources = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("bxgc_ui/**/*.py")]
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree):
            for kw in call.keywords:
                assert kw.arg != "unsafe_allow_html", f"{path.name}:{call.lineno}"
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr == "html":
                args = call.args
                ok = len(args) == 1 and isinstance(args[0], ast.Name) and args[0].id.isupper()
                ok = ok or (path.name == "meeting.py" and ast.unparse(args[0]) in BOARD_MARKUP)
                assert ok, f"st.html with a non-constant argument in {path.name}:{call.lineno}"


def test_late_milestones_are_listed_as_typed() -> None:
    """The campaign page's warning lists late milestones in markdown: a name's stars,
    brackets and tags are escaped, so it reads as typed."""
    from bxgc_ui.views import campaign

    late = pd.DataFrame(
        {
            "name_zh": [HOSTILE[4]],
            "name_en": ["x"],
            "due_date": [pd.Timestamp("2026-09-30")],
            "days_late": [62],
        }
    )
    text = campaign.late_text(late)
    assert text.splitlines()[1].endswith("：时限 2026-09-30，已逾期 62 天")
    assert "**粗体**" not in text and "](javascript" not in text
    assert "\\*\\*粗体\\*\\*" in text


MARKED = "**粗**:red[红][链接](http://x)$x$<b>b</b>"
"""Typed text that markdown would read as bold, colour, a link, maths and a tag."""


def _read_as_typed(text: str) -> None:
    """``text`` (a markdown element's value) carries :data:`MARKED` escaped only."""
    assert "**粗**" not in text and ":red[" not in text and "](http" not in text, text
    assert "$x$" not in text, text


def test_the_upload_wizards_questions_name_what_the_file_says_as_typed() -> None:
    """The select boxes asking which unit a name is, and which measure an indicator is in,
    carry the file's names in their labels (markdown): escaped, they read as typed."""

    def wizard() -> None:
        import pandas as pd

        from bxgc_ui.views import upload

        matches = pd.DataFrame(
            {
                "name": ["**粗**:red[红][链接](http://x)$x$<b>b</b>"],
                "code": [None],
                "how": ["near"],
                "score": [0.8],
                "suggestion": ["JD01"],
                "candidates": [("JD01",)],
            }
        )
        reference = pd.DataFrame({"code": ["JD01"], "name_zh": ["东城街道"], "name_en": [None]})
        upload.match_choices(matches, reference, "unit")
        asking = pd.DataFrame(
            {
                "name": ["**粗**:red[红][链接](http://x)$x$<b>b</b>"],
                "sheet": ["**表**:red[红]$x$"],
                "columns": [("C",)],
                "options": [("万元", "亿元")],
            }
        )
        upload.measure_choices(asking)

    at = AppTest.from_function(wizard).run()
    assert not at.exception, at.exception
    labels = [box.label for box in at.selectbox]
    assert len(labels) == 2
    for label in labels:
        _read_as_typed(label)
        assert "\\*\\*粗\\*\\*" in label


def test_catch_up_headline_figures_read_a_typed_measure_as_typed(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The measure is typed text (the settings, or an import that creates an indicator):
    the headline figures and their help carry it escaped."""
    store = admin_store(demo_db)
    store.upsert_indicators(pd.DataFrame({"code": ["FAI"], "measure": [MARKED]}))
    at = _app(demo_db, monkeypatch, "pages/catchup.py", unit="JD01", indicator="FAI")
    assert not at.exception, at.exception
    assert at.metric
    for m in at.metric:
        for text in (m.value, m.label, m.proto.help, m.proto.delta):
            _read_as_typed(text)
    for element in [*at.markdown, *at.caption, *at.success, *at.info, *at.warning]:
        _read_as_typed(element.value)


def test_an_error_names_what_was_typed_as_typed() -> None:
    """A refusal quotes the code or name the reader typed: shown escaped."""

    def failing() -> None:
        from bxgc_metrics.errors import StoreError
        from bxgc_ui.widgets import refused

        refused(StoreError("指标 **粗**[链接](http://x) 以“%”计量", "Indicator **粗**"))

    at = AppTest.from_function(failing).run()
    assert not at.exception, at.exception
    (error,) = at.error
    _read_as_typed(error.value)
    assert "\\*\\*粗\\*\\*" in error.value


def test_no_page_shows_an_error_text_unescaped() -> None:
    """Every refusal goes through :func:`bxgc_ui.widgets.refused`: no page passes an
    exception's text to a Streamlit element as markdown."""
    sources = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("bxgc_ui/**/*.py")]
    for path in sources:
        for call in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            if ast.unparse(call.func) == "md":  # the one place: refused() escapes it
                continue
            for arg in call.args:
                text = ast.unparse(arg)
                assert not re.search(r"^exc\w*\.text\(", text), f"{path.name}:{call.lineno}"
