"""The page every reader gets when the database file cannot be read.

A damaged file (cut short, wrong bytes, not a database at all) or one written by a newer
release would otherwise give each visitor a traceback with the server's paths. ``app.py``
asks :func:`problem` before anything else reads the store and shows :func:`show` instead
of the page. Damage that only shows when a page reads the damaged part is caught by
:func:`guard` around the page (and around the meeting screen's self-refreshing
fragments): the file is remembered as damaged until it changes (a restore replaces it)
and the run starts again, so this reader and every later one, on any page, get the same
clear page rather than half a page and an error.

The page names the file only, never where it is, gives the restore command and lists
the backups there are by name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

import streamlit as st

from bxgc_metrics.errors import CorruptDatabaseError, SchemaTooNewError, StoreError
from bxgc_metrics.store import RESTORE_COMMAND, backup_time, backups
from bxgc_ui import data
from bxgc_ui.i18n import Texts

TEXTS: dict[str, tuple[str, str]] = {
    "broken_title": ("数据库文件无法读取", "The database file cannot be read"),
    "broken_body": (
        "数据库文件 {name} 已损坏或不是数据库文件，看板暂时无法显示数据。"
        "每次导入、撤销和修改设置之前都会备份，可以从备份恢复。",
        "The database file {name} is damaged or is not a database, so the dashboard "
        "cannot show its data. A backup is taken before imports, undos and changes of "
        "settings, so the data can be brought back from one.",
    ),
    "broken_how": (
        "请管理员先停止导入，然后在服务器上启动看板的目录中运行（使用与看板相同的 "
        "`BXGC_DB` 设置），从最新的备份恢复：",
        "An administrator stops any importers, then runs this on the server, in the "
        "folder the dashboard was started from and with the same `BXGC_DB` setting, to "
        "bring back the newest backup:",
    ),
    "broken_other": (
        "要恢复更早的备份：`python -m bxgc_metrics restore --backup <备份文件>`；"
        "`python -m bxgc_metrics restore --list` 列出全部备份。损坏的文件会保留在备份目录中。",
        "To bring back an earlier one: `python -m bxgc_metrics restore --backup <backup "
        "file>`; `python -m bxgc_metrics restore --list` lists them all. The damaged "
        "file is kept in the backups folder.",
    ),
    "broken_after": (
        "恢复后刷新本页即可。恢复会结束所有登录会话，所有用户需要重新登录。",
        "Reload this page after the restore. A restore ends every sign-in session: "
        "everyone signs in again.",
    ),
    "broken_backups": ("现有备份（最新在前，共 {n} 个）", "Backups, newest first ({n})"),
    "broken_none": (
        "没有找到备份：请从其他副本恢复 {name}，或联系技术支持。",
        "No backups were found: bring {name} back from another copy, or ask for support.",
    ),
    "broken_item": (
        "- `{name}`：{taken}（服务器时间），{size} MB",
        "- `{name}`: {taken} (server time), {size} MB",
    ),
    "broken_too_new": (
        "数据库文件 {name} 由更新版本的程序写入，本版本无法读取。请升级程序后再打开看板。",
        "The database file {name} was written by a newer release of this program; "
        "this one cannot read it. Upgrade the program, then open the dashboard again.",
    ),
}

t = Texts(TEXTS)

_SEEN: dict[str, tuple[tuple[int, int, int] | None, StoreError]] = {}
"""Files found damaged while a page read them, by path: the file as it was then (inode,
size, modification time) and the error. A changed file is looked at afresh."""

_RERUN_KEY = "_bxgc_unreadable_rerun"
"""Set while a run started again because a page met damage (it shows the page then)."""

_UNREADABLE = (CorruptDatabaseError, SchemaTooNewError)


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


def problem() -> StoreError | None:
    """Why the database cannot be read, or ``None`` when it can (it opens, its schema is
    known and no page has met damage in it since it last changed)."""
    path = data.store().path
    seen = _SEEN.get(str(path))
    if seen is not None and seen[0] == _identity(path):
        st.session_state.pop(_RERUN_KEY, None)
        return seen[1]
    try:
        data.store().data_version()
    except _UNREADABLE as exc:
        st.session_state.pop(_RERUN_KEY, None)
        return exc
    return None


@contextmanager
def guard() -> Iterator[None]:
    """Run a page (or a fragment); damage met inside starts the run again on this page."""
    try:
        yield
    except _UNREADABLE as exc:
        path = data.store().path
        _SEEN[str(path)] = (_identity(path), exc)
        if st.session_state.pop(_RERUN_KEY, False):  # the file keeps changing: say it here
            show(exc)
            st.stop()
        st.session_state[_RERUN_KEY] = True
        st.rerun()


P = ParamSpec("P")
R = TypeVar("R")


def guarded(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` run inside :func:`guard` (for fragments, which rerun on their own)."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with guard():
            return function(*args, **kwargs)
        raise AssertionError("unreachable: guard stops or reruns")  # pragma: no cover

    return run


def backup_list(db: Path) -> list[str]:
    """The backups of ``db`` as Markdown list items, newest first: name (no folder), when
    it was taken and its size."""
    return [
        t(
            "broken_item",
            name=p.name,
            taken=f"{backup_time(p):%Y-%m-%d %H:%M:%S}",
            size=f"{p.stat().st_size / 1e6:.1f}",
        )
        for p in backups(db)
    ]


def show(error: StoreError) -> None:
    """The restore page: what is wrong with which file, the command, the backups."""
    name = data.store().path.name
    st.title(t("broken_title"))
    if isinstance(error, SchemaTooNewError):
        st.error(t("broken_too_new", name=name), icon=":material/upgrade:")
        return
    st.error(t("broken_body", name=name), icon=":material/broken_image:")
    st.markdown(t("broken_how"))
    st.code(RESTORE_COMMAND, language="bash")
    st.markdown(t("broken_other"))
    st.markdown(t("broken_after"))
    listed = backup_list(data.store().path)
    if not listed:
        st.warning(t("broken_none", name=name), icon=":material/warning:")
    else:
        st.subheader(t("broken_backups", n=len(listed)))
        st.markdown("\n".join(listed))
