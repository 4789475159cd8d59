"""What staff really paste (issue 5, item 4): each case is accepted correctly or refused with a message
that names the file and line and says how to fix it.  `--fix` repairs what can be repaired.

Cases tested elsewhere: unquoted numbers keep their zeros, 2017年6月12日 and 2017/6/12 dates, an empty
file, no front-matter and an unclosed front-matter (test_validation.py); raw HTML in a letter body on
the built page (test_build.py::test_raw_html_in_a_letter_is_shown_not_run).
"""

from __future__ import annotations

import os
import subprocess
import sys

from bs4 import BeautifulSoup

from conftest import ROOT, build
from replies import store
from replies.check import check, main
from test_validation import VALID, edit, write


def problems(content) -> list[str]:
    return [str(p) for p in check([], content)[0]]


def test_gbk_file_is_recognised_and_converted_by_fix(tmp_path):
    path = tmp_path / "replies/2017/a.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(VALID.encode("gb18030"))
    [message] = problems(tmp_path)
    assert message.startswith("replies/2017/a.md:2: 文件是 GBK/GB18030 编码")
    assert "invoke check --fix" in message and "另存为 UTF-8" in message

    result = subprocess.run([sys.executable, "-m", "replies.check", "--fix", "--content", str(tmp_path)],
                            cwd=ROOT / "plugins", capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert "编码由 GBK/GB18030 转为 UTF-8" in result.stdout and "检查通过：1 个答复文件" in result.stdout
    assert path.read_text(encoding="utf-8") == VALID


def test_utf16_file_from_notepad_is_recognised_and_converted(tmp_path):
    path = tmp_path / "replies/2017/a.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(VALID.encode("utf-16"))  # with its byte-order mark, as Notepad's “Unicode”
    [message] = problems(tmp_path)
    assert "文件是 UTF-16 编码（记事本另存时选了“Unicode”）" in message and "invoke check --fix" in message
    assert main([], tmp_path, repair=True) == 0
    assert path.read_text(encoding="utf-8") == VALID


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "replies/2017/a.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(VALID.encode("utf-8-sig"))
    loaded = store.load(tmp_path)
    assert loaded.problems == [] and loaded.replies[0].title == "关于加快冷链物流发展的建议"


def test_windows_line_endings_are_accepted_and_lines_still_right(tmp_path):
    path = tmp_path / "replies/2017/a.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(VALID.replace("\n", "\r\n").encode("utf-8"))
    loaded = store.load(tmp_path)
    assert loaded.problems == [] and loaded.replies[0].body == "尊敬的王建球代表：\n\n答复正文。"
    path.write_bytes(edit(VALID, "kind: 建议", "kind: 意见").replace("\n", "\r\n").encode("utf-8"))
    [message] = problems(tmp_path)
    assert message.startswith("replies/2017/a.md:3: 类型（kind） 的值 “意见” 不在允许范围内")


def test_full_width_colon_after_an_english_key(tmp_path):
    write(tmp_path, edit(VALID, "title: ", "title："))
    [message] = problems(tmp_path)
    assert message.startswith("replies/2017/a.md:2: 字段名 “title” 后面的写法有误：中文冒号“：”")
    assert "英文冒号" in message and "invoke check --fix" in message


def test_chinese_key_with_full_width_colon_names_the_english_key(tmp_path):
    write(tmp_path, edit(VALID, "category: ", "类别："))
    [message] = problems(tmp_path)
    assert message.startswith("replies/2017/a.md:11: 字段名 “类别”（应写作英文字段名 category） 后面的写法有误：中文冒号")


def test_unknown_chinese_key_is_refused_with_the_rule(tmp_path):
    write(tmp_path, edit(VALID, "title: ", "标题："))
    [message] = problems(tmp_path)
    assert message.startswith("replies/2017/a.md:2: 字段名 “标题”（字段名应为英文，见员工指南的字段表） 后面的写法有误")


def test_chinese_key_with_english_colon_is_an_unknown_key_with_its_english_name(tmp_path):
    write(tmp_path, edit(VALID, "category: ", "类别: "))
    [message] = problems(tmp_path)
    assert message.startswith("replies/2017/a.md:11: 字段名要用英文：“类别”应写作 category（类别）。")


def test_full_width_space_and_missing_space_after_colon(tmp_path):
    write(tmp_path, edit(edit(VALID, "lead: ", "lead:\u3000"), "session: ", "session:"))
    found = problems(tmp_path)
    assert len(found) == 2, found
    assert found[0].startswith("replies/2017/a.md:5: 字段名 “session” 后面的写法有误：冒号后面没有空格")
    assert found[1].startswith("replies/2017/a.md:8: 字段名 “lead” 后面的写法有误：全角空格")


def test_fix_repairs_key_lines_and_the_file_then_passes(tmp_path):
    broken = edit(edit(edit(VALID, "title: ", "title："), "category: ", "类别: "), "lead: ", "lead:\u3000")
    path = write(tmp_path, broken)
    assert main([str(path)], tmp_path, repair=True) == 0
    assert path.read_text(encoding="utf-8") == VALID


def test_tabs_in_yaml_indentation(tmp_path):
    path = write(tmp_path, edit(VALID, "lead: 王建球", "lead: 王建球\nco_signers:\n\t- 张三\n\t- 李四"))
    found = problems(tmp_path)
    assert [m.split(": ")[0] for m in found] == ["replies/2017/a.md:10", "replies/2017/a.md:11"]
    assert all("行首用了制表符（Tab）或全角空格缩进" in m and "invoke check --fix" in m for m in found)
    assert main([], tmp_path, repair=True) == 0
    assert store.load(tmp_path).replies[0].co_signers == ["张三", "李四"]
    assert "\t" not in path.read_text(encoding="utf-8")


def test_a_line_without_colon_is_named(tmp_path):
    write(tmp_path, edit(VALID, "lead: 王建球", "lead 王建球"))
    [message] = problems(tmp_path)
    assert message.startswith("replies/2017/a.md:8: 这一行缺少英文冒号")


def test_colon_inside_a_value_says_to_quote_it(tmp_path):
    write(tmp_path, edit(VALID, "title: 关于加快冷链物流发展的建议", "title: 关于冷链: 物流的建议"))
    [message] = problems(tmp_path)
    assert message.startswith("replies/2017/a.md:2: front-matter 不是有效的 YAML：一行中有多余的英文冒号")
    assert "加英文引号" in message


def test_twenty_megabyte_file_is_refused_unread(tmp_path):
    path = write(tmp_path, VALID)
    with open(path, "ab") as handle:
        handle.write(("答复正文。" * 1024 + "\n").encode("utf-8") * 1400)  # about 20 MB of pasted text
    assert path.stat().st_size > 20 * 1000 * 1000
    [message] = problems(tmp_path)
    assert message.startswith("replies/2017/a.md: 文件过大（")
    assert "上限 2048 KB" in message and "作为附件（attachments）" in message


def test_word_document_renamed_md(tmp_path):
    path = tmp_path / "replies/2017/a.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"[Content_Types].xml" + bytes(200))
    [message] = problems(tmp_path)
    assert message.startswith("replies/2017/a.md: 这是Word（.docx）、WPS 或压缩包文件，只是扩展名改成了 .md")
    assert "复制到 UTF-8 编码的 .md 文本文件中" in message


def test_image_and_other_binary_renamed_md(tmp_path):
    write(tmp_path, VALID)
    folder = tmp_path / "replies/2017"
    (folder / "b.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / "c.md").write_bytes(b"\x01\x02binary\x00\x00\xff")
    found = problems(tmp_path)
    assert found[0].startswith("replies/2017/b.md: 这是PNG 图片，只是扩展名改成了 .md")
    assert found[1].startswith("replies/2017/c.md: 这不是文本文件")
    assert len(found) == 2


def test_symlink_leaving_the_content_folder(tmp_path):
    content = tmp_path / "content"
    write(content, VALID)
    outside = tmp_path / "secret.md"
    outside.write_text(edit(VALID, 'number: "0512"', 'number: "0513"'), encoding="utf-8")
    os.symlink(outside, content / "replies/2017/b.md")
    [message] = problems(content)
    assert message.startswith("replies/2017/b.md: 这是指向 content 目录之外的链接（symlink）")
    assert [r.source for r in store.load(content).replies] == ["replies/2017/a.md"]


def test_html_in_a_front_matter_field_is_refused(tmp_path):
    write(tmp_path, edit(VALID, "title: 关于加快冷链物流发展的建议", "title: 关于<script>alert(1)</script>的建议"))
    [message] = problems(tmp_path)
    assert message.startswith("replies/2017/a.md:2: 建议（提案）题目（title） 含有 HTML 标记 “<script>”")


def test_script_in_a_summary_is_shown_as_text_on_the_built_page(fixture_copy, tmp_path):
    content = fixture_copy("basic")
    reply = content / "replies/2017/sheng-jianyi-1418.md"
    text = reply.read_text(encoding="utf-8")
    reply.write_text(text.replace("summary: ", "summary: <script>alert('s')</script>", 1), encoding="utf-8")
    # a tag in the summary is refused like any front-matter tag: nothing is built
    assert any("摘要（summary） 含有 HTML 标记 “<script>”" in m for m in problems(content))
    reply.write_text(text + "\n<script>alert('letter')</script>\n", encoding="utf-8")
    out = build(content, tmp_path / "out")
    page = BeautifulSoup((out / "2017/sheng-jianyi-1418/index.html").read_text(encoding="utf-8"), "html.parser")
    assert not page.find_all("script", string=lambda s: s and "alert" in s)
    assert "alert('letter')" not in (out / "2017/sheng-jianyi-1418/index.html").read_text(encoding="utf-8")


def test_empty_value_of_a_conditionally_required_field_counts_as_missing(tmp_path):
    write(tmp_path, edit(VALID, "reply_class: A", "reply_class:"))
    [message] = problems(tmp_path)
    assert message.startswith("replies/2017/a.md:10: 办理方式为“主办”时必须填写 答复类别（reply_class）")
