"""The reply format (front-matter version 1): fields, enumerations, Chinese labels and rules.

This module is the single source of truth for what a reply is.  The reader, the validator, the
templates, search and every export import their field names, labels and allowed values from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FORMAT_VERSION = 1

KINDS = ("建议", "提案")
LEVELS = ("全国", "省", "市", "县")
ROLES = ("主办", "会办", "分办", "协办")
#: Roles that answer the deputy directly; only their letters carry an answer class.
ANSWERING_ROLES = ("主办", "分办")
#: Roles whose opinion goes to the lead unit instead of the deputy.
CO_HANDLING_ROLES = ("会办", "协办")
FEEDBACKS = ("满意", "基本满意", "不满意", "未反馈")
DISCLOSURES = ("主动公开", "依申请公开", "不予公开")
PUBLIC = "主动公开"
FORMS = ("全文", "摘要")
SUMMARY_FORM = "摘要"

REPLY_CLASS_RE = re.compile(r"^[A-D][0-9]?$")
REPLY_CLASS_MEANINGS = {
    "A": "所提问题已经解决或者基本解决",
    "B": "所提问题正在解决或者已列入计划逐步解决",
    "C": "所提问题因目前条件限制或其他原因需要以后解决",
    "D": "所提问题留作参考",
}

#: ASCII codes used in addresses (URLs and file names) so that they never depend on the title.
LEVEL_CODES = {"全国": "quanguo", "省": "sheng", "市": "shi", "县": "xian"}
KIND_CODES = {"建议": "jianyi", "提案": "tian"}


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str  # str | int | date | list | attachments
    required: bool = False
    choices: tuple[str, ...] = ()
    example: str = ""
    help: str = ""  # one Chinese sentence for staff: shown by `invoke new` and the data page


FIELDS: tuple[Field, ...] = (
    Field("title", "建议（提案）题目", "str", True,
          example="关于支持京港澳高速宜章现代国际物流产业园建设的建议",
          help="建议或提案的题目，作为网页标题"),
    Field("kind", "类型", "str", True, KINDS, "建议", "代表建议填“建议”，委员提案填“提案”"),
    Field("level", "层级", "str", True, LEVELS, "省", "全国、省、市或县"),
    Field("session", "届次会议", "str", True, example="省十二届人大七次会议",
          help="提出建议（提案）的会议"),
    Field("year", "年度", "int", True, example="2017", help="办理年度，四位数字"),
    Field("number", "编号", "str", True, example='"1418"',
          help="会议内的建议（提案）编号，请加英文引号以保留开头的 0"),
    Field("lead", "领衔代表 / 提案人", "str", True, example="王建球",
          help="领衔代表、提案委员或提案单位"),
    Field("co_signers", "附议代表", "list", example="[张三, 李四]",
          help="附议代表名单；同名代表可写作 李伟（衡阳代表团）"),
    Field("delegation", "代表团 / 界别", "str", example="郴州代表团", help="领衔代表所在代表团或委员界别"),
    Field("role", "办理方式", "str", True, ROLES, "主办", "本厅承办的方式"),
    Field("lead_unit", "主办单位", "str", example="省发展改革委", help="会办、协办时的主办单位"),
    Field("co_units", "会办单位", "list", example="[长沙海关, 湖南出入境检验检疫局]",
          help="参与办理的其他单位"),
    Field("division", "承办处室", "str", example="口岸处", help="本厅具体承办的处室"),
    Field("category", "类别", "str", True, example="口岸建设", help="所属类别，每件一个"),
    Field("key_group", "重点建议类", "str",
          example="推动创新引领开放崛起战略实施，加快中国（湖南）自由贸易试验区创建",
          help="属于重点建议时填写所属的类"),
    Field("doc_no", "复文文号", "str", example="湘商函〔2017〕45号", help="答复函的文号"),
    Field("reply_class", "答复类别", "str", example="A",
          help="主办、分办时必填：A、B、C、D，可带一位数字（如 A2）"),
    Field("assigned_date", "交办日期", "date", example="2017-03-20", help="收到交办的日期"),
    Field("reply_date", "答复日期", "date", True, example="2017-06-20", help="答复函的日期"),
    Field("publish_date", "公开日期", "date", example="2017-07-01",
          help="网上公开的日期，不填则与答复日期相同"),
    Field("feedback", "代表意见", "str", False, FEEDBACKS, "满意", "代表对答复的意见，不填为“未反馈”"),
    Field("disclosure", "公开属性", "str", True, DISCLOSURES, "主动公开",
          help="主动公开的答复才会发布到网站"),
    Field("nondisclosure_reason", "不公开理由", "str", help="公开属性不是“主动公开”时必填"),
    Field("disclosure_form", "公开方式", "str", False, FORMS, "全文", "全文或摘要，不填为全文"),
    Field("summary", "摘要", "str", help="公开方式为摘要时必填，网站只发布摘要"),
    Field("attachments", "附件", "attachments",
          example="[{file: attachments/2017/a.pdf, title: 附件标题}]",
          help="附件文件须放在 content 目录下"),
    Field("tags", "主题词", "list", example="[物流, 口岸]", help="主题词"),
)

FIELD_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
REQUIRED_KEYS = tuple(f.key for f in FIELDS if f.required)

#: Keys of the fields that are published for a public reply (everything but the withholding reason).
PUBLISHED_KEYS = tuple(f.key for f in FIELDS if f.key != "nondisclosure_reason")


def label(key: str) -> str:
    """The Chinese label of a field, e.g. label('reply_class') == '答复类别'."""
    return FIELD_BY_KEY[key].label


def lead_label(kind: str) -> str:
    """A suggestion is led by a deputy, a proposal is filed by a member or a body."""
    return "提案人" if kind == "提案" else "领衔代表"


def reply_class_meaning(reply_class: str | None) -> str:
    """'A2' -> the meaning of A; '' for no class."""
    return REPLY_CLASS_MEANINGS.get((reply_class or "")[:1], "")
