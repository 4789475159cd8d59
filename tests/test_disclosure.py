"""Disclosure re-verified on the final output: a build whose output holds any text of a withheld reply,
or of the letter of a 摘要 reply, fails with the list of files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, build
from replies import disclosure, store

WITHHELD_SENTENCE = "不予公开的答复正文独有句子壬癸"  # tests/fixtures/basic/replies/2017/sheng-jianyi-0999.md
SUMMARY_LETTER_SENTENCE = "便利店全文专用句子甲乙丙"  # the letter of the 摘要 reply sheng-jianyi-1418.md


def plant_page(content: Path, text: str) -> None:
    (content / "pages/leak.md").write_text(f"---\ntitle: 工作动态\nslug: leak\n---\n{text}\n", encoding="utf-8")


def test_a_page_quoting_a_withheld_letter_fails_the_build(fixture_copy, tmp_path):
    content = fixture_copy("basic")
    plant_page(content, f"据了解，{WITHHELD_SENTENCE}。")
    result = subprocess.run([sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / "pelicanconf.py"),
                             "-o", str(tmp_path / "out"), "--fatal", "warnings"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
    assert "公开检查未通过：1 个输出文件含有不应公开的内容，请勿发布。" in result.stderr
    assert (f"out/leak/index.html: 含有 replies/2017/sheng-jianyi-0999.md 中“不予公开”答复的正文"
            f"“{WITHHELD_SENTENCE}”") in result.stderr
    assert "Traceback" not in result.stderr


def test_a_page_quoting_the_letter_of_a_summary_reply_fails_the_build(fixture_copy, tmp_path):
    content = fixture_copy("basic")
    plant_page(content, f"答复全文写道：“这是答复全文中的一句只在全文里出现的话：{SUMMARY_LETTER_SENTENCE}。”")
    with pytest.raises(disclosure.DisclosureError) as error:
        build(content, tmp_path / "out")
    [leak] = error.value.leaks
    assert leak.path == "leak/index.html" and leak.secret.source == "replies/2017/sheng-jianyi-1418.md"
    assert leak.secret.what == "只公开摘要的答复的正文"


def test_a_page_left_by_an_earlier_build_is_deleted_before_the_check(tmp_path, basic_secrets):
    """The output folder is not emptied before a build, but what the build did not produce is deleted
    before the check (plugins/written): the page of a reply withheld since is gone and the build passes.
    A folder checked as it is (publish/verify.py) is told where such a page comes from."""
    output = tmp_path / "out"
    stale = output / "2017/sheng-jianyi-0999/index.html"  # written when the reply was still public
    stale.parent.mkdir(parents=True)
    stale.write_text("<h1>关于某保密事项的建议隐匿标题</h1>", encoding="utf-8")
    message = disclosure.report(disclosure.leaks(output, basic_secrets), output)
    assert "2017/sheng-jianyi-0999/index.html: 含有 replies/2017/sheng-jianyi-0999.md 中“不予公开”答复的题目" in message
    assert "“不予公开”答复的网址“2017/sheng-jianyi-0999”" in message
    assert "请运行 invoke clean 后重新生成" in message
    build(FIXTURES / "basic", output)
    assert not stale.parent.exists()


@pytest.fixture(scope="module")
def basic_secrets():
    return disclosure.secrets(store.load(FIXTURES / "basic"))


def test_secrets_of_the_basic_fixture(basic_secrets):
    texts = {s.text for s in basic_secrets}
    assert {"关于某保密事项的建议隐匿标题", "省十二届人大七次会议第0999号", "湘商函〔2017〕99号",
            "2017/sheng-jianyi-0999", "attachments/secret.csv", WITHHELD_SENTENCE} <= texts
    assert any(SUMMARY_LETTER_SENTENCE in t for t in texts)
    # the summary of the 摘要 reply and everything of public replies is published
    assert not [t for t in texts if "我厅将出台支持连锁便利店发展的指导意见" in t or "宜章" in t]


def test_shared_formulas_and_dates_are_not_secrets(tmp_path):
    public = store.load(FIXTURES / "basic")
    letter = public.by_path(FIXTURES / "basic/replies/2017/sheng-jianyi-0512.md").body
    formula = next(line for line in letter.split("\n") if line.startswith("感谢"))
    withheld = next(r for r in public.replies if not r.is_public)
    withheld.body += f"\n\n{formula}\n\n2017年7月1日"
    texts = {s.text for s in disclosure.secrets(public)}
    assert WITHHELD_SENTENCE in texts
    assert not [t for t in texts if formula.rstrip("。") in t or t == "2017年7月1日"]


@pytest.mark.parametrize("name,data", [
    ("a.html", f"<p>不予公开的<strong>答复正文</strong>独有句子壬癸</p>"),
    ("b.html", "<p>不予公开的答复正文独有&#21477;子壬癸</p>"),
    ("feed.atom", "<content>&lt;p&gt;不予公开的&lt;em&gt;答复正文&lt;/em&gt;独有句子壬癸&lt;/p&gt;</content>"),
    ("index.json", '{"text": "' + "".join(f"\\u{ord(c):04x}" for c in WITHHELD_SENTENCE) + '"}'),
    ("search.js", 'var s = "' + "".join(f"\\u{ord(c):04x}" for c in WITHHELD_SENTENCE) + '";'),
])
def test_leaks_are_found_through_markup_entities_and_escapes(tmp_path, basic_secrets, name, data):
    (tmp_path / name).write_text(data, encoding="utf-8")
    (tmp_path / "clean.html").write_text("<p>答复正文</p>", encoding="utf-8")
    found = disclosure.leaks(tmp_path, basic_secrets)
    assert [(leak.path, leak.secret.text) for leak in found] == [(name, WITHHELD_SENTENCE)]


def test_files_shared_among_worker_processes_give_the_same_leaks(tmp_path, basic_secrets, monkeypatch):
    monkeypatch.setattr(disclosure, "_CHUNK", 3)
    for i in range(20):
        folder = tmp_path / f"d{i % 4}"
        folder.mkdir(exist_ok=True)
        text = f"<p>不予公开的答复正文独有句子壬癸{i}</p>" if i % 7 == 0 else f"<p>答复正文{i}</p>"
        (folder / f"{i}.html").write_text(text, encoding="utf-8")
    alone = disclosure.leaks(tmp_path, basic_secrets)
    assert len({leak.path for leak in alone}) == 3
    assert disclosure.leaks(tmp_path, basic_secrets, workers=2) == alone


def test_the_check_reads_again_only_what_changed_since_it_last_passed(tmp_path, basic_secrets, monkeypatch):
    output, record = tmp_path / "out", str(tmp_path / "cache/disclosure.json")
    output.mkdir()
    for name in ("a.html", "b.html"):
        (output / name).write_text("<p>答复正文</p>", encoding="utf-8")
    read = []
    search = disclosure._read
    monkeypatch.setattr(disclosure, "_read", lambda path, size: read.append(Path(path).name) or search(path, size))

    def check(secrets):
        read.clear()
        found = disclosure.leaks(output, secrets, record=record)
        return [leak.path for leak in found], sorted(read)

    assert check(basic_secrets) == ([], ["a.html", "b.html"])
    (output / "b.html").write_text("<p>答复正文已改</p>", encoding="utf-8")
    assert check(basic_secrets) == ([], ["b.html"])
    assert check(basic_secrets) == ([], [])
    # other secrets: every file is searched for them
    planted = disclosure.Secret("答复正文", "replies/x.md", "测试")
    assert check([*basic_secrets, planted]) == (["a.html", "b.html"], ["a.html", "b.html"])
    assert check([*basic_secrets, planted]) == (["a.html", "b.html"], ["a.html", "b.html"])  # nothing recorded


def test_a_check_among_some_files_leaves_the_record_of_the_others_as_it_was(tmp_path, basic_secrets, monkeypatch):
    """The build checks its pages while its search child still writes the index (verify_written), then
    everything (verify_output): the second reads only what the first did not."""
    output, record = tmp_path / "out", str(tmp_path / "cache/disclosure.json")
    (output / "index").mkdir(parents=True)
    for name in ("a.html", "b.html", "index/x.bin"):
        (output / name).write_text("<p>答复正文</p>", encoding="utf-8")
    read = []
    search = disclosure._read
    monkeypatch.setattr(disclosure, "_read", lambda path, size: read.append(Path(path).name) or search(path, size))

    def check(among=None):
        read.clear()
        found = disclosure.leaks(output, basic_secrets, record=record, among=among)
        return [leak.path for leak in found], sorted(read)

    assert check() == ([], ["a.html", "b.html", "x.bin"])
    (output / "index/x.bin").write_text(f"<p>{WITHHELD_SENTENCE}</p>", encoding="utf-8")
    (output / "index/y.bin").write_text("<p>新文件</p>", encoding="utf-8")
    (output / "b.html").write_text("<p>答复正文已改</p>", encoding="utf-8")
    assert check({"a.html", "b.html"}) == ([], ["b.html"])  # the index is not looked at
    assert check() == (["index/x.bin"], ["x.bin", "y.bin"])  # a.html and b.html stay recorded
    (output / "b.html").write_text(f"<p>{WITHHELD_SENTENCE}</p>", encoding="utf-8")
    assert check({"a.html", "b.html"}) == (["b.html"], ["b.html"])


@pytest.mark.parametrize("name", ["data/big.json", "data/big.csv"])
def test_a_large_file_is_searched_again_where_it_changed(tmp_path, basic_secrets, monkeypatch, name):
    """A changed export is searched again in the pieces around the change only, and a withheld
    sentence put anywhere into it is still found, also in its JSON reading."""
    monkeypatch.setattr(disclosure, "LARGE", 1024)
    monkeypatch.setattr(disclosure, "PIECE", 32 * 1024)
    output, record = tmp_path / "out", str(tmp_path / "cache/disclosure.json")
    path = output / name
    path.parent.mkdir(parents=True)
    lines = [f'    {{"t": "答复正文第{i}行{chr(0x4E00 + i * 7919 % 20000)}"}},\n' for i in range(4000)]
    path.write_text("[\n" + "".join(lines) + '    {"t": ""}\n]\n', encoding="utf-8")
    searched = []
    views = disclosure._large_views
    monkeypatch.setattr(disclosure, "_large_views", lambda piece, suffix: searched.append(piece) or views(piece, suffix))
    assert disclosure.leaks(output, basic_secrets, record=record) == []
    everything = sum(map(len, searched))
    escaped = "".join(f"\\u{ord(c):04x}" for c in WITHHELD_SENTENCE[:4]) + WITHHELD_SENTENCE[4:]
    for at, added in ((2000, f'    {{"t": "新增的一行"}},\n'), (3000, f'    {{"t": "据了解{escaped}。"}},\n')):
        lines.insert(at, added)
        path.write_text("[\n" + "".join(lines) + '    {"t": ""}\n]\n', encoding="utf-8")
        searched.clear()
        found = disclosure.leaks(output, basic_secrets, record=record)
        assert 0 < sum(map(len, searched)) < everything / 10
    assert [(leak.path, leak.secret.text) for leak in found] == [(name, WITHHELD_SENTENCE)]
    assert found == disclosure.leaks(output, basic_secrets)  # as a check from nothing finds


def test_files_searched_together_are_searched_apart(tmp_path, basic_secrets):
    """Small files' views are searched in one call, joined: a secret is found in each file that holds
    it, and not across the join of two files."""
    half = len(WITHHELD_SENTENCE) // 2
    matcher = disclosure._Matcher({WITHHELD_SENTENCE})
    parts = [f"甲{WITHHELD_SENTENCE}".encode(), WITHHELD_SENTENCE[:half].encode(), WITHHELD_SENTENCE[half:].encode(),
             b"", f"{WITHHELD_SENTENCE}乙".encode()]
    assert matcher.find_each(parts) == [(0, WITHHELD_SENTENCE), (4, WITHHELD_SENTENCE)]
    (tmp_path / "a.html").write_text(f"<p>{WITHHELD_SENTENCE}</p>", encoding="utf-8")
    (tmp_path / "b.txt").write_text(WITHHELD_SENTENCE[:half], encoding="utf-8")
    (tmp_path / "c.txt").write_text(WITHHELD_SENTENCE[half:], encoding="utf-8")
    (tmp_path / "d.json").write_text(f'"{WITHHELD_SENTENCE}"', encoding="utf-8")
    found = disclosure.leaks(tmp_path, basic_secrets)
    assert [(leak.path, leak.secret.text) for leak in found] == [("a.html", WITHHELD_SENTENCE),
                                                                  ("d.json", WITHHELD_SENTENCE)]


def test_a_file_read_while_it_grows_is_read_whole(tmp_path):
    (tmp_path / "a.html").write_bytes(b"x" * 5000)
    assert disclosure._read(str(tmp_path / "a.html"), 10) == b"x" * 5000


def test_the_output_check_runs_after_every_other_finalized_receiver(tmp_path):
    from pelican import Pelican, signals
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "pelicanconf.py"),
                             override={"PATH": str(FIXTURES / "basic"), "OUTPUT_PATH": str(tmp_path)})
    Pelican(settings)  # loads the plugins: sitemap, for one, writes its file at `finalized`
    receivers = list(signals.finalized.receivers.values())
    assert len(receivers) > 1 and receivers[-1]() is disclosure.verify_output


def test_compressed_output_is_read_as_the_browser_unpacks_it(tmp_path):
    import gzip

    data = gzip.compress(f'{{"text": "{WITHHELD_SENTENCE}"}}'.encode("utf-8"), mtime=0)
    views = disclosure.readable_views(tmp_path / "search/index/t/7.gz", data)
    assert any(WITHHELD_SENTENCE in view for view in views)
