"""Tasks: Pelican's quickstart tasks (same names and meanings) plus new, check, setup-hooks, rollback, search, test.

Each task is a thin wrapper; the work lives in plugins/.
"""

import os
import shlex
import shutil
import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

CONFIG = {
    "settings_base": "pelicanconf.py",
    "settings_publish": "publishconf.py",
    "content": "content",
    "deploy_path": "output",
    "cache_path": "cache",  # Pelican's CACHE_PATH: the build caches (plugins/replies/cache.py and others)
    "host": "localhost",
    "port": 8000,
}


def _pelican(c, *args):
    c.run(shlex.join([sys.executable, "-m", "pelican", CONFIG["content"], *args]), pty=False)


@task
def clean(c):
    """Remove the generated site and the build caches: the next build starts from nothing."""
    for folder in (CONFIG["deploy_path"], CONFIG["cache_path"]):
        if os.path.isdir(folder):
            shutil.rmtree(folder)


@task
def build(c):
    """Build the site with the development settings."""
    _pelican(c, "-s", CONFIG["settings_base"], "-o", CONFIG["deploy_path"], "--fatal", "warnings")


@task(clean, build)
def rebuild(c):
    """Clean, then build."""


@task
def regenerate(c):
    """Rebuild automatically whenever content changes."""
    _pelican(c, "-r", "-s", CONFIG["settings_base"], "-o", CONFIG["deploy_path"])


@task
def serve(c):
    """Serve the built site at http://localhost:8000/."""
    _pelican(c, "-l", "-s", CONFIG["settings_base"], "-o", CONFIG["deploy_path"],
             "-b", CONFIG["host"], "-p", str(CONFIG["port"]))


@task
def reserve(c):
    """Build, then serve."""
    build(c)
    serve(c)


@task
def preview(c):
    """Build with the production settings."""
    _pelican(c, "-s", CONFIG["settings_publish"], "-o", CONFIG["deploy_path"], "--fatal", "warnings")


@task
def livereload(c):
    """Build, serve, and reload the browser when content or theme change."""
    from livereload import Server

    build(c)
    server = Server()
    for pattern in ("pelicanconf.py", "content/**/*", "theme/**/*", "plugins/**/*.py"):
        server.watch(pattern, lambda: build(c))
    server.serve(host=CONFIG["host"], port=CONFIG["port"], root=CONFIG["deploy_path"])


@task(help={"target": "the live folder the web server serves (default: the output folder)"})
def publish(c, target=None):
    """Build the production site into a fresh folder, verify it, then swap it in (previous kept)."""
    from publish.deploy import PublishError, publish as deploy

    try:
        live = deploy(ROOT, CONFIG["content"], CONFIG["settings_publish"], target or CONFIG["deploy_path"])
    except PublishError as error:
        sys.exit(str(error))
    kept = f"；上一版本保留在 {live}.previous（invoke rollback 可恢复）" if Path(f"{live}.previous").is_dir() else ""
    print(f"已发布到 {live}{kept}。")


@task(help={"target": "the live folder (default: the output folder)"})
def rollback(c, target=None):
    """Put the previously published site back in place."""
    from publish.deploy import PublishError, rollback as restore

    try:
        print(f"已恢复上一版本到 {restore(target or CONFIG['deploy_path'])}。")
    except PublishError as error:
        sys.exit(str(error))


# Invoke cannot make a positional argument optional, so the path is given as `invoke check --path P`.
@task(help={"path": "a content folder or one reply file (default: the content folder)",
            "fix": "first convert GBK files to UTF-8 and repair front-matter key lines"})
def check(c, path=None, fix=False):
    """Validate reply files without building; non-zero exit when any is invalid."""
    from replies.check import main

    code = main([path] if path else [], CONFIG["content"], settings_file=CONFIG["settings_base"], repair=fix)
    if code:
        sys.exit(code)


@task(help={"kind": "建议 or 提案", "level": "全国, 省, 市 or 县", "session": "e.g. 省十二届人大七次会议",
            "year": "default: the session's year, or this year", "number": "e.g. 0512", "title": "the subject",
            "lead": "lead deputy or proposer", "role": "主办, 会办, 分办 or 协办", "category": "e.g. 口岸建设",
            "reply_class": "A-D (主办/分办)", "lead_unit": "the lead unit (会办/协办)",
            "reply_date": "default: today", "disclosure": "default: 主动公开",
            "nondisclosure_reason": "when not 主动公开", "no_input": "never ask; fail on missing answers"})
def new(c, kind=None, level=None, session=None, year=None, number=None, title=None, lead=None, role=None,
        category=None, reply_class=None, lead_unit=None, reply_date=None, disclosure=None,
        nondisclosure_reason=None, no_input=False):
    """Create a reply file with every field, asking for what is not given."""
    given = {k: v for k, v in locals().items() if k not in ("c", "no_input") and v is not None}
    from replies.check import settings_for
    from replies.registry import options
    from replies.scaffold import main

    replies_dir = options(settings_for(CONFIG["settings_base"], CONFIG["content"]))["path"]
    code = main(CONFIG["content"], replies_dir, given, interactive=not no_input and sys.stdin.isatty())
    if code:
        sys.exit(code)


@task(name="setup-hooks")
def setup_hooks(c):
    """Install the git pre-commit hook that checks the reply files of each commit."""
    from publish.hooks import install

    print(f"已安装提交前检查：{install(ROOT, sys.executable, CONFIG['content'], CONFIG['settings_base'])}")


@task(help={"query": "terms separated by spaces; a reply must contain them all", "year": "e.g. 2017",
            "kind": "建议 or 提案", "level": "全国, 省, 市 or 县", "category": "e.g. 口岸建设",
            "key-class": "the key class's address name, e.g. zimaoqu", "role": "主办, 会办, 分办 or 协办",
            "answer-class": "A, B, C or D", "sort": "relevance (default) or date"})
def search(c, query, year=None, kind=None, level=None, category=None, key_class=None, role=None,
           answer_class=None, sort="relevance"):
    """Search the published replies from the Whoosh index (builds the site first when there is none)."""
    from pelican.settings import read_settings
    from search import cli, index

    settings = read_settings(CONFIG["settings_base"])
    if not index.exists(index.directory(settings)):
        build(c)
    filters = {"year": year, "kind": kind, "level": level, "category": category, "key_class": key_class,
               "role": role, "answer_class": answer_class}
    try:
        cli.run(settings, query, filters, sort)
    except ValueError as error:
        sys.exit(f"invoke search: {error}")


@task(help={"args": "extra pytest arguments"})
def test(c, args=""):
    """Run the whole test suite."""
    c.run(f"{shlex.quote(sys.executable)} -m pytest {args}", pty=False)


@task(help={"replies": "corpus size (default 10000)", "full": "the opt-in large run: 100,000 replies",
            "seed": "corpus seed (default 1)", "skip_pagefind": "do not install or run Pagefind (npm)",
            "skip_browser": "do not run the search benchmark in Chromium",
            "skip_incremental": "full builds only (saves time at 100,000)",
            "skip_bare": "no bare Pelican builds (the 100,000 targets do not compare with it)",
            "rounds": "run every build this many times, report each one's median run (default 3 up to 10,000 "
                      "replies, 1 above)"})
def bench(c, replies=10000, full=False, seed=1, skip_pagefind=False, skip_browser=False, skip_incremental=False,
          skip_bare=False, rounds=0):
    """Benchmark build and search against bare Pelican and Pagefind; report in bench/results/."""
    from bench.run import main

    args = ["--replies", str(replies), "--seed", str(seed)] + ["--full"] * full
    args += ["--skip-pagefind"] * skip_pagefind + ["--skip-browser"] * skip_browser
    args += ["--skip-incremental"] * skip_incremental + ["--skip-bare"] * skip_bare
    args += ["--rounds", str(rounds)] * bool(rounds)
    code = main(args)
    if code:
        sys.exit(code)
