"""Texts of the meeting screen (会议大屏)."""

from __future__ import annotations

from bxgc_ui import ranking_labels
from bxgc_ui.i18n import Texts

TEXTS: dict[str, tuple[str, str]] = {
    "meeting_title": ("会议大屏", "Meeting screen"),
    "meeting_settings": ("大屏设置", "Screen settings"),
    "meeting_by": ("排名依据", "Rank by"),
    "meeting_by_completion": ("完成率", "Completion rate"),
    "meeting_by_growth": ("同比增长", "YoY growth"),
    "meeting_group": ("组别", "Peer group"),
    "meeting_every": ("刷新间隔（秒）", "Refresh every (seconds)"),
    "meeting_carousel": ("轮播指标", "Rotate indicators"),
    "meeting_carousel_help": (
        "打开后每个指标的内容播完即切换到下一个指标。",
        "When on, the screen moves on to the next indicator once this one has been shown.",
    ),
    "meeting_views": ("大屏内容（依次轮播）", "Shown in turn"),
    "meeting_view_ranking": ("实时排名", "Live ranking"),
    "meeting_view_race": ("排名赛跑", "Ranking race"),
    "meeting_turn": ("翻页间隔（秒）", "Page turns every (seconds)"),
    "meeting_theme": ("配色", "Colours"),
    "meeting_theme_dark": ("深色", "Dark"),
    "meeting_theme_light": ("浅色高对比", "Light, high contrast"),
    "meeting_pace": ("显示时间进度线与进度颜色", "Time-elapsed line and pace colours"),
    "meeting_flags": ("标出待核实数据（⚠）", "Mark figures to verify (⚠)"),
    "meeting_flags_help": (
        "单位名称后的 ⚠ 表示该单位本期这项数据有待核实的预警（见“数据质量”页），不影响排名。大屏链接中带 flags=1 时显示。",
        "A ⚠ after a unit's name: a data-quality flag on its figure for the period is open "
        "(see the Data quality page); it does not change the ranking. The wall link shows "
        "it with flags=1.",
    ),
    "meeting_kiosk": ("投屏链接（全屏）", "Projector link (full screen)"),
    "meeting_preview": (
        "下方为大屏预览；投屏请在会议室电脑上打开侧栏中的投屏链接。",
        "Below is a preview of the wall; on the meeting-room computer open the projector "
        "link from the sidebar.",
    ),
    "meeting_page": ("第{page}/{pages}页", "Page {page}/{pages}"),
    "meeting_key_top": ("前三名", "Top three"),
    "meeting_key_last": ("末位", "Last places"),
    "meeting_key_up": ("进位", "up"),
    "meeting_key_down": ("退位", "down"),
    "meeting_key_ahead": ("超进度", "Ahead"),
    "meeting_key_on_pace": ("符合进度（±{pp}个百分点）", "On pace (±{pp} pt)"),
    "meeting_key_behind": ("滞后", "Behind"),
    "meeting_reported": ("已报 {n}/{m} 个单位", "{n} of {m} units reported"),
    "meeting_race_sub": ("{year}年逐月排名", "Month by month, {year}"),
    "meeting_race_more": ("另有 {n} 个单位", "{n} more units"),
    "meeting_race_heading": (
        "排名赛跑 · {indicator} · {by}",
        "Ranking race · {indicator} · {by}",
    ),
    "meeting_heading": ("{indicator} · {by}排名", "{indicator} · {by} ranking"),
    "meeting_stamp": (
        "{period} · {group} · 最后更新 {time} · 每 {every} 秒自动刷新",
        "{period} · {group} · last updated {time} · refreshes every {every} s",
    ),
    "meeting_no_data": ("该指标暂无可排名的数据。", "This indicator has nothing to rank yet."),
    "meeting_rank": ("名次", "Rank"),
    "meeting_change": ("升降", "Move"),
    "meeting_last": ("末位", "last"),
    "meeting_time_line": ("时间进度 {pct}", "time elapsed {pct}"),
    "meeting_race": ("排名赛跑：{year}年逐月排名", "Ranking race: month by month, {year}"),
    "meeting_race_help": (
        "按 ▶ 播放；横轴固定，同值按单位代码排序。",
        "Press ▶ to play; the axis is fixed and ties keep unit-code order.",
    ),
    "meeting_play_slow": ("▶ 慢速", "▶ Slow"),
    "meeting_play": ("▶ 播放", "▶ Play"),
    "meeting_play_fast": ("▶ 快速", "▶ Fast"),
    "meeting_pause": ("‖ 暂停", "‖ Pause"),
    "meeting_period": ("期间：", "Period: "),
    "meeting_race_cut": (
        "每月显示前 {top} 名和后 {bottom} 名。",
        "Each month shows the first {top} and the last {bottom} places.",
    ),
}

t = Texts(TEXTS, ranking_labels.TEXTS)
"""The meeting screen's texts, with the ranking labels (groups, 新) it shares."""
