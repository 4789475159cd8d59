"""The files this build produced, written only when their bytes change; everything else is pruned.

The output folder is not emptied before a build (DELETE_OUTPUT_DIRECTORY is off): on a root file
system without a journal, creating files within minutes of deleting many is slow (the kernel scans
for recently deleted inodes: 40,000 files cost 16-33 s of system time instead of 1 s), and a rebuild
after one edit would delete and write again some 16,000 pages.  Instead every file a build produces is
registered here, is written only when its bytes differ from the file already there (an unchanged
page keeps its inode and mtime, so the disclosure check need not read it again), and at the end
everything not registered is deleted.  Safety rests on that last step: a file nobody registered, such
as the page of a reply withheld since the last build or a stray file put into the folder, never
survives a build, so the folder ends as a build into an empty folder leaves it, byte for byte.
Invalid content stops a build before anything is written; a build that crashes halfway (a bug, not
content) leaves the folder half updated, earlier files included, until the next build ends.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import shutil
import stat

#: Absolute paths of the files this build produced.
_files: set[str] = set()


def folder_tag(folder) -> str:
    """12 hex digits naming `folder` (by its real path) in the cache's file names: what a build keeps
    for one content or output folder is never taken by a build of another sharing CACHE_PATH."""
    return hashlib.sha1(os.path.realpath(folder).encode("utf-8")).hexdigest()[:12]


def forget(*args, **kwargs) -> None:
    """A build starts: nothing of an earlier (perhaps failed) run counts."""
    _files.clear()


def produced(path) -> None:
    """Register `path` as a file this build wrote (a plugin that writes it itself calls this)."""
    _files.add(os.path.abspath(path))


def produced_so_far(folder) -> set[str]:
    """The files under `folder` this build has registered so far, relative to it."""
    prefix = os.path.join(os.path.abspath(folder), "")
    return {path[len(prefix):] for path in _files if path.startswith(prefix)}


def produced_in(folder, names) -> None:
    """Register the files `names` (relative paths) under `folder`."""
    folder = os.path.abspath(folder)
    _files.update(os.path.join(folder, name) for name in names)


def _clear_way(path: str) -> os.stat_result | None:
    """The stat of the regular file at `path`; anything else there (a link, a folder) is removed, so
    writing never goes through a link out of the output folder."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISREG(st.st_mode):
        return st
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)
    return None


def write(path, data: bytes) -> None:
    """Register `path` and write `data` to it, unless the file there already holds exactly these bytes."""
    path = os.fspath(path)
    produced(path)
    st = _clear_way(path)
    if st is not None and st.st_size == len(data):
        with open(path, "rb") as handle:
            if handle.read() == data:
                return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def copy(source, path) -> None:
    """Register `path` and copy `source` to it, unless it already holds the same bytes."""
    path = os.fspath(path)
    produced(path)
    st = _clear_way(path)
    if st is not None and st.st_size == os.path.getsize(source):
        with open(source, "rb") as new, open(path, "rb") as old:
            if new.read() == old.read():
                return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    shutil.copyfile(source, path)


def static_files(generator) -> None:
    """`static_generator_finalized` receiver: register what Pelican's StaticGenerator will copy, the
    theme's static files (as its _copy_paths maps them) and any static content."""
    settings, output = generator.settings, generator.output_path
    target = os.path.join(output, settings["THEME_STATIC_DIR"])
    ignores = settings["IGNORE_FILES"]

    def ignored(name):
        return any(fnmatch.fnmatch(name, pattern) for pattern in ignores)

    for path in settings["THEME_STATIC_PATHS"]:
        source = os.path.join(generator.theme, path)
        if ignored(os.path.basename(path)):
            continue
        if os.path.isfile(source):
            produced(os.path.join(target, os.path.basename(path)))
            continue
        for folder, subfolders, names in os.walk(source, followlinks=True):
            subfolders[:] = [s for s in subfolders if not ignored(s)]
            for name in names:
                if not ignored(name) and os.path.isfile(os.path.join(folder, name)):
                    produced(os.path.join(target, os.path.relpath(folder, source), name))
    for static in generator.staticfiles:
        produced(os.path.join(output, static.save_as))


def prune(pelican) -> None:
    """`finalized` receiver (before the disclosure check): delete every file and link in the output
    folder this build did not produce, then the folders left empty.  As Pelican's cleaning, it keeps
    the names in OUTPUT_RETENTION at the top of the folder, and leaves alone an output folder that
    holds the content; the cache folder is kept too."""
    settings = pelican.settings
    output = os.path.abspath(pelican.output_path)
    real = os.path.realpath(output)
    holds_content = os.path.commonpath([real, os.path.realpath(settings["PATH"])]) == real
    keep = {os.path.join(output, name) for name in settings.get("OUTPUT_RETENTION", ())}
    keep.add(os.path.abspath(settings["CACHE_PATH"]))
    if os.path.isdir(output) and not holds_content:
        _prune(output, keep)
    forget()


def _prune(folder: str, keep: set[str]) -> bool:
    """Prune `folder`; True when it is left empty."""
    empty = True
    with os.scandir(folder) as entries:
        for entry in entries:
            path = entry.path
            if path in keep:
                empty = False
            elif entry.is_dir(follow_symlinks=False):
                if _prune(path, keep):
                    os.rmdir(path)
                else:
                    empty = False
            elif path in _files:
                empty = False
            else:
                os.unlink(path)
    return empty
