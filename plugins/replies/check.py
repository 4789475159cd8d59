"""`invoke check [PATH]`: validate reply files without building the site.

PATH may be the content folder, or one or more reply files inside it: the whole folder is always
read (duplicates span files), and only problems of the named files are reported.
"""

from __future__ import annotations

from pathlib import Path

from . import store as store_module
from .validate import Problem


def check(paths, content_root, replies_dir: str = "replies") -> tuple[list[Problem], int]:
    """Problems of `paths` (files or folders; empty means the whole content folder), and how many
    reply files were checked."""
    root = _root(paths, content_root)  # `invoke check --path other-content/` checks that folder
    loaded = store_module.load(root, replies_dir)
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


def _root(paths, content_root) -> Path:
    return Path(paths[0]) if len(paths) == 1 and Path(paths[0]).is_dir() else Path(content_root)


def _source(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def main(paths, content_root, replies_dir: str = "replies") -> int:
    problems, count = check(paths, content_root, replies_dir)
    if problems:
        print(store_module.report(problems, _root(paths, content_root)).replace("未生成任何网页", "请改正后再提交"))
        return 1
    print(f"检查通过：{count} 个答复文件没有发现错误。")
    return 0


if __name__ == "__main__":  # python -m replies.check [--content DIR] [FILE ...], e.g. from a git hook
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Validate reply files.")
    parser.add_argument("--content", default="content", help="the content folder")
    parser.add_argument("paths", nargs="*", help="reply files or a content folder")
    arguments = parser.parse_args()
    sys.exit(main(arguments.paths, arguments.content))
