"""Texts shared by several pages."""

TEXT: dict[str, tuple[str, str]] = {
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "status_ahead": ("超进度", "ahead"),
    "status_on_pace": ("符合进度", "on pace"),
    "status_behind": ("滞后", "behind"),
    "status_unknown": ("—", "—"),
}

TEXT.update(
    {
        "ov_time": ("时间进度", "Time elapsed"),
        "ov_ranked_units": ("参与排名单位", "Units ranked"),
        "no_rankable": (
            "还没有可以按月排名的指标：需要月度报送、按完成率或增长排名的指标（比率类指标不排名）。",
            "No indicator can be ranked month by month yet: ranking needs a monthly indicator "
            "measured against a target or a year earlier (rates are not ranked).",
        ),
        "ov_on_track": ("达到时间进度的单位", "Units keeping pace"),
        "ov_honour": ("红榜（完成率前三名）", "Honour list (top three places)"),
        "ov_warning": ("黑榜（完成率后三名）", "Warning list (last three places)"),
        "ov_pace_col": ("进度", "Pace"),
        "ov_gap_pp": ("与时间进度差（个百分点）", "Against time elapsed (points)"),
        "ov_matrix": (
            "时间过半、任务过半：各单位各指标完成率与时间进度之差（个百分点）",
            "Keeping pace: completion minus time elapsed, per unit and indicator (points)",
        ),
        "ov_matrix_help": (
            "绿色为超进度，红色为滞后；外部标杆不参与。",
            "Green is ahead, red is behind; external benchmarks are left out.",
        ),
        "ov_matrix_more": (
            "单位较多，仅列出滞后指标最多的 {n} 个单位（共 {total} 个）；完整矩阵请下载。",
            "Many units: listing the {n} with the most indicators behind (of {total}); "
            "download the whole matrix.",
        ),
        "ov_matrix_export": ("下载完整矩阵（Excel）", "Download the whole matrix (Excel)"),
        "ov_group": ("组别", "Peer group"),
        "chart_cut": (
            "共 {total} 个单位：图中为前 {top} 名和后 {bottom} 名，完整名单见表格。",
            "{total} units: the chart shows the first {top} and the last {bottom}; "
            "the table lists them all.",
        ),
    }
)
