"""Tasks: Pelican's quickstart tasks (same names and meanings) plus check and test.

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
    "host": "localhost",
    "port": 8000,
}


def _pelican(c, *args):
    c.run(shlex.join([sys.executable, "-m", "pelican", CONFIG["content"], *args]), pty=False)


@task
def clean(c):
    """Remove the generated site."""
    if os.path.isdir(CONFIG["deploy_path"]):
        shutil.rmtree(CONFIG["deploy_path"])


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


@task
def publish(c):
    """Build the production site into the output folder."""
    preview(c)


# Invoke cannot make a positional argument optional, so the path is given as `invoke check --path P`.
@task(help={"path": "a content folder or one reply file (default: the content folder)"})
def check(c, path=None):
    """Validate reply files without building; non-zero exit when any is invalid."""
    from replies.check import main

    code = main([path] if path else [], CONFIG["content"])
    if code:
        sys.exit(code)


@task(help={"args": "extra pytest arguments"})
def test(c, args=""):
    """Run the whole test suite."""
    c.run(f"{shlex.quote(sys.executable)} -m pytest {args}", pty=False)
