"""Catalogue: names and codes that match nothing, or more than one thing, and the
measures a unit line leaves open."""

from __future__ import annotations

from bxgc_metrics.importer.issues.core import INFO, Kind, Message, Phrase, Text

AMBIGUOUS_UNIT = Kind(
    "单位名称“{name}”对应多个单位：{candidates}。请在“名称对应”中选择其一，"
    "或在文件中加一列 unit_code 写明代码。",
    "The unit name '{name}' fits several units: {candidates}. Pick one "
    "under 'Match names', or add a unit_code column giving the code.",
    code="ambiguous_unit",
)
AMBIGUOUS_INDICATOR = Kind(
    "指标名称“{name}”对应多个指标：{candidates}。请在“名称对应”中选择其一，"
    "或在文件中加一列 indicator_code 写明代码。",
    "The indicator name '{name}' fits several indicators: {candidates}. Pick one "
    "under 'Match names', or add a indicator_code column giving the code.",
    code="ambiguous_indicator",
)
CANDIDATE = Phrase("{code}（{name}）", "{code} ({name})")
"""One of the ``candidates`` of an ambiguous name."""
CONFIRM_UNIT = Kind(
    "单位“{name}”未找到完全一致的名称，是否为“{known}”？请确认对应关系。",
    "Unit '{name}' has no exact match; is it '{known}'? Confirm the match.",
    code="confirm_unit",
)
CONFIRM_INDICATOR = Kind(
    "指标“{name}”未找到完全一致的名称，是否为“{known}”？请确认对应关系。",
    "Indicator '{name}' has no exact match; is it '{known}'? Confirm the match.",
    code="confirm_indicator",
)
UNKNOWN_UNIT = Kind(
    "未知单位“{name}”：请在“名称对应”中选择已有的单位，或勾选“未知的单位、指标按新建处理”。",
    "Unknown unit '{name}': pick the known unit it stands for under "
    "'Match names', or tick 'Create unknown units and indicators'.",
    code="unknown_unit",
)
UNKNOWN_INDICATOR = Kind(
    "未知指标“{name}”：请在“名称对应”中选择已有的指标，或勾选“未知的单位、指标按新建处理”。",
    "Unknown indicator '{name}': pick the known indicator it stands for under "
    "'Match names', or tick 'Create unknown units and indicators'.",
    code="unknown_indicator",
)
UNKNOWN_UNIT_CODE = Kind(
    "单位代码“{code}”不存在：请核对代码；或清空代码按名称对应；"
    "勾选“未知的单位、指标按新建处理”则以此代码新建该单位。",
    "Unit code '{code}' is not known: check the code, or leave it empty to "
    "match by name; with 'Create unknown units and indicators' ticked the "
    "unit is created with this code.",
    code="unknown_unit_code",
)
UNKNOWN_INDICATOR_CODE = Kind(
    "指标代码“{code}”不存在：请核对代码；或清空代码按名称对应；"
    "勾选“未知的单位、指标按新建处理”则以此代码新建该指标。",
    "Indicator code '{code}' is not known: check the code, or leave it empty to "
    "match by name; with 'Create unknown units and indicators' ticked the "
    "indicator is created with this code.",
    code="unknown_indicator_code",
)
CODE_NAME_MISMATCH = Kind(
    "{what}代码“{code}”是“{stored}”，与本行的{what}名称“{name}”不一致：请核对代码或名称。",
    "{what} code '{code}' is '{stored}', not '{name}' as this row names it: "
    "check the code or the name.",
    code="code_name_mismatch",
)
WHAT = {"unit": Text("单位", "Unit"), "indicator": Text("指标", "Indicator")}
"""The ``what`` of :data:`CODE_NAME_MISMATCH`."""
BY_WHAT = {
    "ambiguous": {"unit": AMBIGUOUS_UNIT, "indicator": AMBIGUOUS_INDICATOR},
    "confirm": {"unit": CONFIRM_UNIT, "indicator": CONFIRM_INDICATOR},
    "unknown": {"unit": UNKNOWN_UNIT, "indicator": UNKNOWN_INDICATOR},
    "unknown_code": {"unit": UNKNOWN_UNIT_CODE, "indicator": UNKNOWN_INDICATOR_CODE},
}
"""The entries that exist once for units and once for indicators."""
NO_PROFILE = Message("没有名为“{profile}”的导入方案。", "No import profile named '{profile}'.")
"""Why :func:`~bxgc_metrics.importer.service.analyse` refuses an unknown profile."""

MEASURE_CHOSEN = Kind(
    "单位行“{line}”列出多个计量单位，指标“{name}”（{columns}列）按“{measure}”读取（{why}）。",
    "The unit line '{line}' names several measures; the indicator '{name}' "
    "({columns}) is read in {measure} ({why}).",
    code="measure_chosen",
    severity=INFO,
)
MEASURE_UNDECIDED = Kind(
    "单位行“{line}”列出多个计量单位（{measures}），无法确定指标“{name}”"
    "（{columns}列）用哪一个{why}：请选择该指标的计量单位。",
    "The unit line '{line}' names several measures ({measures}); "
    "cannot tell which one the indicator '{name}' ({columns}) is in{why}: "
    "pick its measure.",
    code="measure_undecided",
)
ONE_COLUMN = Phrase("{letters}", "column {letters}")
"""The ``columns`` of a unit-line issue about one column."""
COLUMNS = Phrase("{letters}", "columns {letters}")
"""The ``columns`` of a unit-line issue about several columns."""
AS_PICKED = Text("按所选", "as picked")
STORED_IN = Phrase("该指标的计量单位为“{stored}”", "the indicator is stored in {stored}")
FROM_HEADING = Text("按列标题判断", "from the words of its heading")
EACH_CONVERTS = Phrase(
    "（{fits}都可换算为该指标的计量单位“{stored}”）",
    " ({fits} each convert to its measure {stored})",
)
NONE_CONVERTS = Phrase(
    "（都不能换算为该指标的计量单位“{stored}”）", " (none of them converts to its measure {stored})"
)
NO_DOUBT = Text("", "")
"""The ``why`` of :data:`MEASURE_UNDECIDED` without a stored measure to go by."""
