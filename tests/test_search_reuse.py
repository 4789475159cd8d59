"""The static index between builds: renamed back when no reply changed, exported again otherwise.

Whether it was kept is read from the index folder's inode, not from the build's log: Pelican logs a
message only the first time the process sees it, and other tests build the same fixture."""

from __future__ import annotations

import json
import marshal
import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, build
from search import generator
from search_support import read_static_index

CONTENT = FIXTURES / "basic"


def _index(output):
    return output / "search" / "index"


def _files(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _inodes(output) -> tuple[int, int]:
    """The index folder's inode and its manifest's: a copy, even of hard links, makes a new folder."""
    return os.stat(_index(output)).st_ino, os.stat(_index(output) / "manifest.json").st_ino


def _page_build(output) -> str:
    soup = BeautifulSoup((output / "search" / "index.html").read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("form[data-build]")["data-build"]


def _kept(output, cache, content=CONTENT):
    return generator.kept_index({"PATH": str(content), "CACHE_PATH": str(cache)}, str(output))


def test_a_build_in_which_no_reply_changed_renames_the_index_back(tmp_path):
    out = build(CONTENT, tmp_path / "output")
    inodes, files, build_id = _inodes(out), _files(_index(out)), _page_build(out)
    assert json.loads(files["manifest.json"])["build"] == build_id

    build(CONTENT, out)
    assert _inodes(out) == inodes and _files(_index(out)) == files and _page_build(out) == build_id
    assert os.stat(_index(out) / "manifest.json").st_nlink == 1  # no linked copy in the cache either
    # The record of the export stays in the cache: the output holds the index's own files only.
    kept = _kept(out, tmp_path / "cache")
    assert os.path.isfile(kept + ".marshal") and not os.path.exists(kept)
    assert not [p for p in out.rglob("static-*")]


def test_a_changed_reply_updates_the_previous_index_where_it_is(fixture_copy, tmp_path):
    content = fixture_copy("basic")
    out = build(content, tmp_path / "output")
    before = _mtimes(_index(out))
    reply = content / "replies" / "2017" / "sheng-jianyi-0512.md"
    reply.write_text(reply.read_text(encoding="utf-8").replace("高速公路口岸作业区", "高速公路口岸新作业区"), encoding="utf-8")

    build(content, out)
    assert "口岸新作" in read_static_index(_index(out))["entries"]
    # The same files as an export from nothing, none left over, ...
    assert _files(_index(out)) == _files(_index(build(content, tmp_path / "fresh" / "output")))
    assert not os.path.exists(_kept(out, tmp_path / "cache", content))
    # ... of which only those whose bytes changed were written: the other replies' files were not.
    after = _mtimes(_index(out))
    written = {name for name in after if before.get(name) != after[name]}
    assert "manifest.json" in written and "r/1.gz" not in written
    assert any(name.startswith("l/") for name in written)  # the letter's piece
    assert len(written) < len(after) // 2


def _mtimes(folder) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_an_export_deletes_the_index_copies_older_builds_kept_in_the_cache(tmp_path):
    cache = tmp_path / "cache"
    out = build(CONTENT, tmp_path / "output")
    folder = os.path.dirname(_kept(out, cache))
    old = [os.path.join(folder, "static-0123456789abcdef"), os.path.join(folder, "static-fedcba9876543210.new")]
    for path in old:
        os.makedirs(os.path.join(path, "g"))
    json_record = Path(_kept(out, cache) + ".json")  # the record as it was kept in JSON
    json_record.write_text("{}", encoding="utf-8")
    shutil.rmtree(_index(out))  # the next build exports

    build(CONTENT, out)
    assert not [p for p in old if os.path.exists(p)] and not json_record.exists()
    assert os.path.isfile(_kept(out, cache) + ".marshal")


@pytest.mark.parametrize("damage", ["missing", "corrupt", "another build", "manifest"])
def test_an_index_without_a_matching_record_is_exported_again(tmp_path, damage):
    out = build(CONTENT, tmp_path / "output")
    record, folder = _kept(out, tmp_path / "cache") + ".marshal", os.stat(_index(out)).st_ino
    if damage == "missing":
        os.remove(record)
    elif damage == "corrupt":
        with open(record, "r+b") as handle:
            handle.truncate(10)  # as a build killed while writing it would leave it
    elif damage == "another build":
        with open(record, "rb") as handle:
            data = marshal.load(handle)
        data["summary"]["build"] = "0" * 12
        with open(record, "wb") as handle:
            marshal.dump(data, handle)
    else:  # an index cut short: its manifest, written last, is not there
        os.remove(_index(out) / "manifest.json")
    files = _files(_index(out))

    build(CONTENT, out)
    assert os.stat(_index(out)).st_ino != folder
    assert set(_files(_index(out))) == set(files) | {"manifest.json"}
    assert json.loads((_index(out) / "manifest.json").read_text(encoding="utf-8"))["build"] == _page_build(out)

    inodes = _inodes(out)
    build(CONTENT, out)  # recorded again: the next build keeps it
    assert _inodes(out) == inodes


def test_output_folders_of_the_same_content_sharing_a_cache_keep_their_own_index(tmp_path):
    """Say a development and a publishing build, with different settings: neither takes the other's index."""
    cache = tmp_path / "cache"
    first = build(CONTENT, tmp_path / "first" / "output", CACHE_PATH=str(cache))
    second = build(CONTENT, tmp_path / "second" / "output", CACHE_PATH=str(cache), SEARCH={"page_size": 7})
    inodes = _inodes(first), _inodes(second)
    assert _kept(first, cache) != _kept(second, cache)

    build(CONTENT, first, CACHE_PATH=str(cache))
    build(CONTENT, second, CACHE_PATH=str(cache), SEARCH={"page_size": 7})
    assert (_inodes(first), _inodes(second)) == inodes
    assert [json.loads((_index(out) / "manifest.json").read_text(encoding="utf-8"))["pageSize"]
            for out in (first, second)] == [5, 7]


def test_a_build_after_one_without_an_index_exports_it(tmp_path):
    """The output folder deleted since (or the index never written there): the record alone keeps nothing."""
    out = build(CONTENT, tmp_path / "output")
    files = _files(_index(out))
    shutil.rmtree(out)

    build(CONTENT, out)
    assert _files(_index(out)) == files


def test_a_changed_index_path_moves_the_index(tmp_path):
    out = build(CONTENT, tmp_path / "output")
    files = _files(_index(out))

    build(CONTENT, out, SEARCH={"index_path": "search/idx/"})
    assert _files(out / "search" / "idx") == files and not _index(out).exists()
    assert BeautifulSoup((out / "search" / "index.html").read_text(encoding="utf-8"),
                         "html.parser").select_one("form")["data-index"] == "/search/idx/"

    build(CONTENT, out)
    assert _files(_index(out)) == files and not (out / "search" / "idx").exists()


@pytest.mark.parametrize("path", ["", ".", "./", "../index/", "search/../..", "/tmp/index/"])
def test_the_index_path_must_be_inside_the_output_folder(path):
    with pytest.raises(ValueError, match=r"SEARCH\['index_path'\] must be a folder inside the output folder"):
        generator.options({"SEARCH": {"index_path": path}})
