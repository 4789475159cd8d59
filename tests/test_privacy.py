"""The privacy guard: deputies' mobile numbers, ID numbers, e-mail and street addresses in a published
reply stop `invoke check` and the build (file and line named); allow-listed values pass."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, build
from replies import privacy, store
from replies.check import check
from test_validation import VALID, edit, write

MOBILE = "13907315566"
ID_NUMBER = "11010519491231002X"  # the standard's own example: valid check digit
LANDLINE = "0731-82280000"


def findings(text: str, allow=()) -> list[tuple[str, str]]:
    return [(f.kind, f.value) for f in privacy.Guard(allow).find(text)]


@pytest.mark.parametrize("text,value", [
    ("手机 13907315566。", "13907315566"),
    ("手机 139 0731 5566。", "139 0731 5566"),
    ("手机 139-0731-5566。", "139-0731-5566"),
    ("手机 +86 13907315566。", "+86 13907315566"),
    ("手机 １３９０７３１５５６６。", "１３９０７３１５５６６"),
])
def test_mobile_numbers_in_every_usual_spelling(text, value):
    assert findings(text) == [(privacy.MOBILE, value)]


def test_landlines_document_numbers_and_dates_are_not_mobile_numbers():
    text = f"办公电话 {LANDLINE}，湘商函〔2017〕45号，第1418号，2017-06-12，编号12345678901，1497225600000。"
    assert findings(text) == []


def test_id_numbers_need_a_valid_check_digit():
    assert privacy.valid_id_number("11010519491231002X")
    assert privacy.valid_id_number("110105 19491231 002x")
    assert not privacy.valid_id_number("110105194912310021")
    assert findings("身份证 11010519491231002X") == [(privacy.ID_NUMBER, "11010519491231002X")]
    assert findings("统计编码 110105194912310021") == []  # 18 digits, wrong check digit: not an ID


def test_email_and_street_addresses():
    assert findings("邮箱 wang.jq@163.com；13907315566@qq.com") == [
        (privacy.EMAIL, "wang.jq@163.com"), (privacy.EMAIL, "13907315566@qq.com")]
    assert findings("住长沙市芙蓉区五一大道123号") == [(privacy.ADDRESS, "住长沙市芙蓉区五一大道123号")]
    assert findings("家住3栋2单元501室") == [(privacy.ADDRESS, "3栋2单元501室")]
    assert findings("宜章县桃花村3组") == [(privacy.ADDRESS, "宜章县桃花村3组")]
    assert findings("京港澳高速宜章段、第1418号建议、5号楼") == []


def test_allow_list_matches_the_exact_value_in_any_spelling():
    assert findings("电话 139 0731 5566", allow=["13907315566"]) == []
    assert findings("邮箱 Office@Example.gov.cn", allow=["office@example.gov.cn"]) == []
    assert findings("本厅地址：长沙市天心区湘府西路8号", allow=["湘府西路8号"]) == []
    assert findings("电话 13907315567", allow=["13907315566"]) == [(privacy.MOBILE, "13907315567")]


def test_settings_are_checked():
    assert privacy.options({})["allow"] == []
    with pytest.raises(ValueError, match="Unknown PRIVACY setting"):
        privacy.options({"PRIVACY": {"alow": []}})
    with pytest.raises(ValueError, match="list of strings"):
        privacy.options({"PRIVACY": {"allow": LANDLINE}})


PLANTED = edit(edit(VALID, "lead: 王建球", f"lead: 王建球\ntags: [冷链, {MOBILE}]"),
               "答复正文。", f"答复正文。\n\n代表身份证号 {ID_NUMBER}，手机 {MOBILE}。\n\n联系电话：{LANDLINE}。")


def test_check_names_file_and_line_of_each_planted_value(tmp_path):
    write(tmp_path, PLANTED)
    found = [str(p) for p in check([], tmp_path)[0]]
    assert found[0].startswith(f"replies/2017/a.md:9: 疑似手机号码 “{MOBILE}”")
    assert found[1].startswith(f"replies/2017/a.md:22: 疑似手机号码 “{MOBILE}”")
    assert found[2].startswith(f"replies/2017/a.md:22: 疑似身份证号码 “{ID_NUMBER}”")
    assert len(found) == 3, found  # the landline passes
    assert "PRIVACY 允许名单 allow" in found[0]


def test_check_reads_the_allow_list_from_the_settings_file(tmp_path):
    content = tmp_path / "content"
    write(content, PLANTED)
    settings = tmp_path / "conf.py"
    settings.write_text(f'PRIVACY = {{"allow": ["{LANDLINE}", "{MOBILE}"]}}\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "replies.check", "--content", str(content),
                             "--settings", str(settings)], cwd=ROOT / "plugins", capture_output=True, text=True)
    assert result.returncode == 1
    assert "a.md:22: 疑似身份证号码" in result.stdout and "疑似手机号码" not in result.stdout
    assert "共发现 1 个错误" in result.stdout


def test_withheld_replies_and_summary_only_letters_are_not_checked(tmp_path):
    withheld = edit(PLANTED, "disclosure: 主动公开", "disclosure: 不予公开\nnondisclosure_reason: 涉及个人信息")
    write(tmp_path, withheld.replace(f"tags: [冷链, {MOBILE}]", "tags: [冷链]"))
    assert check([], tmp_path)[0] == []
    summary = edit(PLANTED, "disclosure: 主动公开", "disclosure: 主动公开\ndisclosure_form: 摘要\nsummary: 已支持。")
    write(tmp_path, summary.replace(f"tags: [冷链, {MOBILE}]", "tags: [冷链]"))
    assert check([], tmp_path)[0] == []
    write(tmp_path, summary.replace("summary: 已支持。", f"summary: 已电话联系 {MOBILE}。"))
    assert len(check([], tmp_path)[0]) == 2  # the summary is published, and the tags


def test_the_build_stops_before_writing_and_the_allow_list_setting_lets_it_through(tmp_path):
    content = tmp_path / "content"
    write(content, PLANTED)
    output = tmp_path / "output"
    with pytest.raises(store.ContentError) as error:
        build(content, output)
    assert "replies/2017/a.md:22: 疑似身份证号码" in str(error.value)
    assert not output.exists()
    build(content, output, PRIVACY={"allow": [MOBILE, ID_NUMBER]})
    page = (output / "2017/sheng-jianyi-0512/index.html").read_text(encoding="utf-8")
    assert LANDLINE in page and MOBILE in page
