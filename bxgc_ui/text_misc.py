"""Texts shared by several pages."""

TEXT: dict[str, tuple[str, str]] = {
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "status_ahead": ("超进度", "ahead"),
    "status_on_pace": ("符合进度", "on pace"),
    "status_behind": ("滞后", "behind"),
    "status_unknown": ("—", "—"),
}
