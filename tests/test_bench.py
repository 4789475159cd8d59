"""Smoke test of the benchmark (bench/): the whole run on 50 replies, into a temporary folder.

It runs every step on our side (corpus, bare copy, both builds full and incremental, the probe, the
search benchmark in Chromium on our search page) and checks the report.  Pagefind is skipped: installing
it needs npm and the registry, which the test command must not depend on.  No timing is asserted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bare, builds, measure, queries, report, run  # noqa: E402


@pytest.fixture(scope="module")
def smoke(tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("bench")
    path = run.run(50, 1, folder / "work", folder / "results", pagefind_too=False, command="invoke bench --replies 50",
                   chromium=browser, alone_too=True, rounds=2)
    return path, json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def test_the_report_has_every_build_step_and_target(smoke):
    path, result = smoke
    text = path.read_text(encoding="utf-8")
    assert path.name.endswith("-50.md") and (path.parent / "latest.md").read_text(encoding="utf-8") == text
    for row in ("| this project, full |", "| bare Pelican, full |", "| this project, incremental |",
                "| bare Pelican, incremental |", "| full build time vs bare Pelican |", "| full build peak memory |",
                "| incremental rebuild vs full build |", "| cores |",
                "| Pelican | 4.12.0 |", "Pagefind was skipped", "at 50 they are shown for reference"):
        assert row in text, row
    for step in ("ours_full", "ours_incremental", "bare_full", "bare_incremental"):
        figures = result["builds"][step]
        assert figures["wall"] > 0 and figures["cpu"] > 0 and figures["peak_mb"] > 10, step
    assert result["public"] == len(queries.Truth(path.parent.parent / "work" / "50" / "content").values)


def test_every_build_ran_in_each_round_and_the_report_gives_the_median_run(smoke):
    path, result = smoke
    rounds = result["rounds"]
    assert len(rounds) == 2 and all(set(one) == set(result["builds"]) for one in rounds)
    for step, figures in result["builds"].items():
        walls = sorted(one[step]["wall"] for one in rounds)
        assert figures["wall"] == walls[0] and figures in [one[step] for one in rounds], step
    text = path.read_text(encoding="utf-8")
    assert "| round | this project, full |" in text and "\n| 2 | " in text and "ran 2 times, in rounds" in text
    memory = next(t for t in result["targets"] if t["what"] == "full build peak memory")
    assert memory["value"] == f"{max(one['ours_full']['peak_mb'] for one in rounds):,.0f} MB"


def test_only_a_run_larger_than_10000_replies_compares_its_query_bytes_with_the_10000_run(tmp_path):
    (tmp_path / "2026-01-01-10000.json").write_text(json.dumps({"search": []}), encoding="utf-8")
    assert run._reference(tmp_path, 100_000) == {"search": []}
    assert run._reference(tmp_path, 1_000) is None and run._reference(tmp_path, 10_000) is None


def test_a_run_above_10000_replies_says_which_targets_are_its_own(smoke):
    _, result = smoke
    result = {**result, "targets": [report.Target(**t) for t in result["targets"]]}  # as the JSON keeps them
    text = report.render({**result, "replies": 100_000})
    assert "At 100,000 replies the issue's targets are the peak memory and the query bytes" in text
    assert "shown for reference" not in report.render({**result, "replies": 10_000})


def test_the_median_run_is_the_lower_middle_one():
    def step(wall):
        return measure.Step("x", wall, 1.0, 10.0), f"probe-{wall}"

    assert run.median_run([step(3.0), step(1.0), step(2.0)])[1] == "probe-2.0"
    assert run.median_run([step(4.0), step(1.0), step(3.0), step(2.0)])[1] == "probe-2.0"
    assert run.median_run([step(5.0)])[1] == "probe-5.0"


def test_the_probe_measured_the_search_index_step(smoke):
    path, result = smoke
    generators = {p["generator"] for p in result["phases"]}
    assert {"ArticlesGenerator", "SearchGenerator"} <= generators
    assert result["index"]["ours"]["files"] > 0 and result["index"]["ours"]["bytes"] > 0
    # The Whoosh update and the export run in a child process: their own times count, not the wait.
    child = {p["phase"]: p for p in result["phases"] if p["generator"] == "SearchGenerator (child process)"}
    assert set(child) == {"index", "export"} and all(p["concurrent"] and p["cpu"] > 0 for p in child.values())
    in_build = result["index"]["ours"]["in_build"]
    assert in_build["wall"] > child["index"]["wall"] + child["export"]["wall"]
    assert in_build["cpu"] > child["index"]["cpu"] + child["export"]["cpu"]
    # The step alone, as Pagefind's: its own processes, on the built site's records.
    alone = result["index"]["ours"]
    assert alone["wall"] > 0 and alone["cpu"] > 0 and alone["memory_mb"] > 10
    log = (path.parent.parent / "work" / "50" / "logs" / "ours_search_alone.log").read_text(encoding="utf-8")
    assert f"{result['public']} records: {result['public']} indexed, 0 removed, 0 unchanged" in log


def test_every_query_ran_in_the_browser_with_exact_answers(smoke):
    path, result = smoke
    rows = result["search"]
    assert [r["query"] for r in rows] == [q.text for q in queries.QUERIES]
    for row in rows:
        assert not row["error"], row
        assert row["first_bytes"] > 0 and row["first_ms"] > 0, row
        assert (row["precision"], row["recall"]) == (1.0, 1.0), row
        assert sum(size for _, size in row["files_second"]) == row["second_bytes"], row
        assert len(row["files_second"]) == row["requests_second"], row
    files = dict(next(r for r in rows if r["query"] == "物流 口岸")["files_second"])
    assert any(name.startswith("search/index/r/") for name in files), files
    answered = {r["query"]: r["expected"] for r in rows}
    assert answered["王建球"] >= 1 and answered["1418"] >= 1 and answered["区块链征信沙盒"] == 0
    assert "| ours | 王䶮 |" in path.read_text(encoding="utf-8")


def test_the_bare_copy_keeps_the_metadata_and_never_publishes_a_withheld_reply(tmp_path):
    text = (ROOT / "content" / "replies").rglob("*.md").__next__().read_text(encoding="utf-8")
    data, body = bare.split(text)
    converted = bare.convert(text, "sheng-jianyi-0001")
    assert converted.startswith(f"Title: {data['title']}\n")
    assert "Slug: sheng-jianyi-0001\n" in converted and f"Category: {data['category']}\n" in converted
    withheld = text.replace("disclosure: 主动公开", "disclosure: 不予公开\nnondisclosure_reason: 涉密")
    assert "Status: draft\n" in bare.convert(withheld, "x")


def test_the_incremental_edit_changes_one_letter_only(tmp_path):
    from bench import corpus

    content = corpus.write(tmp_path / "content", 20, 3)
    chosen = builds.pick(content)
    before = {p: p.read_text(encoding="utf-8") for p in (content / "replies").rglob("*.md")}
    builds.edit(chosen)
    changed = [p for p, text in before.items() if p.read_text(encoding="utf-8") != text]
    assert changed == [chosen] and builds.EDIT in chosen.read_text(encoding="utf-8")


def test_truth_is_exact_substring_of_published_values():
    data = {"title": "关于物流的建议", "number": "1418", "session": "省十二届人大七次会议", "lead": "王䶮",
            "kind": "建议", "level": "省", "year": 2017, "role": "主办", "category": "口岸建设",
            "disclosure": "主动公开"}
    values = queries.published(data, "尊敬的王䶮代表：\n\n**一、关于Ｂ２Ｂ。**支持平台建设。\n")
    assert "一、关于Ｂ２Ｂ。支持平台建设。" in values and "省十二届人大七次会议第1418号" in values
    assert queries.score([], set()) == (1.0, 1.0)
    assert queries.score(["a/", "b/"], {"a/"}) == (0.5, 1.0)
    assert queries.score(["a/"], {"a/", "c/"}) == (1.0, 0.5)


def test_a_steps_peak_memory_counts_its_worker_processes(tmp_path):
    """Forked workers are measured with the process that forked them, not as the largest alone."""
    from bench import measure

    script = ("import multiprocessing, time\n"
              "def hold(_):\n"
              "    block = bytearray(150 * 2**20)\n"
              "    block[::4096] = b'1' * len(block[::4096])\n"
              "    time.sleep(2)\n"
              "if __name__ == '__main__':\n"
              "    with multiprocessing.get_context('fork').Pool(2) as pool:\n"
              "        pool.map(hold, [1, 2])\n")
    step = measure.run("workers", [sys.executable, "-c", script], tmp_path / "log")
    assert step.peak_mb > 280  # two workers of 150 MB each at the same time; either alone is under 170


def test_folders_of_an_earlier_run_are_moved_aside_and_deleted_after_the_measurements(tmp_path):
    work = tmp_path / "10"
    for name in ("output", "cache"):
        (work / name / "sub").mkdir(parents=True)
        (work / name / "sub" / "page.html").write_text(name, encoding="utf-8")
    builds.discard(work / "output")
    (work / "output").mkdir()  # the next build's, discarded again: no name clash in the trash
    builds.discard(work / "output")
    builds.discard(work / "cache")
    builds.discard(work / "missing")
    assert sorted(p.name for p in work.iterdir()) == [builds.TRASH]
    assert len(list((work / builds.TRASH).iterdir())) == 3
    builds.empty_trash(work)
    assert list(work.iterdir()) == []



def test_a_response_is_counted_before_the_traffic_settles():
    """Reading a response's sizes waits on the browser, and the measuring code runs meanwhile: it must
    not find the traffic settled and take its mark before the response is recorded, or the warm-up
    query's last responses count in the next query's bytes."""
    from bench import browser

    class Page:
        def on(self, event, handler):
            pass

    marks = []  # the marks the measuring code would take while the sizes are read

    class Request:
        resource_type, url = "fetch", "http://127.0.0.1/search/index/r/1.gz"

        def sizes(self):
            if traffic.pending == 0:
                marks.append(traffic.mark())
            return {"responseBodySize": 500, "responseHeadersSize": 200}

    traffic = browser.Traffic(Page())
    request = Request()
    traffic._started(request)
    traffic._finished(request)
    assert marks == [] and traffic.pending == 0
    assert traffic.since(0) == (700, 0, 1)
