"""A model, not a feature: what splitting a frequent term's reply list would save a query of two terms.

    .venv/bin/python bench/split_model.py OUTPUT FREQUENT OTHER [--segment 8192] [--page 5]

Today a query of two terms downloads both terms' entries whole, so that it can count the replies that
hold both; at 100,000 replies `物流 口岸` takes 31.3 KB, over the 100,000-reply target, and 15.3 KB of it
is 物流's entry (in 72% of the replies).  The design this measures (issue 6's notes): the frequent term's
list is split by reply number into segments of `segment` replies; its entry keeps a header (the replies
that hold it in their head, as numbers, and the segment table); the page walks the other term's replies
in result order (score from the head flags, then number; deputy boosts left out here) and loads the
segment a reply needs only when the head list does not already say it holds the term, until a page of
results is found; the total is estimated from the replies of the segments read.

From a built site's search index (OUTPUT/search/index) it prints the frequent term's bytes today (its
entry, with response headers) and in that design, the segments the first page needs, the page's replies,
the exact total and the estimate.  The segments are encoded as the export encodes any reply list and
gzipped as its e/ files; HEADERS stands for the response headers of each file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

from search import export  # noqa: E402

HEADERS = 200  # bytes of response headers per file, about (the local server's)


def entry(index: str, key: str, total: int, shards: int) -> tuple[np.ndarray, np.ndarray, int] | None:
    """(replies, head flags, bytes a query downloads for the entry: its e/ file, else its share of the
    shard) of `key`, or None when it is not indexed."""
    data = export._Shards(index, shards.bit_length() - 1, total).entry(key)
    if data is None:
        return None
    _, flag = export._key_of(data)
    if data[flag] == 1:
        with open(os.path.join(index, "e", f"{export.file_name(key)}.gz"), "rb") as handle:
            raw = handle.read()
        r, size = export._Reader(gzip.decompress(raw)), len(raw) + HEADERS
    else:
        r, size = export._Reader(data, flag + 1), len(data)
    docs, heads, _ = export._body(r, key, total)
    return np.asarray(docs), np.asarray(heads, dtype=bool), size


def model(output: str | Path, frequent: str, other: str, segment: int = 8192, page: int = 5) -> dict:
    index = os.path.join(output, "search", "index")
    with open(os.path.join(index, export.MANIFEST), encoding="utf-8") as handle:
        manifest = json.load(handle)
    total, shards = manifest["docs"], manifest["shards"]
    a, b = entry(index, frequent, total, shards), entry(index, other, total, shards)
    if a is None or b is None:
        return {"total": 0, "today": a[2] if a else 0, "split": 0, "segments": [], "page": [], "estimate": 0,
                "segment_bytes": []}
    docs, heads, today = a
    in_head = set(docs[heads].tolist())
    holds = set(docs.tolist())
    segments = (total + segment - 1) // segment
    table = b"".join(export._encode(int(n)) for n in np.bincount(docs // segment, minlength=segments))
    header = len(gzip.compress(export._docset(docs[heads], total) if heads.any() else b"")) + len(table)
    sizes = []
    for k in range(segments):
        part = docs[(docs >= k * segment) & (docs < (k + 1) * segment)]
        sizes.append(len(gzip.compress(export._docset(part, total))) if len(part) else 0)
    other_docs, other_heads = b[0].tolist(), set(b[0][b[1]].tolist())
    walk = sorted(other_docs, key=lambda d: (-((d in other_heads) + (d in in_head)), d))
    found, loaded = [], set()
    for d in walk:
        if d not in in_head:
            loaded.add(d // segment)
        if d in holds:
            found.append(d)
        if len(found) == page:
            break
    near = [d for d in other_docs if d // segment in loaded]
    share = sum(d in holds for d in near) / len(near) if near else 1.0
    return {"total": sum(d in holds for d in other_docs), "today": today,
            "split": header + HEADERS + sum(sizes[k] + HEADERS for k in loaded), "segments": sorted(loaded),
            "page": found, "estimate": round(share * len(other_docs)), "segment_bytes": sizes}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="a built site's output folder")
    parser.add_argument("frequent", help="the term whose reply list would be split")
    parser.add_argument("other", help="the other term of the query")
    parser.add_argument("--segment", type=int, default=8192, help="replies per segment (default 8192)")
    parser.add_argument("--page", type=int, default=5, help="results on the first page (default 5)")
    args = parser.parse_args(argv)
    m = model(args.output, args.frequent, args.other, args.segment, args.page)
    sizes = [s for s in m["segment_bytes"] if s]
    print(f"{args.frequent} {args.other}: {m['total']:,} replies (estimate from the segments read: "
          f"{m['estimate']:,}); first page {m['page']}")
    print(f"{args.frequent}: {m['today']:,} bytes today; split: {m['split']:,} bytes (header and "
          f"{len(m['segments'])} of {len(sizes)} segments of {min(sizes, default=0):,}-{max(sizes, default=0):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
