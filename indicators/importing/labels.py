"""The words the recogniser looks for, in one place: headings, money columns, operators, title patterns.

Extending the importer to a new spelling is an entry here, never a branch in
the code.  Every table is matched on *plain* text (``numbers.plain_text``:
NFKC, so full-width brackets and digits are folded to ASCII, and every space
and line break removed: ``满意度⏎指标`` is ``满意度指标``).  Lists are searched
in order and the first entry whose words are *in* the cell wins, so a longer
or more specific spelling goes before a shorter one (``未完成原因`` before
``完成值``, ``得分`` before ``分值``).

A new kind of form (a 绩效目标表 …) is an entry of :data:`KINDS` and of
:data:`TITLE_PATTERNS`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..schema import FUNDS_ROW_NAMES

# ------------------------------------------------------------------ limits

MAX_CELL = 2000  # a longer cell is prose, never a label
HEAD_SPAN = 80  # how far above its indicator table a form's title, unit and funds may be
MAX_IGNORED = 200  # "ignored" notes listed one by one per form

# The default tier thresholds for a qualitative row's claimed score (达成 ≥ 0.8 × 分值, 部分达成 ≥ 0.6 × 分值):
# the ``[qualitative]`` of the rule set central-2020.  The import command passes the rule set's own values;
# tests/test_import_classes.py checks these stay equal to the bundled rule set's.
DEFAULT_TIERS = (Decimal("0.8"), Decimal("0.6"))

# ------------------------------------------------------------------ titles and kinds

# a cell is a form's title when one of these matches its plain text
TITLE_PATTERNS: list[str] = [
    r"绩效(?:目标)?自评(?:报)?表",  # 绩效自评表, 绩效目标自评表, 绩效自评报表
    r"绩效自评.*表$",  # 绩效自评情况表
]
# the kind of form, from the words of its title (first match wins); no match: 项目名称 present -> project
KINDS: list[tuple[str, tuple[str, ...]]] = [
    ("project", ("项目",)),
    ("department", ("部门", "单位", "整体")),
]
# the year in a title: "2022年度" is preferred over a bare "2020年" (a project name may hold a year)
YEAR_PATTERNS: list[str] = [r"((?:19|20)\d{2})\s*年度", r"((?:19|20)\d{2})\s*年"]
# words of a title that are not a project's name ("XX项目绩效自评表" names XX; these name nothing)
TITLE_FILLER = ("项目支出", "部门整体支出", "整体支出", "支出", "项目", "部门整体", "部门", "单位", "年度", "年")

# ------------------------------------------------------------------ the indicator table

# indicator table columns, by header text; first match wins
INDICATOR_ROLES: list[tuple[str, str]] = [
    ("偏差", "note"),
    ("未完成原因", "note"),
    ("原因分析", "note"),
    ("改进措施", "note"),
    ("原因", "note"),  # a bare 原因 / 情况及原因 column (after the longer words; the funds note is not in this table)
    ("一级指标", "l1"),
    ("二级指标", "l2"),
    ("三级指标", "l3"),
    ("指标名称", "l3"),
    ("指标性质", "nature"),
    ("度量单位", "measure"),
    ("计量单位", "measure"),
    ("指标解释", ""),  # a column of its own (what the indicator means): reported as not read, never 评分标准
    ("指标说明", ""),
    ("指标值", "target"),
    ("目标值", "target"),
    ("年度目标", "target"),
    ("完成值", "actual"),
    ("实际值", "actual"),
    ("实际完成", "actual"),
    ("全年实际", "actual"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("评分标准", "standard"),  # criteria rows (项目决策, 项目管理): the scoring criterion, before 评分 → score
    ("评价标准", "standard"),
    ("评分细则", "standard"),
    ("评分要点", "standard"),
    ("复核", "review"),  # a finance bureau's own column (复核得分, 审核得分): not the unit's claim
    ("审核", "review"),
    ("核定", "review"),
    ("得分", "score"),
    ("评分", "score"),
    ("备注", "remark"),
    ("单位", "measure"),
]
ROLE_WORDS = {
    "l1": "一级指标",
    "l2": "二级指标",
    "l3": "三级指标",
    "nature": "指标性质",
    "measure": "度量单位",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "得分",
    "note": "偏差原因分析",
    "remark": "备注",
    "review": "复核得分",
    "standard": "评分标准",
}
SERIAL_HEADINGS = ("序号", "编号")  # a 序号 column: its numbers are checked to run 1, 2, 3 …

# operators as a 指标性质 cell may spell them -> the symbol written into the form (looked up as printed, then plain)
OPERATORS: dict[str, str] = {
    "≥": "≥", ">=": "≥", "≧": "≥", "=>": "≥", "大于等于": "≥", "不低于": "≥", "不少于": "≥", "大于或等于": "≥",
    "≤": "≤", "<=": "≤", "≦": "≤", "=<": "≤", "小于等于": "≤", "不高于": "≤", "不超过": "≤", "小于或等于": "≤",
    "=": "=", "＝": "＝", "═": "＝", "﹦": "＝", "==": "＝", "等于": "＝",
    ">": ">", "＞": "＞", "大于": "＞", "<": "<", "＜": "＜", "小于": "＜", "≠": "≠",
}  # fmt: skip
# 指标性质 words that are a direction rather than an operator
DIRECTIONS = {"正向": "≥", "正向指标": "≥", "反向": "≤", "反向指标": "≤"}
QUALITATIVE_NATURE = ("定性",)
QUANTITATIVE_NATURE = ("", "定量")

# level-1 headings that are categories wherever they sit (成本指标 is also a level-2 name, so not here)
CATEGORY_NAMES = {
    "产出指标", "效益指标", "满意度指标", "产出", "效益", "满意度", "项目决策", "项目过程", "项目管理",
    "项目产出", "项目效益", "决策", "过程", "管理", "决策指标", "过程指标", "管理指标",
}  # fmt: skip
SUBCATEGORY_NAMES = {
    "数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
    "可持续影响指标", "服务对象满意度指标", "满意度指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
}  # fmt: skip
TABLE_LABELS = {"绩效指标", "指标", "绩效"}  # the label of the whole table, printed beside it
# a cell in the 分值 column meaning "not applicable" (the row is written with applicable = false, weight 0)
NOT_APPLICABLE_WEIGHTS = {"/", "／", "不适用"}

TOTAL_WORDS = {"总分", "合计", "总计", "得分合计", "合计得分", "总得分", "综合得分", "分值合计"}
SUBTOTAL_WORDS = {"小计", "分项合计"}
GRADE_WORDS = {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "不合格": "差"}  # -> the grade written
GRADES = "优秀|优|良好|良|中等|中|合格|差|不合格"
GRADE_LABELS = ("等级", "自评等级", "评价等级")

# ------------------------------------------------------------------ the money block

FUNDS_COLUMNS: list[tuple[str, str]] = [
    ("得分", "score"),  # first: "得分(分值×执行率)"
    ("年初预算", "initial"),
    ("全年预算", "annual"),
    ("调整后预算", "adjusted"),
    ("调整预算", "adjusted"),
    ("执行率", "rate"),
    ("执行数", "executed"),
    ("全年执行", "executed"),
    ("实际执行", "executed"),
    ("预算数", "annual"),  # the 20 + 80 templates: 预算数(A) / 执行数(B)
    ("分值", "weight"),
    ("权重", "weight"),
]
FUNDS_ROWS: list[tuple[str, str]] = [
    ("年度资金总额", "total"),
    ("资金总额", "total"),
    ("合计", "total"),
    ("总计", "total"),
    ("上年结转", "carryover"),  # before 财政拨款: "上年结转资金（财政拨款）" is a carry-over
    ("结转", "carryover"),
    ("其他资金", "other"),
    ("当年财政拨款", "appropriation"),
    ("财政拨款", "appropriation"),
    ("财政资金", "appropriation"),
]
# the label of a money block that may carry its points: 预算执行情况(万元)(20分)
FUNDS_BLOCK_LABELS = ("预算执行情况", "项目资金", "资金情况", "资金执行情况", "预算执行")
# the row that explains a low execution rate (the form's [funds] note): its label, then the text
FUNDS_NOTE_LABELS = ("资金执行率偏低原因", "执行率偏低原因", "执行率偏低的原因", "执行率偏低说明", "预算执行偏低原因")
FUNDS_ROW_WORDS = FUNDS_ROW_NAMES
FUNDS_COLUMN_WORDS = {"initial": "年初预算数", "annual": "全年预算数", "adjusted": "调整后预算数", "executed": "全年执行数"}

# ------------------------------------------------------------------ the head and the sign-off

UNIT_LABELS = {
    "部门名称": "name", "单位名称": "name", "预算单位": "name", "填报单位": "name", "部门": "name", "单位": "name",
    "单位编码": "code", "单位代码": "code", "部门编码": "code", "预算单位编码": "code",
    "部门(单位)名称": "name", "单位(部门)名称": "name", "部门(单位)": "name", "预算单位名称": "name", "项目单位": "name",
    "项目名称": "project", "主管部门": "supervisor", "实施单位": "implementer", "金额单位": "money",
    "项目编码": "project_code", "项目代码": "project_code",
}  # fmt: skip
SIGNOFF_LABELS = {
    "填表人": "filled_by", "联系电话": "phone", "单位负责人": "head", "项目负责人": "head",
    "部门负责人": "head", "财务负责人": "finance_head", "填报日期": "date", "填表日期": "date",
    "单位负责人签字": "head", "项目负责人签字": "head", "财务负责人签字": "finance_head", "填表人签字": "filled_by",
}  # fmt: skip
SIGNOFF_WORDS = {"filled_by": "填表人", "phone": "联系电话", "head": "负责人", "finance_head": "财务负责人", "date": "填报日期"}
UNIT_WORDS = {"project_code": "项目编码", "code": "单位编码", "name": "部门（单位）名称", "project": "项目名称",
              "supervisor": "主管部门", "implementer": "实施单位"}  # fmt: skip
GOAL_LABELS = ("年度总体目标", "总体目标")
GOAL_EXPECTED = ("预期目标", "年度目标")
GOAL_ACHIEVED = ("实际完成情况", "实际完成")
REMARK_STARTS = ("备注", "注:", "说明", "填表说明")
BLANKS = {"", "-", "—", "——", "/", "\\", "无", "－"}

# ------------------------------------------------------------------ compiled forms of the tables above

TITLE_RE = re.compile("|".join(f"(?:{p})" for p in TITLE_PATTERNS))
YEAR_RES = [re.compile(p) for p in YEAR_PATTERNS]
GRADE_RE = re.compile(rf"(?:自评)?等级[:]?({GRADES})")
GRADE_CELL_RE = re.compile(rf"^([+-]?\d+(?:\.\d+)?)?(?:自评|评价)?等级[:]?(?:{GRADES})?$")  # plain text
GRADE_ONLY_RE = re.compile(rf"({GRADES})")
HEADING_RE = re.compile(  # on plain text: 产出指标(50分), 产出指标(50), 产出指标50分
    r"^(?P<name>[^()\d]{1,20}?)(?:\((?P<weight>\d+(?:\.\d+)?)分?\)|(?P<bare>\d+(?:\.\d+)?)分)$"
)
L1_POINTS_RE = re.compile(  # in the 一级 column, whatever the name: ≥1项(5分) is a (mistaken) heading with points
    r"^(?P<name>.{1,20}?)\((?P<weight>\d+(?:\.\d+)?)分\)(?P<bare>)$"
)
POINTS_SUFFIX_RE = re.compile(r"^(?P<name>.+?)\((?P<weight>\d+(?:\.\d+)?)分\)$")  # 受益人数(10分): a name with its points
STAMP_RE = re.compile(r"\((?:盖章|签字|签章|签名)\)")
UNIT_IN_TEXT_RE = re.compile(r"(?:金额单位|单位)[:：]\s*(万元|元)|[（(]\s*(万元|元)\s*[)）]")
SPACE_IN_VALUE_RE = re.compile(r"(?<=[0-9%])[ \u00a0\u3000]+(?=[^\s0-9.,])|(?<=[≥≤<>=＞＜≧≦])[ \u00a0\u3000]+(?=[0-9])")
