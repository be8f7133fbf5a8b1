"""A plain-text report of an import plan, for the command line."""

from __future__ import annotations

from bxgc_metrics.importer.service import ImportPlan

_LABEL = {"error": ("错误", "ERROR"), "warning": ("警告", "WARNING"), "info": ("说明", "NOTE")}


def format_plan(plan: ImportPlan, lang: str = "both") -> str:
    """What was read, what would change, and every issue, in ``zh``, ``en`` or ``both``."""
    langs = ("zh", "en") if lang == "both" else (lang,)
    lines = [f"文件 / file: {plan.file_name}  (sha256 {plan.sha256[:12]}…)"]
    for sheet in plan.sheets:
        lines.append(f"  [{sheet.name}] layout={sheet.layout} figures={sheet.figures}")
    counts = plan.counts()
    lines.append(
        f"  新增 new {counts['new']} · 修改 changed {counts['changed']} · "
        f"未变 unchanged {counts['unchanged']}"
    )
    if plan.same_file_batch is not None:
        lines.append(
            f"  同一文件已于批次 {plan.same_file_batch} 导入过 / "
            f"the same file was imported as batch {plan.same_file_batch}"
        )
    for found in plan.issues:
        zh, en = _LABEL[found.severity]
        for one in langs:
            lines.append(f"  {zh if one == 'zh' else en}: {found.text(one)}")
    return "\n".join(lines)
