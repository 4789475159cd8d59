"""`invoke new`: a reply file with every field and a Chinese comment per field, at the right path; once
its letter is written it passes the check; an existing number is refused."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys

import pytest

from conftest import ROOT
from replies import scaffold, schema
from replies.check import check

ANSWERS = {"kind": "建议", "level": "省", "session": "省十二届人大七次会议", "number": "0600",
           "title": "关于发展冷链物流的建议", "lead": "王建球", "role": "主办", "reply_class": "B",
           "category": "口岸建设"}
TODAY = datetime.date(2017, 7, 3)


def run(content, answers, inputs=None):
    said = []
    feed = iter(inputs or [])
    code = scaffold.main(content, "replies", answers, interactive=inputs is not None, today=TODAY,
                         input=lambda prompt: said.append(prompt) or next(feed), print=said.append)
    return code, said


def test_creates_every_field_with_its_comment_at_the_right_path(fixture_copy):
    content = fixture_copy("basic")
    code, said = run(content, ANSWERS)
    assert code == 0, said
    path = content / "replies/2017/sheng-jianyi-0600.md"
    text = path.read_text(encoding="utf-8")
    keys = re.findall(r"^(\w+):", text, re.M)
    assert keys == [f.key for f in schema.FIELDS]
    for f in schema.FIELDS:
        assert f"# {f.label}（" in text and f.help in text, f.key
    assert 'number: "0600"' in text and "year: 2017" in text and "reply_date: 2017-07-03" in text
    assert "disclosure: 主动公开" in text
    assert any("请在文件末尾的 --- 之后写答复正文" in s for s in said)


def test_created_file_passes_the_check_once_the_letter_is_written(fixture_copy):
    content = fixture_copy("basic")
    run(content, ANSWERS)
    path = content / "replies/2017/sheng-jianyi-0600.md"
    [problem] = check([str(path)], content)[0]
    assert "答复正文为空" in problem.message
    path.write_text(path.read_text(encoding="utf-8") + "尊敬的王建球代表：\n\n答复正文。\n", encoding="utf-8")
    assert check([], content)[0] == []


def test_existing_number_is_refused(fixture_copy):
    content = fixture_copy("basic")
    code, said = run(content, {**ANSWERS, "number": "0512"})
    assert code == 1
    assert said[-1].startswith("编号已存在：省建议 省十二届人大七次会议第0512号已有答复文件 replies/2017/sheng-jianyi-0512.md")
    assert not (content / "replies/2017/sheng-jianyi-0600.md").exists()


def test_missing_and_wrong_answers_are_listed_without_input(tmp_path):
    code, said = run(tmp_path, {**ANSWERS, "role": "主持", "title": None})
    assert code == 1
    assert "建议（提案）题目（title）：请填写建议（提案）题目。" in said[-1]
    assert "办理方式（role）：办理方式只能是：主办、会办、分办、协办。" in said[-1]
    assert not list(tmp_path.rglob("*.md"))


def test_asks_for_what_is_missing_with_defaults_from_the_content(fixture_copy):
    content = fixture_copy("basic")
    given = {"kind": "建议", "level": "省"}
    # session: accept the latest one offered; year: accept; number; title; lead; role (a wrong one
    # first); lead_unit (asked for 会办); category; reply_date and disclosure: accept the defaults
    inputs = ["", "", '"0601"', "关于加快物流发展的建议", "李四", "主持", "会办", "省发展改革委", "口岸建设", "", ""]
    code, said = run(content, given, inputs)
    assert code == 0, said
    prompts = [s for s in said if s.endswith("：")]
    assert prompts[0].startswith("届次会议") and prompts[0].endswith("[省十二届人大七次会议]：")
    assert prompts[1].startswith("年度") and "[2017]" in prompts[1]
    assert "办理方式只能是：主办、会办、分办、协办。" in said
    assert not any(p.startswith("答复类别") for p in prompts)  # 会办 answers no deputy
    text = (content / "replies/2017/sheng-jianyi-0601.md").read_text(encoding="utf-8")
    assert "lead_unit: 省发展改革委" in text and "role: 会办" in text and "reply_class:\n" in text


def test_title_with_a_colon_is_quoted_and_number_keeps_its_zeros(tmp_path):
    code, _ = run(tmp_path, {**ANSWERS, "title": "关于物流: 冷链的建议", "number": "0007"})
    assert code == 0
    text = (tmp_path / "replies/2017/sheng-jianyi-0007.md").read_text(encoding="utf-8")
    assert 'title: "关于物流: 冷链的建议"' in text and 'number: "0007"' in text


@pytest.mark.parametrize("number", ["12 3", "../x", ""])
def test_number_must_be_usable_in_an_address(tmp_path, number):
    code, said = run(tmp_path, {**ANSWERS, "number": number})
    assert code == 1 and "编号（number）" in said[-1]


def test_invoke_new_with_options_and_no_input(tmp_path):
    # the task reads pelicanconf.py and content/ from the working folder, as Pelican's tasks do
    (tmp_path / "pelicanconf.py").write_text('REPLIES = {"path": "replies"}\n', encoding="utf-8")
    (tmp_path / "content").mkdir()
    options = [f"--{key.replace('_', '-')}={value}" for key, value in {**ANSWERS, "year": 2017}.items()]
    command = [sys.executable, "-m", "invoke", "-r", str(ROOT), "new", *options, "--no-input"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    path = tmp_path / "content/replies/2017/sheng-jianyi-0600.md"
    assert "已创建 content/replies/2017/sheng-jianyi-0600.md" in result.stdout
    assert "lead: 王建球" in path.read_text(encoding="utf-8")
    again = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode == 1 and "编号已存在" in again.stdout
