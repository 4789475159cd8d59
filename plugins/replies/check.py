"""`invoke check [PATH]`: validate reply files without building the site.

PATH may be the content folder, or one or more reply files inside it: the whole folder is always
read (duplicates span files), and only problems of the named files are reported.

The settings file (pelicanconf.py) is read with Pelican's own read_settings, so that the check and
the build agree on the replies folder (REPLIES) and the privacy allow-list (PRIVACY).  `--fix`
first repairs what can be repaired mechanically (fix.py), then checks.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import fix as fix_module
from . import privacy, registry
from . import store as store_module
from .validate import Problem
from .workers import cores


def check(paths, content_root, replies_dir: str = "replies", guard: privacy.Guard | None = None
          ) -> tuple[list[Problem], int]:
    """Problems of `paths` (files or folders; empty means the whole content folder), and how many
    reply files were checked."""
    root = _root(paths, content_root)  # `invoke check --path other-content/` checks that folder
    loaded = store_module.load(root, replies_dir, guard, workers=cores())
    files = store_module.reply_files(root, replies_dir)
    named = [Path(p) for p in paths if not Path(p).is_dir()]
    if not named:
        return loaded.problems, len(files)
    wanted = set()
    for p in named:
        if not p.exists():
            loaded.problems.append(Problem(str(p), 0, "文件不存在。"))
        wanted.add(_source(p, root))
    return [p for p in loaded.problems if p.source in wanted or p.source not in {_source(f, root) for f in files}], len(named)


def fix(paths, content_root, replies_dir: str = "replies") -> list[str]:
    """Repair the named reply files (or all of the content folder); one line per repaired file."""
    root = _root(paths, content_root)
    named = [Path(p) for p in paths if not Path(p).is_dir()] or store_module.reply_files(root, replies_dir)
    report = []
    for path in named:
        changes = fix_module.fix_file(path, root)
        if changes:
            report.append(f"已修正 {os.path.relpath(path)}：{'；'.join(changes)}。")
    return report


def settings_for(settings_file, content_root) -> dict:
    """The build's settings for `content_root`, read as Pelican reads them (no plugin is loaded)."""
    from pelican.settings import read_settings

    return read_settings(str(settings_file), override={"PATH": os.path.abspath(content_root)})


def _root(paths, content_root) -> Path:
    return Path(paths[0]) if len(paths) == 1 and Path(paths[0]).is_dir() else Path(content_root)


def _source(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def main(paths, content_root, replies_dir: str | None = None, settings_file=None, repair: bool = False) -> int:
    """Check (after repairing, with `repair`) and print the report; the exit status."""
    guard = None
    if settings_file:
        settings = settings_for(settings_file, _root(paths, content_root))
        replies_dir = replies_dir or registry.options(settings)["path"]
        guard = privacy.guard(settings)
    replies_dir = replies_dir or registry.DEFAULTS["path"]
    if repair:
        for line in fix(paths, content_root, replies_dir):
            print(line)
    problems, count = check(paths, content_root, replies_dir, guard)
    if problems:
        print(store_module.report(problems, _root(paths, content_root)).replace("未生成任何网页", "请改正后再提交"))
        return 1
    print(f"检查通过：{count} 个答复文件没有发现错误。")
    return 0


if __name__ == "__main__":  # python -m replies.check [--content DIR] [--settings FILE] [--fix] [FILE ...]
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Validate reply files.")
    parser.add_argument("--content", default="content", help="the content folder")
    parser.add_argument("--settings", default="pelicanconf.py" if os.path.isfile("pelicanconf.py") else None,
                        help="the Pelican settings file (default: ./pelicanconf.py when there is one)")
    parser.add_argument("--fix", action="store_true", help="repair encodings and key lines first")
    parser.add_argument("paths", nargs="*", help="reply files or a content folder")
    arguments = parser.parse_args()
    sys.exit(main(arguments.paths, arguments.content, settings_file=arguments.settings, repair=arguments.fix))
