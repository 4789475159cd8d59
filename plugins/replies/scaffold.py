"""`invoke new`: create a reply file with every field, each explained by a Chinese comment.

Answers come from the command line (scripts, tests) or are asked one by one with input().  The file
goes to <replies>/<year>/<level code>-<kind code>-<number>.md, its fields in the order of schema.py,
each under a comment made from the field's label and `help` there.  A number that already exists in
the same level, kind and session is refused, and the new file is validated (except for its still
empty letter) by the same code as `invoke check`, so that once the letter is written it passes.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from pathlib import Path

import yaml

from . import frontmatter, schema
from . import store as store_module
from .validate import field_name, parse_reply

#: What is asked, in this order; the other fields are written empty for staff to fill in.
QUESTIONS = ("kind", "level", "session", "year", "number", "title", "lead", "role", "lead_unit",
             "reply_class", "category", "reply_date", "disclosure", "nondisclosure_reason")

_PLAIN = re.compile(r"[\w\u4e00-\u9fff（）《》〔〕【】“”、，。·・]+")
_YAML_WORDS = re.compile(r"(?i)(?:y|n|yes|no|on|off|true|false|null|~|[-+.\d_:eE]+)")


class ScaffoldError(ValueError):
    """An answer is unusable; the message says why in Chinese."""


def needed(key: str, answers: dict) -> bool:
    """Whether question `key` applies, given the answers so far."""
    if key == "lead_unit":
        return answers.get("role") in schema.CO_HANDLING_ROLES
    if key == "reply_class":
        return answers.get("role") in schema.ANSWERING_ROLES
    if key == "nondisclosure_reason":
        return answers.get("disclosure", schema.PUBLIC) != schema.PUBLIC
    return True


def defaults(key: str, answers: dict, store, today: datetime.date) -> str | None:
    """A sensible answer to offer: the latest session of the same level and kind, the year of that
    session, today's date, publication."""
    if key == "session":
        same = [r for r in store.replies if r.level == answers.get("level") and r.kind == answers.get("kind")]
        return max(same, key=lambda r: (r.year, r.session)).session if same else None
    if key == "year":
        years = Counter(r.year for r in store.replies if r.session == answers.get("session"))
        return str(years.most_common(1)[0][0] if years else today.year)
    if key == "reply_date":
        return today.isoformat()
    if key == "disclosure":
        return schema.PUBLIC
    return None


def check_answer(key: str, value: str) -> str | None:
    """Why one answer cannot be used, or None."""
    f = schema.FIELD_BY_KEY[key]
    if not value:
        return f"请填写{f.label}。"
    if f.choices and value not in f.choices:
        return f"{f.label}只能是：{'、'.join(f.choices)}。"
    if key == "reply_class" and not schema.REPLY_CLASS_RE.match(value):
        return "答复类别只能是 A、B、C、D，后面可带一位数字（如 A2）。"
    if key == "year" and not (value.isascii() and value.isdigit() and len(value) == 4):
        return "年度请写四位数字，如 2017。"
    if key == "number" and not re.fullmatch(r"[0-9A-Za-z-]+", value):
        return "编号只能由数字（可带字母或 -）组成，如 0512；它是网址的一部分。"
    return None


def identities(root: Path, replies_dir: str):
    """(source, (level, kind, session, number)) of every reply file, also of those that do not pass
    the check yet (a file just created by `invoke new` has no letter)."""
    for path in store_module.reply_files(root, replies_dir):
        source = path.relative_to(root).as_posix()
        text, _ = store_module.read_text(path, root, source)
        try:
            entries = frontmatter.split(text).entries if text is not None else []
        except frontmatter.FrontMatterError:
            continue
        raw = {e.key: e.node.value.strip() for e in entries if isinstance(e.node, yaml.ScalarNode)}
        yield source, tuple(raw.get(key) for key in ("level", "kind", "session", "number"))


def _clean(value) -> str:
    """An answer without surrounding spaces or quotes (the help says to quote the number in the file)."""
    return str(value).strip().strip("\"'“”‘’").strip()


def path_for(content_root: Path, replies_dir: str, answers: dict) -> Path:
    code = f"{schema.LEVEL_CODES[answers['level']]}-{schema.KIND_CODES[answers['kind']]}-{answers['number']}"
    return Path(content_root) / replies_dir / answers["year"] / f"{code}.md"


def render(answers: dict) -> str:
    """The file: every field of the schema under its Chinese comment, then an empty letter."""
    lines = ["---"]
    for f in schema.FIELDS:
        status = "必填" if f.required else "选填"
        choices = f"，可选：{'、'.join(f.choices)}" if f.choices else ""
        example = f"。示例：{f.example}" if f.example else ""
        lines.append(f"# {f.label}（{status}{choices}）：{f.help}{example}")
        value = answers.get(f.key)
        lines.append(f"{f.key}: {_scalar(f.key, value)}" if value else f"{f.key}:")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _scalar(key: str, value: str) -> str:
    """`value` as YAML: the number always quoted (leading zeros), other text quoted only when
    YAML would read it as something else."""
    plain = _PLAIN.fullmatch(value) and not _YAML_WORDS.fullmatch(value)
    if key == "number" or (schema.FIELD_BY_KEY[key].type == "str" and not plain):
        return json.dumps(value, ensure_ascii=False)
    return value


def create(content_root, replies_dir: str, answers: dict) -> Path:
    """Write the new reply file; raise ScaffoldError when an answer is missing or wrong, when the
    number exists, or when the file exists."""
    root = Path(content_root)
    answers = {k: _clean(v) for k, v in answers.items() if v is not None and _clean(v)}
    problems = [f"{field_name(k)}：{why}"
                for k in QUESTIONS if needed(k, answers) and (why := check_answer(k, answers.get(k, "")))]
    if problems:
        raise ScaffoldError("无法创建答复文件：\n" + "\n".join(problems))
    identity = (answers["level"], answers["kind"], answers["session"], answers["number"])
    for source, written in identities(root, replies_dir):
        if written == identity:
            raise ScaffoldError(f"编号已存在：{answers['level']}{answers['kind']} {answers['session']}第{answers['number']}号"
                                f"已有答复文件 {source}。同一会议、层级、类型的编号只能有一件；"
                                "如果要修改那件答复，请直接编辑该文件。")
    target = path_for(root, replies_dir, answers)
    if target.exists():
        raise ScaffoldError(f"文件 {target} 已存在（同一年度、层级、类型和编号）。请核对编号或年度，或直接编辑该文件。")
    text = render(answers)
    reply, problems = parse_reply(text + "（正文）\n", target.relative_to(root).as_posix(), root)
    if problems:  # answers that pass one by one but not together (e.g. a date in the future is fine)
        raise ScaffoldError("无法创建答复文件：\n" + "\n".join(str(p) for p in problems))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def ask(given: dict, store, today: datetime.date, input=input, print=print) -> dict:
    """Complete `given` by asking, in Chinese, for every missing answer (re-asking until usable)."""
    answers = {k: v for k, v in given.items() if v}
    for key in QUESTIONS:
        if not needed(key, answers):
            continue
        f = schema.FIELD_BY_KEY[key]
        while key not in answers or check_answer(key, answers[key]):
            if key in answers:
                print(check_answer(key, answers.pop(key)))
            offered = defaults(key, answers, store, today)
            choices = f"（{'、'.join(f.choices)}）" if f.choices else ""
            hint = f" [{offered}]" if offered else ""
            reply = _clean(input(f"{f.label}{choices}，{f.help}{hint}："))
            answers[key] = reply or offered or ""
    return answers


def main(content_root, replies_dir: str, given: dict, interactive: bool, today: datetime.date | None = None,
         input=input, print=print) -> int:
    """`invoke new`: ask for what is missing (when interactive), create the file, say what to do next."""
    today = today or datetime.date.today()
    store = store_module.load(content_root, replies_dir)
    answers = ask(given, store, today, input, print) if interactive else dict(given)
    for key in ("year", "reply_date", "disclosure"):
        if not answers.get(key) and needed(key, answers):
            answers[key] = defaults(key, answers, store, today)
    try:
        target = create(content_root, replies_dir, answers)
    except ScaffoldError as error:
        print(str(error))
        return 1
    print(f"已创建 {target}。\n请在文件末尾的 --- 之后写答复正文，补全其他选填字段（不用的可以留空），"
          f"然后运行 invoke check --path {target} 检查。")
    return 0
