"""`invoke setup-hooks`: a plain git pre-commit hook that checks the reply files of each commit.

A plain hook rather than the pre-commit framework: the framework downloads hook environments on first
use, which staff machines inside government networks may not be allowed to do, and there is only one
hook to run.  The hook calls this module with the project's Python; it checks the reply files added or
changed in the commit (the whole content folder is read, so duplicates across files are found) and
stops the commit with the Chinese report when any is invalid.  It checks the files as they are in the
working folder: when a staged file was changed again after `git add`, it says so.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

MARKER = "# Installed by `invoke setup-hooks`"

HOOK = """#!/bin/sh
{marker} (plugins/publish/hooks.py): check the reply files of this commit.
# Re-run `invoke setup-hooks` after moving the project or its Python environment.
cd {project} || exit 1
PYTHONPATH={plugins}${{PYTHONPATH:+:$PYTHONPATH}} exec {python} -m publish.hooks --content {content} --settings {settings}
"""


def _git(project, *args) -> str:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True).stdout


def install(project, python=sys.executable, content="content", settings="pelicanconf.py") -> Path:
    """Write the pre-commit hook of the git repository that holds `project`; an existing hook that
    is not ours is kept as pre-commit.local-backup.  Returns the hook's path."""
    project = Path(project).absolute()
    hook = Path(project, _git(project, "rev-parse", "--git-path", "hooks/pre-commit").strip())
    hook.parent.mkdir(parents=True, exist_ok=True)
    if hook.exists() and MARKER not in hook.read_text(errors="replace"):
        hook.rename(hook.with_name("pre-commit.local-backup"))
    hook.write_text(HOOK.format(marker=MARKER, project=shlex.quote(str(project)),
                                plugins=shlex.quote(str(project / "plugins")), python=shlex.quote(str(python)),
                                content=shlex.quote(content), settings=shlex.quote(settings)))
    hook.chmod(0o755)
    return hook


def changed_replies(content: str, replies_dir: str) -> list[str]:
    """Reply files added, copied, modified or renamed in the staged commit, relative to here."""
    folder = f"{content.rstrip('/')}/{replies_dir}"
    names = _git(".", "diff", "--cached", "--name-only", "--relative", "--diff-filter=ACMR", "-z", "--", folder)
    return [n for n in names.split("\0") if n.endswith(".md")]


def pre_commit(content: str, settings: str) -> int:
    from replies import check, registry

    replies_dir = registry.options(check.settings_for(settings, content))["path"]
    files = changed_replies(content, replies_dir)
    if not files:
        return 0
    print(f"提交前检查：本次提交包含 {len(files)} 个答复文件。")
    edited = set(_git(".", "diff", "--name-only", "--relative", "-z", "--", *files).split("\0")) - {""}
    if edited:
        print("注意：以下文件在 git add 之后又修改过，检查的是当前文件，提交的却是 git add 时的版本，"
              "请再次 git add：" + "、".join(sorted(edited)))
    code = check.main(files, content, settings_file=settings)
    if code:
        print("提交已取消。请按上面的提示改正，再 git add 这些文件后重新提交。")
    return code


if __name__ == "__main__":  # run by the hook: python -m publish.hooks --content DIR --settings FILE
    import argparse

    parser = argparse.ArgumentParser(description="pre-commit: check the staged reply files")
    parser.add_argument("--content", default="content")
    parser.add_argument("--settings", default="pelicanconf.py")
    arguments = parser.parse_args()
    sys.exit(pre_commit(arguments.content, arguments.settings))
