"""`invoke publish` and `invoke rollback`: a failed build never replaces a good site.

Pelican's quickstart `publish` builds with publishconf.py into the output folder, over the site being
served.  Here the same build (publishconf.py, `--fatal warnings`) goes into a fresh folder next to
the live one, `<live>.new-<time>`; the built site is verified (verify.py: links, disclosure, privacy);
only then does it take the live folder's place, in one step: the two folders are exchanged with
renameat2(RENAME_EXCHANGE) where Linux offers it (so the web server never sees a missing or half-
written folder), otherwise by two renames.  The site that was live is kept as `<live>.previous`, and
`invoke rollback` exchanges the two again.  A build or a check that fails leaves the live folder as
it was, byte for byte; the rejected build is kept as `<live>.failed` for inspection.
"""

from __future__ import annotations

import ctypes
import datetime
import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

from . import verify


class PublishError(RuntimeError):
    """Publishing stopped; the live site is unchanged.  The message says why, in Chinese."""


def sibling(live: Path, suffix: str) -> Path:
    return live.with_name(live.name + suffix)


def build(project, content, settings_file, output, env=None) -> subprocess.CompletedProcess:
    """Run Pelican as the `pelican` command does, in a process of its own (as in CI)."""
    command = [sys.executable, "-m", "pelican", str(Path(content).absolute()), "-s", str(settings_file),
               "-o", str(Path(output).absolute()), "--fatal", "warnings"]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=env)


def settings_for(project, content, settings_file, output) -> dict:
    from pelican.settings import read_settings

    if str(project) not in sys.path:  # publishconf.py imports pelicanconf from the project folder
        sys.path.insert(0, str(project))
    return read_settings(str(Path(project, settings_file)),
                         override={"PATH": str(Path(content).absolute()), "OUTPUT_PATH": str(output)})


def publish(project, content, settings_file, live, now: datetime.datetime | None = None) -> Path:
    """Build, verify and swap in the site; return the live folder.  Raises PublishError."""
    live = Path(live).absolute()
    stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    fresh = sibling(live, f".new-{stamp}")
    result = build(project, content, settings_file, fresh)
    if result.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        raise PublishError(f"生成网站失败，已发布的网站保持不变。\n{(result.stderr or result.stdout).strip()}")
    problems = verify.verify(fresh, settings_for(project, content, settings_file, fresh))
    if problems:
        failed = sibling(live, ".failed")
        shutil.rmtree(failed, ignore_errors=True)
        os.rename(fresh, failed)
        raise PublishError("生成的网站没有通过发布前检查，已发布的网站保持不变。"
                           f"未发布的版本保留在 {failed} 供查看。\n" + "\n".join(problems))
    previous = sibling(live, ".previous")
    if live.exists():
        shutil.rmtree(previous, ignore_errors=True)
        swap(fresh, live)
        os.rename(fresh, previous)  # `fresh` now holds the site that was live
    else:
        os.rename(fresh, live)
    return live


def rollback(live) -> Path:
    """Put the previous site back in place; the replaced one becomes the previous (so a second
    rollback undoes the first)."""
    live = Path(live).absolute()
    previous = sibling(live, ".previous")
    if not previous.is_dir():
        raise PublishError(f"没有可以恢复的上一版本（{previous} 不存在）。")
    if live.exists():
        swap(previous, live)
    else:
        os.rename(previous, live)
    return live


def swap(a: Path, b: Path) -> None:
    """Exchange two folders: atomically where the system can, else with a third name."""
    if _exchange(a, b):
        return
    spare = sibling(b, ".swap")
    os.rename(b, spare)
    os.rename(a, b)
    os.rename(spare, a)


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE) (Linux 3.15+, glibc 2.28+); False where it is not available."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if function(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # the kernel or the file system cannot exchange
    raise OSError(code, os.strerror(code), str(a))
