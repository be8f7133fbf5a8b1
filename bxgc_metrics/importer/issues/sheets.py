"""Catalogue: what reading a sheet's layout finds (no header, no unit column, a column
it cannot place, a cell that does not hold its figure)."""

from __future__ import annotations

from bxgc_metrics.importer.issues.core import ERROR, INFO, WARNING, Kind, Phrase, Text

EMPTY_SHEET = Kind("工作表是空的，没有任何数据。", "The sheet is empty.", code="empty_sheet")
NO_HEADER = Kind(
    "找不到表头行（至少两列有标题的一行）。",
    "No header row found (a row with at least two titled columns).",
    code="no_header",
)
MISSING_COLUMNS = Kind(
    "缺少必需的列：{names}。", "Required columns missing: {names}.", code="missing_columns"
)
FIELD_NAMES = {
    "unit": Text("单位", "unit"),
    "indicator": Text("指标", "indicator"),
    "period": Text("期间", "period"),
    "value": Text("数值", "value"),
}
"""The required columns of a long sheet, as :data:`MISSING_COLUMNS` names them."""

TWO_VALUE_COLUMNS = Kind(
    "数值列不止一个：{cells}都可作数值。请只保留一列数值（其余列删除，或改名为“备注”）后再上传。",
    "More than one column may hold the figures: {cells}. Keep one (delete the others or "
    "rename them, e.g. 备注) and upload again.",
    code="two_value_columns",
)
NAMED_COLUMN = Phrase("{letter}列“{name}”", "column {letter} '{name}'")
"""One of the ``cells`` of :data:`TWO_VALUE_COLUMNS`."""

HIDDEN_ROWS = Kind(
    "{rows}在 Excel 中是隐藏的，其中 {count} 个数据也会导入：如不应导入，请删除这些行后重新上传。",
    "Hidden in Excel: {rows}, holding {count} figures, which are imported too; if they "
    "should not be, delete the rows and upload again.",
    code="hidden_rows",
    severity=WARNING,
)
STALE_FORMULAS = Kind(
    "工作簿设为手动重算，本表 {count} 个数据来自公式（第一个在此格），保存的结果可能不是最新的："
    "请在 Excel 中按 F9 重新计算并保存后再上传。数据仍按保存的结果导入。",
    "The workbook is set to calculate by hand: {count} figures of this sheet come from "
    "formulas (the first is here), whose stored results may not be up to date. Press F9 in "
    "Excel, save and upload again; the stored results are imported as they are.",
    code="stale_formulas",
    severity=WARNING,
)
HIDDEN_COLUMNS = Kind(
    "{columns}在 Excel 中是隐藏的，其中 {count} 个数据也会导入：如不应导入，请删除这些列后重新上传。",
    "Hidden in Excel: {columns}, holding {count} figures, which are imported too; if they "
    "should not be, delete the columns and upload again.",
    code="hidden_columns",
    severity=WARNING,
)
ROW_NAMES = (
    Phrase("第{names}行", "row {names}"),
    Phrase("第{names}行", "rows {names}"),
    Phrase("第{names}行等 {count} 行", "rows {names} and {more} more"),
)
"""The ``rows`` of :data:`HIDDEN_ROWS` and :data:`SUBTOTAL_ROWS`: one, several, more
than are named (:func:`~bxgc_metrics.importer.issues.core.named`)."""
SUBTOTAL_ROWS = Kind(
    "{rows}是小计、“其中”分项或平均数，未导入：只导入各单位本身的数据，以免重复计算"
    "（平均数也不与各单位之和核对）。",
    "Not imported, as a subtotal, an 'of which' part or an average: {rows}. Only each "
    "unit's own figures are, so that nothing is counted twice (an average is not checked "
    "against the units' sum either).",
    code="subtotal_rows",
    severity=INFO,
)
COLUMN_NUMBERS_ROW = Kind(
    "“{cells}”一行是报表的栏次（给各列编号），不是单位的数据，未导入。",
    "The row '{cells}' numbers the form's columns: it holds no unit's figures and is not imported.",
    code="column_numbers_row",
    severity=INFO,
)
COLUMN_NAMES = (
    Phrase("{names}列", "column {names}"),
    Phrase("{names}列", "columns {names}"),
    Phrase("{names}列等 {count} 列", "columns {names} and {more} more"),
)
"""The ``columns`` of :data:`HIDDEN_COLUMNS`: one, several, more than are named."""
MERGED_VALUE = Kind(
    "单元格 {cells} 是合并单元格，一个数值 {raw} 要算作 {count} 个数据：合并的数值"
    "不能复制给每一行。请取消合并，为每一行分别填写数值。",
    "Cells {cells} are merged: the one value {raw} would stand for {count} "
    "figures. Unmerge them and give each row its own figure.",
    code="merged_value",
)
EXCEL_ERROR = Kind(
    "单元格是 Excel 错误值“{error}”：公式没有算出数值。请在 Excel 中改正公式（或填入数值）后再上传。",
    "The cell holds the Excel error '{error}': its formula gives no figure. Correct the "
    "formula (or type the figure) in Excel and upload again.",
    code="excel_error",
)
FORMULA_NOT_CALCULATED = Kind(
    "单元格的公式“={formula}”没有保存计算结果：文件可能由程序生成，从未在 Excel 中计算过。"
    "请在 Excel 中打开、重新计算并保存后再上传。",
    "The cell's formula '={formula}' has no calculated result stored: the file was "
    "probably written by a program and never calculated in Excel. Open it in Excel, "
    "recalculate, save and upload again.",
    code="formula_not_calculated",
)
FORMULA_ZERO = Kind(
    "单元格的公式“={formula}”结果为 0，按 0 导入：请核对这是真实数值。",
    "The cell's formula '={formula}' gives 0, imported as 0: check that this is the figure.",
    code="formula_zero",
    severity=WARNING,
)
BAD_VALUE_KIND = Kind(
    "数据类型“{text}”无法识别，应为 实际 / 目标 / 计划。",
    "Value kind '{text}' is not one of actual / target / plan.",
    code="bad_value_kind",
)
BAD_PERIOD = Kind(
    "期间“{text}”无法识别，应为 2024、2024-H1、2024-Q2、2024-06 或 2024年1-6月 等。",
    "Period '{text}' is not recognised; expected 2024, 2024-H1, 2024-Q2, "
    "2024-06, 2024年1-6月 or similar.",
    code="bad_period",
)
NUMBER_PERIOD = Kind(
    "期间“{text}”是一个数字（年.月），数字里10月与1月存成一样，分不清是几月；"
    "请写成 2026-10 或 2026年10月 等文字。",
    "Period '{text}' is a number (year.month), in which October and January look the same, "
    "so the month cannot be told; write it as text such as 2026-10.",
    code="number_period",
)
NO_UNIT_COLUMN = Kind(
    "找不到单位名称列（如“单位”“街道”“乡镇”）。",
    "No column of unit names found (such as 单位, 街道 or 乡镇).",
    code="no_unit_column",
)
NO_DATA_ROWS = Kind("表头下面没有数据行。", "No data rows below the header.", code="no_data_rows")
SECOND_TARGET = Kind(
    "“{heading}”一列也是目标，只导入了“{taken}”一列：如应导入这一列，请删去另一列目标后再上传。",
    "The column '{heading}' is a target too; only '{taken}' is imported. If this column "
    "should be, delete the other target column and upload again.",
    code="second_target",
    severity=WARNING,
)
ROLES_IN_ROWS = Kind(
    "每个单位分几行填写（{roles}），按每个单位一行、各行作各列读取。",
    "Each unit takes several rows here ({roles}); they are read as one row per unit with "
    "a column for each.",
    code="roles_in_rows",
    severity=INFO,
)
ROLE_ROWS_LEFT_OUT = Kind(
    "“{roles}”各行未导入：增速、完成率和差额由系统按数据计算。",
    "The rows of '{roles}' are not imported: growth, completion and differences are "
    "computed here from the figures.",
    code="role_rows_left_out",
    severity=INFO,
)
ROWS_BY_ROLE = Kind(
    "每个单位分几行填写（{roles}），这样的表格暂不能导入：请改为每个单位一行，"
    "{roles}各占一列（如“1-10月累计”“上年同期”），再上传。",
    "Each unit takes several rows here ({roles}); such a table cannot be imported yet. "
    "Give each unit one row with a column for each ({roles}) and upload again.",
    code="rows_by_role",
)
NOTES_BELOW = Kind(
    "从“{text}”起的 {count} 行是表格下方的注释或落款，没有写明时期，未导入。",
    "The {count} rows from '{text}' are notes or a sign-off below the table, naming no "
    "period, and are not imported.",
    code="notes_below",
    severity=INFO,
)
SIDE_BY_SIDE = Kind(
    "表格分左右 {count} 栏并排打印（各栏从{columns}列开始，表头相同），逐栏读取，作为同一张表导入。",
    "The table is printed in {count} blocks side by side under the same headings (starting "
    "at columns {columns}); each block is read as part of one table.",
    code="side_by_side",
    severity=INFO,
)
INDICATOR_FROM_TITLE = Kind(
    "指标取自标题或工作表名：“{indicator}”。",
    "Indicator taken from the title or sheet name: '{indicator}'.",
    code="indicator_from_title",
    severity=INFO,
)
SECOND_BLOCK = Kind(
    "这一行重复了表头的小标题，下面是另一个表块，其数字会被当作上面表块的指标导入："
    "请把每个表块放在单独的工作表中后再上传。",
    "This row repeats the sub-headings: another block starts here, whose figures would be "
    "read as the indicators of the block above. Put each block on a sheet of its own and "
    "upload again.",
    code="second_block",
)
MONTHS_BY_TOTAL = Kind(
    "“{name}”一列等于各月之和：各月按当月数读取（逐月累加为累计数），“{name}”一列本身不导入。",
    "The column '{name}' is the sum of the months: they are read as single months (summed "
    "into year-to-date figures), and the column itself is not imported.",
    code="months_by_total",
    severity=INFO,
)
QUARTERS_BY_TOTAL = Kind(
    "“{name}”一列等于各季度之和：各季度按当季数读取（逐季累加为累计数）。",
    "The column '{name}' is the sum of the quarters: they are read as each quarter alone "
    "(summed into year-to-date figures).",
    code="quarters_by_total",
    severity=INFO,
)
QUARTERS_TOTAL_UNCLEAR = Kind(
    "“{name}”一列既不等于各季度之和，也不等于最后一季的数：各季度按累计数导入，请核对是当季数还是累计数。",
    "The column '{name}' is neither the sum of the quarters nor the last quarter's figure: "
    "the quarters are imported as year-to-date; check whether they are each quarter alone.",
    code="quarters_total_unclear",
    severity=WARNING,
)
TOTAL_COLUMN_UNCLEAR = Kind(
    "“{name}”一列既不等于各月之和，也不等于最后一月的数：各月按累计数导入，请核对各月是当月数还是累计数。",
    "The column '{name}' is neither the sum of the months nor the last month's figure: the "
    "months are imported as year-to-date; check whether they are single months.",
    code="total_column_unclear",
    severity=WARNING,
)
DIFFERENCE_COLUMN = Kind(
    "“{heading}”一列是差额、剩余数或上期（上月）数，未导入：差额由系统按目标与完成数计算。",
    "The column '{heading}' holds a difference, a remainder or the previous period's figure and "
    "is not imported: differences are computed here from the target and the actual.",
    code="difference_column",
    severity=INFO,
)
DERIVED_COLUMN = Kind(
    "“{heading}”一列是增速、完成率或占比，未导入：由系统按数据计算。",
    "The column '{heading}' holds a growth rate, a completion rate or a share and is not "
    "imported: it is computed here from the figures.",
    code="derived_column",
    severity=INFO,
)
TIME_PROGRESS_COLUMN = Kind(
    "“{heading}”一列是时间进度，未导入：时间进度由系统按月份计算。",
    "The column '{heading}' holds the time elapsed in the year and is not imported: it "
    "is computed here from the month.",
    code="time_progress_column",
    severity=INFO,
)
COLUMN_SKIPPED = Kind(
    "无法识别列标题“{heading}”，该列未导入。",
    "Column heading '{heading}' is not recognised; the column is not imported.",
    code="column_skipped",
    severity=WARNING,
)
SPLIT_FIGURE = Kind(
    "表头以外还有数字“{figure}”：CSV 文件中带千位分隔逗号的数字（如 1,234.5）须加引号"
    '（"1,234.5"）或去掉逗号，否则一个数会被拆进两格、读成错误的数值。请修改后重新上传。',
    "A figure '{figure}' stands past the last heading: in a CSV file a number written with "
    'thousands commas (1,234.5) must be quoted ("1,234.5") or written without them, or it '
    "is split across two cells and misread. Correct the file and upload it again.",
    code="split_figure",
    severity=ERROR,
)
UNTITLED_COLUMN = Kind(
    "这一列有数字但没有列标题，未导入：请写上指标与时期（如“1-10月累计”）。",
    "This column holds figures but no heading, and is not imported: head it with its "
    "indicator and period (such as January–October, year to date).",
    code="untitled_column",
    severity=WARNING,
)
COLUMN_NOT_IMPORTED = Kind(
    "“{heading}”一列是当月数或排名，未导入：按累计数导入，排名由系统计算。",
    "The column '{heading}' holds single-month figures or places and is not imported: "
    "the year-to-date figures are, and the places are computed here.",
    code="column_not_imported",
    severity=INFO,
)
COLUMN_LEFT_OUT = Kind(
    "“{name}”一列有数字，未导入：长表每行只导入“{value_column}”一列的数值。"
    "目标、计划等请另起一行填写，并在“类型”列写明（如“目标”）。",
    "The column '{name}' holds figures and is not imported: a long sheet imports one figure "
    "a row, from its column '{value_column}'. Put targets or plans on rows of their own, "
    "with their kind (target, plan) in a kind column.",
    code="column_left_out",
    severity=WARNING,
)
PRIOR_UNCLEAR = Kind(
    "“{heading}”一列在当月数“{month}”一列旁，可能是上年{sub}月，也可能是上年1-{sub}月累计，"
    "未导入：请在列标题中写明时期（如“上年1-{sub}月”）。",
    "The column '{heading}' stands beside the single month '{month}': it may be last year's "
    "month {sub} or last year's January to month {sub}, and is not imported: head it with "
    "the months it holds.",
    code="prior_unclear",
    severity=WARNING,
)
WIDE_COLUMN_LEFT_OUT = Kind(
    "“{name}”一列有数字，但列标题不是时期，未导入：请在列标题中写明时期（如“2025年”“1-10月”）。",
    "The column '{name}' holds figures, but its heading names no period, and it is not "
    "imported: head it with its period (such as 2025, or January–October).",
    code="wide_column_left_out",
    severity=WARNING,
)
NO_HEADING = Text("（无标题）", "(no heading)")
"""The ``name`` of :data:`COLUMN_LEFT_OUT` for a column without a heading."""
HEADING_AGAINST_LINE = Kind(
    "列标题写明计量单位“{heading}”，与单位行“{line}”不一致：已按列标题读取，请核对哪一个正确。",
    "The heading says {heading}, but the unit line says '{line}': the heading's measure is "
    "used; check which one is right.",
    code="heading_against_line",
    severity=WARNING,
)
PERIOD_AGAINST_TITLE = Kind(
    "列标题“{heading}”的时期与标题的“{title}”不一致：已按列标题读取，请核对哪一个正确。",
    "The heading '{heading}' names another period than the title's {title_en}: the heading's "
    "is used; check which one is right.",
    code="period_against_title",
    severity=WARNING,
)
UNIT_LINE_INSIDE = Kind(
    "表内写有计量单位“{inside}”，与表头上方的{line}不同：表中各部分的计量单位不一致，"
    "请拆成两个工作表，各写各的单位行，再上传。",
    "The table holds a unit line '{inside}' that differs from {line} above its header: "
    "its parts are in different measures. Split them into two sheets, each with its own "
    "unit line, and upload again.",
    code="unit_line_inside",
)
LINE_QUOTED = Phrase("单位行“{text}”", "the unit line '{text}'")
"""The ``line`` of :data:`UNIT_LINE_INSIDE`."""
NO_LINE = Text("单位行（没有）", "the unit line (there is none)")
"""The ``line`` of :data:`UNIT_LINE_INSIDE` when there is none above the header."""
BAD_CUMULATIVE = Kind(
    "累计列的值“{text}”看不懂：请填“是”（1月起的累计数）或“否”（当月数）。",
    "The cumulative flag '{text}' cannot be read: write yes (year to date) or no (single month).",
    code="bad_cumulative",
)
CUMULATIVE_CONFLICT = Kind(
    "期间“{period}”是1月起的累计，累计列却写“{flag}”（当月数）：请改正其一。",
    "The period '{period}' runs from January (year to date), but the cumulative flag says "
    "'{flag}' (single month): correct one of them.",
    code="cumulative_conflict",
)
PART_TARGET = Kind(
    "“{heading}”是年内某一时期的目标（序时目标），未导入：只导入全年目标。",
    "'{heading}' is a target for part of the year and is not imported: only the whole "
    "year's target is.",
    code="part_target",
    severity=WARNING,
)
FORECAST_COLUMN = Kind(
    "“{heading}”是预计数，未导入：只导入实际完成数和目标。",
    "'{heading}' is a forecast and is not imported: only actual figures and targets are.",
    code="forecast_column",
    severity=INFO,
)
NO_PERIOD = Kind(
    "“{indicator}”这一列看不出是哪个时期：请在标题中写明，如“2024年1-6月”。",
    "Cannot tell the period of the column '{indicator}': name it in the title, e.g. 2024年1-6月.",
    code="no_period",
)
SHEET_SKIPPED = Kind(
    "该工作表未导入：{reason}",
    "Sheet not imported: {reason}",
    code="sheet_skipped",
    severity=WARNING,
)
SHEET_HIDDEN = Kind(
    "该工作表在Excel中是隐藏的，未导入：若其中有要导入的数据，请取消隐藏后重新上传。",
    "The sheet is hidden in the workbook and was not imported: if it holds figures to "
    "import, unhide it and upload the file again.",
    code="sheet_hidden",
    severity=WARNING,
)
SHEET_WITHOUT_FIGURES = Kind(
    "该工作表没有数据，未导入。",
    "The sheet holds no figures and was not imported.",
    code="sheet_skipped",
    severity=INFO,
)
NO_FIGURES = Kind("文件中没有找到任何数据。", "No figures found in the file.", code="no_figures")
NO_SUCH_SHEET = Kind(
    "文件中没有名为“{name}”的工作表。",
    "The file has no sheet named '{name}'.",
    code="no_such_sheet",
)
UNREADABLE = Kind("{reason}", "{reason}", code="unreadable")
"""A file refused by a reader that gave no issue of its own (its message as given)."""
