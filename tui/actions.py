"""The editor's actions and the names it shows: keys, footer labels, command palette entries."""

from __future__ import annotations

from dataclasses import dataclass

LONG_TEXT_KEYS = {"note", "expected", "achieved"}
METHOD_ZH = {
    "higher": "正向（≥）",
    "lower": "反向（≤）",
    "equal": "等于（=）",
    "qualitative": "定性",
    "deadline": "时效（期限）",
    "manual": "人工评分",
    "step_deduct": "超标扣分",
    "bands": "分档计分",
    "checklist": "逐项计分",
    "criteria": "按评价标准",
    "not_applicable": "不适用",
}
# the column of the indicator table that shows a form key
INDICATOR_COLUMN_FOR = {"params": "name", "method": "name"}
TABS = {"indicators": "tab-indicators", "funds": "tab-funds", "goal": "tab-goal", "info": "tab-info"}
EDIT_ACTIONS = {
    "edit",
    "add_indicator",
    "remove_indicator",
    "move_up",
    "move_down",
    "edit_note",
    "pick_tier",
    "print",
    "focus_findings",
}


@dataclass(frozen=True)
class Action:
    name: str  # the action, e.g. "save"
    key: str  # the keys, as Textual names them
    title: str  # Chinese, shown in the footer and the command palette
    help: str  # Chinese, shown in the command palette
    show: bool = True
    short: str = ""  # the footer's label when the title is too long for 80 columns


ACTIONS = [
    Action("edit", "e", "编辑", "编辑光标所在的单元格（也可按回车或单击）"),
    Action("save", "ctrl+s", "保存", "保存到原文件（原文件备份为 文件名~）"),
    Action("add_indicator", "a", "新增指标", "在当前指标下方新增一个指标", short="新增"),
    Action("remove_indicator", "d", "删除指标", "删除当前指标（会先确认）", short="删除"),
    Action("move_up", "K,shift+up", "上移", "把当前指标上移一行", show=False),
    Action("move_down", "J,shift+down", "下移", "把当前指标下移一行", show=False),
    Action("edit_note", "n", "偏差原因", "在多行编辑器中填写偏差原因分析及改进措施", short="原因"),
    Action("pick_tier", "t", "档次", "为定性指标选择档次：达成 / 部分达成 / 未达成"),
    Action("focus_findings", "f", "发现项", "转到发现项列表；回车跳到对应的栏目", short="发现"),
    Action("print", "p", "打印", "把本表导出为 PDF"),
    Action("reload", "ctrl+r", "重新载入", "放弃修改，从磁盘重新读取文件", show=False),
    Action("command_palette", "ctrl+p", "命令", "命令面板：列出全部操作", show=False),
    Action("help", "question_mark,f1", "帮助", "按键说明"),
    Action("quit", "q", "退出", "退出（有未保存的修改时会先询问）"),
]

