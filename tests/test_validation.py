"""One test per kind of bad reply file: the message names file, line, field (English and Chinese),
the bad value and what is allowed; all problems of a run are reported together."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, build
from replies import store
from replies.check import check

VALID = """\
---
title: 关于加快冷链物流发展的建议
kind: 建议
level: 省
session: 省十二届人大七次会议
year: 2017
number: "0512"
lead: 王建球
delegation: 郴州代表团
role: 主办
category: 口岸建设
reply_class: A
assigned_date: 2017-03-15
reply_date: 2017-06-12
disclosure: 主动公开
---
尊敬的王建球代表：

答复正文。
"""


def write(content: Path, text: str, name: str = "a.md") -> Path:
    path = content / "replies" / "2017" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def problems_for(tmp_path: Path, text: str) -> list[str]:
    write(tmp_path, text)
    found, _ = check([], tmp_path)
    return [str(p) for p in found]


def only_problem(tmp_path: Path, text: str) -> str:
    found = problems_for(tmp_path, text)
    assert len(found) == 1, found
    return found[0]


def test_valid_file_has_no_problem(tmp_path):
    assert problems_for(tmp_path, VALID) == []


def test_missing_required_field(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "reply_date: 2017-06-12\n", ""))
    assert message.startswith("replies/2017/a.md:1: ")
    assert "缺少必填字段 答复日期（reply_date）" in message
    assert "reply_date: 2017-06-20" in message  # shows what to write


def test_empty_required_field(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "lead: 王建球", "lead:"))
    assert message.startswith("replies/2017/a.md:8: ")
    assert "必填字段 领衔代表 / 提案人（lead） 为空" in message


def test_unknown_key_suggests_the_right_one(tmp_path):
    text = edit(VALID, "category: 口岸建设", "category: 口岸建设\ncosigners: [张三]")
    message = only_problem(tmp_path, text)
    assert message.startswith("replies/2017/a.md:12: ")
    assert "未知字段 “cosigners”" in message
    assert "是否应为 附议代表（co_signers）" in message


def test_duplicate_key(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "role: 主办", "role: 主办\nrole: 会办"))
    assert message.startswith("replies/2017/a.md:11: ")
    assert "字段 role 重复出现（上一次在第 10 行）" in message


def test_wrong_type_list_for_text(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "lead: 王建球", "lead: [王建球, 李四]"))
    assert message.startswith("replies/2017/a.md:8: ")
    assert "领衔代表 / 提案人（lead） 应为文本，实际写成了列表" in message


def test_wrong_type_text_for_list(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "lead: 王建球", "lead: 王建球\nco_signers: 张三、李四"))
    assert "附议代表（co_signers） 应为列表，实际写成了文本" in message
    assert "co_signers: [张三, 李四]" in message


def test_year_is_not_a_year(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "year: 2017", "year: 二〇一七"))
    assert message.startswith("replies/2017/a.md:6: ")
    assert "年度（year） 的值 “二〇一七” 不是四位年份" in message


@pytest.mark.parametrize("key,line,bad,allowed", [
    ("kind", 3, "意见", "允许：建议、提案"),
    ("level", 4, "省级", "允许：全国、省、市、县"),
    ("role", 10, "主持", "允许：主办、会办、分办、协办"),
    ("disclosure", 15, "公开", "允许：主动公开、依申请公开、不予公开"),
])
def test_value_outside_enumeration(tmp_path, key, line, bad, allowed):
    text = "\n".join(f"{key}: {bad}" if row.startswith(f"{key}:") else row for row in VALID.split("\n"))
    found = problems_for(tmp_path, text)
    message = next(m for m in found if f"（{key}）" in m)
    assert message.startswith(f"replies/2017/a.md:{line}: ")
    assert f"的值 “{bad}” 不在允许范围内。{allowed}。" in message


def test_feedback_outside_enumeration(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "disclosure: 主动公开", "disclosure: 主动公开\nfeedback: 很好"))
    assert "代表意见（feedback） 的值 “很好” 不在允许范围内。允许：满意、基本满意、不满意、未反馈。" in message


def test_reply_class_pattern(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "reply_class: A", "reply_class: E1"))
    assert message.startswith("replies/2017/a.md:12: ")
    assert "答复类别（reply_class） 的值 “E1” 不符合要求。允许：A、B、C、D，后面可带一位数字（如 A2）" in message


def test_reply_class_with_digit_is_allowed(tmp_path):
    assert problems_for(tmp_path, edit(VALID, "reply_class: A", "reply_class: A2")) == []


def test_impossible_date(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "reply_date: 2017-06-12", "reply_date: 2017-02-30"))
    assert message.startswith("replies/2017/a.md:14: ")
    assert "答复日期（reply_date） 的值 “2017-02-30” 是不存在的日期" in message


def test_not_a_date(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "reply_date: 2017-06-12", "reply_date: 六月中旬"))
    assert "答复日期（reply_date） 的值 “六月中旬” 不是日期。请写作 2017-06-20 这样的格式" in message


def test_chinese_and_slash_dates_are_accepted(tmp_path):
    text = edit(edit(VALID, "reply_date: 2017-06-12", "reply_date: 2017年6月12日"),
                "assigned_date: 2017-03-15", "assigned_date: 2017/3/15")
    assert problems_for(tmp_path, text) == []


def test_reply_before_assignment(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "assigned_date: 2017-03-15", "assigned_date: 2017-07-01"))
    assert message.startswith("replies/2017/a.md:14: ")
    assert "答复日期（reply_date） 2017-06-12 早于 交办日期（assigned_date） 2017-07-01，日期先后颠倒" in message


def test_publication_before_reply(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "reply_date: 2017-06-12", "reply_date: 2017-06-12\npublish_date: 2017-06-01"))
    assert message.startswith("replies/2017/a.md:15: ")
    assert "公开日期（publish_date） 2017-06-01 早于 答复日期（reply_date） 2017-06-12" in message


def test_co_handling_needs_lead_unit_and_no_reply_class(tmp_path):
    found = problems_for(tmp_path, edit(VALID, "role: 主办", "role: 会办"))
    assert len(found) == 2, found
    assert any("replies/2017/a.md:10: 办理方式为“会办”时必须填写 主办单位（lead_unit）" in m for m in found)
    assert any("replies/2017/a.md:12: 办理方式为“会办”时不应填写 答复类别（reply_class）（现为 “A”）" in m for m in found)


def test_lead_role_needs_reply_class(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "reply_class: A\n", ""))
    assert message.startswith("replies/2017/a.md:10: ")
    assert "办理方式为“主办”时必须填写 答复类别（reply_class）" in message


def test_split_role_needs_reply_class_too(tmp_path):
    message = only_problem(tmp_path, edit(edit(VALID, "reply_class: A\n", ""), "role: 主办", "role: 分办"))
    assert "办理方式为“分办”时必须填写 答复类别（reply_class）" in message


def test_summary_form_needs_summary(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "disclosure: 主动公开", "disclosure: 主动公开\ndisclosure_form: 摘要"))
    assert message.startswith("replies/2017/a.md:16: ")
    assert "公开方式（disclosure_form） 为“摘要”时必须填写 摘要（summary）" in message


def test_withheld_needs_reason(tmp_path):
    message = only_problem(tmp_path, edit(VALID, "disclosure: 主动公开", "disclosure: 依申请公开"))
    assert message.startswith("replies/2017/a.md:15: ")
    assert "公开属性（disclosure） 为“依申请公开”时必须填写 不公开理由（nondisclosure_reason）" in message


def test_missing_attachment(tmp_path):
    text = edit(VALID, "disclosure: 主动公开", "disclosure: 主动公开\nattachments: [{file: attachments/x.pdf, title: 统计表}]")
    message = only_problem(tmp_path, text)
    assert message.startswith("replies/2017/a.md:16: ")
    assert "附件（attachments） 第 1 项的文件 “attachments/x.pdf” 不存在" in message


def test_attachment_outside_content(tmp_path):
    (tmp_path / "secret.txt").write_text("x")
    text = edit(VALID, "disclosure: 主动公开", "disclosure: 主动公开\nattachments: [{file: ../secret.txt, title: 统计表}]")
    message = only_problem(tmp_path / "content", text) if False else None
    content = tmp_path / "content"
    write(content, text)
    found = [str(p) for p in check([], content)[0]]
    assert len(found) == 1 and "“../secret.txt” 不在 content 目录内" in found[0]


def test_malformed_attachment(tmp_path):
    text = edit(VALID, "disclosure: 主动公开", "disclosure: 主动公开\nattachments: [a.pdf]")
    assert "附件（attachments） 第 1 项应写作 {file: 文件路径, title: 附件标题}" in only_problem(tmp_path, text)


def test_duplicate_number_reported_on_both_files(tmp_path):
    write(tmp_path, VALID, "a.md")
    write(tmp_path, edit(VALID, "title: 关于加快冷链物流发展的建议", "title: 另一件建议"), "b.md")
    found = [str(p) for p in check([], tmp_path)[0]]
    assert len(found) == 2, found
    assert found[0].startswith("replies/2017/a.md:7: 编号重复：省建议 省十二届人大七次会议第0512号 同时出现在 replies/2017/b.md")
    assert found[1].startswith("replies/2017/b.md:7: 编号重复：") and "replies/2017/a.md" in found[1]


def test_same_number_in_other_session_but_same_address(tmp_path):
    write(tmp_path, VALID, "a.md")
    write(tmp_path, edit(VALID, "session: 省十二届人大七次会议", "session: 省十二届人大八次会议"), "b.md")
    found = [str(p) for p in check([], tmp_path)[0]]
    assert len(found) == 2 and all("网址冲突" in m and "2017/sheng-jianyi-0512/" in m for m in found)


def test_unquoted_number_keeps_leading_zero(tmp_path):
    write(tmp_path, edit(VALID, 'number: "0512"', "number: 0512"))
    loaded = store.load(tmp_path)
    assert loaded.problems == [] and loaded.replies[0].number == "0512"


def test_public_full_text_needs_a_body(tmp_path):
    message = only_problem(tmp_path, VALID.split("---\n尊敬")[0] + "---\n")
    assert "答复正文为空" in message


@pytest.mark.parametrize("text,expected", [
    ("", "replies/2017/a.md: 文件为空"),
    ("尊敬的代表：\n正文\n", "replies/2017/a.md:1: 文件开头没有 front-matter"),
    ("---\ntitle: 标题\n正文\n", "replies/2017/a.md:1: front-matter 没有结束"),
    ("---\ntitle: [未闭合\nkind: 建议\n---\n正文\n", "replies/2017/a.md:3: front-matter 不是有效的 YAML"),
])
def test_unreadable_front_matter(tmp_path, text, expected):
    assert only_problem(tmp_path, text).startswith(expected)


def test_all_problems_of_a_run_are_reported_together(tmp_path):
    write(tmp_path, edit(VALID, "kind: 建议", "kind: 意见"), "a.md")
    write(tmp_path, edit(edit(VALID, 'number: "0512"', 'number: "0513"'), "reply_class: A", "reply_class: Z"), "b.md")
    result = subprocess.run([sys.executable, "-m", "replies.check", "--content", str(tmp_path)],
                            cwd=ROOT / "plugins", capture_output=True, text=True)
    assert result.returncode == 1
    assert "类型（kind） 的值 “意见”" in result.stdout and "答复类别（reply_class） 的值 “Z”" in result.stdout
    assert "共发现 2 个错误，涉及 2 个文件" in result.stdout


def test_invoke_check_on_one_file_reports_only_that_file(tmp_path):
    write(tmp_path, edit(VALID, "kind: 建议", "kind: 意见"), "a.md")
    good = write(tmp_path, edit(VALID, 'number: "0512"', 'number: "0513"'), "b.md")
    found, count = check([str(good)], tmp_path)
    assert found == [] and count == 1


def test_invalid_content_writes_nothing(tmp_path):
    content = tmp_path / "content"
    write(content, edit(VALID, "kind: 建议", "kind: 意见"))
    output = tmp_path / "output"
    output.mkdir()
    (output / "previous.html").write_text("previous build")
    with pytest.raises(store.ContentError) as error:
        build(content, output, DELETE_OUTPUT_DIRECTORY=True)
    assert "类型（kind） 的值 “意见” 不在允许范围内" in str(error.value)
    assert "未生成任何网页" in str(error.value)
    assert [p.name for p in output.iterdir()] == ["previous.html"]


def test_pelican_command_exits_non_zero_with_the_report(tmp_path):
    content = tmp_path / "elsewhere"
    write(content, edit(VALID, "role: 主办", "role: 主持"))
    result = subprocess.run([sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / "pelicanconf.py"),
                             "-o", str(tmp_path / "out"), "--fatal", "warnings"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1
    assert "elsewhere/replies/2017/a.md:10: 办理方式（role） 的值 “主持” 不在允许范围内" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_replies_read_by_worker_processes_are_those_read_in_the_build_process(tmp_path):
    """A full build reads the files in forked workers: the same replies, in the same order, and the
    same problems, as reading them one after another."""
    sys.path.insert(0, str(ROOT / "bench"))
    import corpus

    content = corpus.write(tmp_path / "content", 240, seed=3)
    files = sorted((content / "replies").rglob("*.md"))
    files[5].write_text(files[5].read_text(encoding="utf-8").replace("reply_class:", "reply_class: Z类\nx_class:", 1),
                        encoding="utf-8")
    files[200].write_bytes(b"PK\x03\x04 not a reply")
    one, two = store.load(content, workers=1), store.load(content, workers=2)
    assert len(one.replies) == 238 and len(one.problems) >= 2
    assert [r.source for r in two.replies] == [r.source for r in one.replies] and two.replies == one.replies
    assert [str(p) for p in two.problems] == [str(p) for p in one.problems]
