"""Safe publishing: a fresh build, verified, swapped in atomically; a failure leaves the live folder
byte-identical; rollback restores the previous build; the same content gives byte-identical output;
the pre-commit hook stops a commit with an invalid reply; the CI examples check, build and publish."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT
from publish import deploy, hooks, verify
from test_validation import VALID, edit

SETTINGS = "publishconf.py"


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (None), by relative path."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def publish(content, live):
    return deploy.publish(ROOT, content, SETTINGS, live)


@pytest.fixture
def published(fixture_copy, tmp_path):
    """The basic fixture, published once into tmp_path/www/site; returns (content, live)."""
    content = fixture_copy("basic")
    live = tmp_path / "www" / "site"
    live.parent.mkdir()
    publish(content, live)
    return content, live


def retitle(content: Path, title: str) -> None:
    reply = content / "replies/2017/sheng-jianyi-0512.md"
    text = reply.read_text(encoding="utf-8")
    reply.write_text(text.replace("title: 关于支持京港澳高速宜章现代国际物流产业园建设的建议", f"title: {title}", 1),
                     encoding="utf-8")


def page(live: Path) -> str:
    return (live / "2017/sheng-jianyi-0512/index.html").read_text(encoding="utf-8")


def test_publish_builds_with_publishconf_and_keeps_the_previous_site(published):
    content, live = published
    assert "https://example.gov.cn/jytabl/2017/sheng-jianyi-0512/" in page(live)  # publishconf's SITEURL
    assert not deploy.sibling(live, ".previous").exists()
    retitle(content, "关于第二版标题的建议")
    publish(content, live)
    assert "关于第二版标题的建议" in page(live)
    assert "京港澳高速宜章" in page(deploy.sibling(live, ".previous"))
    assert sorted(p.name for p in live.parent.iterdir()) == ["site", "site.previous"]


def test_failed_build_leaves_the_live_folder_byte_identical(published):
    content, live = published
    before = snapshot(live)
    reply = content / "replies/2017/sheng-jianyi-0512.md"
    reply.write_text(edit(reply.read_text(encoding="utf-8"), "kind: 建议", "kind: 意见"), encoding="utf-8")
    with pytest.raises(deploy.PublishError) as error:
        publish(content, live)
    assert str(error.value).startswith("生成网站失败，已发布的网站保持不变。")
    assert "类型（kind） 的值 “意见” 不在允许范围内" in str(error.value)
    assert snapshot(live) == before
    assert sorted(p.name for p in live.parent.iterdir()) == ["site"]  # no half-built folder left


def test_failed_output_checks_leave_the_live_folder_byte_identical(published):
    content, live = published
    before = snapshot(live)
    (content / "pages/contact.md").write_text(
        "---\ntitle: 联系我们\nslug: contact\n---\n"
        "[办理情况](https://example.gov.cn/jytabl/no-such-page/)；联系人邮箱 zhang.san@163.com。\n",
        encoding="utf-8")
    with pytest.raises(deploy.PublishError) as error:
        publish(content, live)
    message = str(error.value)
    assert message.startswith("生成的网站没有通过发布前检查，已发布的网站保持不变。")
    assert "contact/index.html: 链接 https://example.gov.cn/jytabl/no-such-page/ 指向的网页不存在。" in message
    assert "contact/index.html: 含有疑似电子邮箱 “zhang.san@163.com”" in message
    assert snapshot(live) == before
    assert (live.parent / "site.failed/contact/index.html").is_file()  # kept for inspection


def test_rollback_restores_the_previous_build(published):
    content, live = published
    first = snapshot(live)
    retitle(content, "关于第二版标题的建议")
    publish(content, live)
    second = snapshot(live)
    assert second != first
    deploy.rollback(live)
    assert snapshot(live) == first
    assert snapshot(deploy.sibling(live, ".previous")) == second
    deploy.rollback(live)  # and a second rollback undoes the first
    assert snapshot(live) == second


def test_rollback_without_a_previous_build_says_so(tmp_path):
    (tmp_path / "site").mkdir()
    with pytest.raises(deploy.PublishError, match="没有可以恢复的上一版本"):
        deploy.rollback(tmp_path / "site")


@pytest.mark.parametrize("atomic", [True, False])
def test_swap_exchanges_two_folders(tmp_path, monkeypatch, atomic):
    if not atomic:
        monkeypatch.setattr(deploy, "_exchange", lambda a, b: False)  # systems without renameat2
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "f").write_text("new")
    (b / "f").write_text("old")
    deploy.swap(a, b)
    assert (b / "f").read_text() == "new" and (a / "f").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_builds_are_reproducible(tmp_path):
    """The sample content, built twice into different folders, at different times, with different
    hash seeds (set ordering): the output trees are byte-identical.  One build is `invoke publish`."""
    live = tmp_path / "one" / "live"
    live.parent.mkdir()
    result = subprocess.run([sys.executable, "-m", "invoke", "publish", "--target", str(live)], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"已发布到 {live}。" in result.stdout
    other = tmp_path / "two" / "other-name"
    built = deploy.build(ROOT, ROOT / "content", SETTINGS, other, env={**os.environ, "PYTHONHASHSEED": "2"})
    assert built.returncode == 0, built.stderr
    one, two = snapshot(live), snapshot(other)
    assert len(one) > 100
    assert sorted(one) == sorted(two)
    assert [path for path in one if one[path] != two[path]] == []


def test_link_check_follows_the_site_path(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text("ok")
    (tmp_path / "index.html").write_text(
        '<a href="https://h.cn/s/a/">ok</a><a href="/s/a/">ok</a><a href="../a/index.html#x">ok</a>'
        '<a href="https://elsewhere.cn/b/">other host</a><a href="mailto:x@h.cn">mail</a>'
        '<a href="https://h.cn/s/b/">broken</a><img src="/s/c.png"><a href="/other-site/">not ours</a>')
    found = verify.broken_links(tmp_path, "https://h.cn/s")
    assert [line.split(": ", 1)[1] for line in found] == ["链接 /s/c.png 指向的网页不存在。",
                                                          "链接 https://h.cn/s/b/ 指向的网页不存在。"]


def git(folder, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "staff", "GIT_AUTHOR_EMAIL": "staff@example.gov.cn",
           "GIT_COMMITTER_NAME": "staff", "GIT_COMMITTER_EMAIL": "staff@example.gov.cn"}
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, env=env)


def test_pre_commit_hook_stops_a_commit_with_an_invalid_reply(tmp_path):
    project = tmp_path / "site"
    project.mkdir()
    assert git(project, "init", "-q").returncode == 0
    os.symlink(ROOT / "plugins", project / "plugins")
    (project / "pelicanconf.py").write_text('REPLIES = {"path": "replies"}\nPRIVACY = {"allow": []}\n')
    hook = hooks.install(project, sys.executable)
    assert hook == project / ".git/hooks/pre-commit" and os.access(hook, os.X_OK)

    reply = project / "content/replies/2017/a.md"
    reply.parent.mkdir(parents=True)
    reply.write_text(edit(VALID, "答复正文。", "请联系 13907315566。"), encoding="utf-8")
    git(project, "add", "content", "pelicanconf.py")
    result = git(project, "commit", "-q", "-m", "reply")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "提交前检查：本次提交包含 1 个答复文件。" in output
    assert "content/replies/2017/a.md:19: 疑似手机号码 “13907315566”" in output
    assert "提交已取消" in output
    assert git(project, "rev-parse", "HEAD").returncode != 0  # nothing committed

    reply.write_text(VALID, encoding="utf-8")
    git(project, "add", "content")
    result = git(project, "commit", "-q", "-m", "reply")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "检查通过：1 个答复文件" in result.stdout + result.stderr


def test_pre_commit_hook_ignores_commits_without_reply_files(tmp_path):
    project = tmp_path / "site"
    project.mkdir()
    git(project, "init", "-q")
    os.symlink(ROOT / "plugins", project / "plugins")
    (project / "pelicanconf.py").write_text("")
    (project / ".git/hooks/pre-commit").write_text("#!/bin/sh\nexit 0\n")
    hooks.install(project, sys.executable)
    assert (project / ".git/hooks/pre-commit.local-backup").read_text() == "#!/bin/sh\nexit 0\n"
    broken = project / "content/replies/2017/a.md"
    broken.parent.mkdir(parents=True)
    broken.write_text("not a reply")  # not staged: not part of the commit
    (project / "README.md").write_text("说明")
    git(project, "add", "README.md", "pelicanconf.py")
    result = git(project, "commit", "-q", "-m", "readme")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "提交前检查" not in result.stdout + result.stderr


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_ci_examples_check_build_and_publish(name):
    text = (ROOT / "docs/ci" / name).read_text(encoding="utf-8")
    config = yaml.safe_load(text)
    assert config
    commands = [line.strip().lstrip("- ") for line in text.splitlines()]
    assert any(c.endswith("invoke check") for c in commands)
    assert any("invoke publish --target" in c for c in commands)
    assert any("invoke rollback --target" in c for c in commands)
    assert "pip install -r requirements.txt" in text
