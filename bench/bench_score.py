"""Benchmark of `whosaidwhat score`: throughput, mention part vs nervaluate, scaling, memory, bootstrap.

    .venv/bin/python bench/bench_score.py            # the full run (100,000 documents)
    .venv/bin/python bench/bench_score.py --docs 20000 --quick

Synthetic files are written to a temporary directory (see bench_score_data).
Each measurement runs in a fresh subprocess so that peak RSS (ru_maxrss) is
that measurement's own; end-to-end runs are the faster of two, with both files
in the page cache first.  Prints one table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _child(code: str) -> dict:
    """Run `code` in a fresh interpreter; it prints one JSON object."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=HERE,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


END_TO_END = """
import json, resource, time
from whosaidwhat.eval import ScoreConfig, score_files
t = time.perf_counter()
r = score_files({gold!r}, {pred!r}, ScoreConfig(bootstrap={bootstrap}))
dt = time.perf_counter() - t
print(json.dumps({{"seconds": dt, "docs": r.documents, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "f1": r.headline()["actors"].f1}}))
"""

MENTIONS_VS_NERVALUATE = """
import json, time
from bench_score_data import documents
from whosaidwhat.eval import ScoreConfig
from whosaidwhat.eval.columnar import BlockScorer, BLOCK_DOCUMENTS, no_cycle_collection
from whosaidwhat.eval.keys import DocKeys
from nervaluate.evaluator import Evaluator

def keys(doc, text):
    actors = doc["actors"]
    mentions = [(m["start"], m["end"], i) for i, a in enumerate(actors) for m in a["mentions"]]
    return DocKeys(doc["id"], text, [a["id"] for a in actors], [a["type"] for a in actors], [a["name"] for a in actors],
                   mentions, [], [], [], [], [], [], [])

golds, preds, texts = [], [], []
for g, p in documents({n}, seed=3, mentions={m}):
    golds.append(keys(g, g["text"])); preds.append(keys(p, None)); texts.append(g["text"])
scorer = BlockScorer(ScoreConfig(bootstrap=0, trim=False))  # nervaluate compares spans as written
cor = 0
t = time.perf_counter()
with no_cycle_collection():
    for i in range(0, len(golds), BLOCK_DOCUMENTS):
        rows = scorer.rows(golds[i:i + BLOCK_DOCUMENTS], preds[i:i + BLOCK_DOCUMENTS], texts[i:i + BLOCK_DOCUMENTS])
        cor += int(rows[:, scorer.layout["m.strict.cor"]].sum())
t_ours = time.perf_counter() - t
types = dict(zip(("PERSON", "ORGANIZATION", "STATE", "GROUP"), range(4)))
def spans(k):
    return [{{"label": k.actor_types[a], "start": s, "end": e - 1}} for s, e, a in k.mentions]
true = [spans(k) for k in golds]
pred = [spans(k) for k in preds]
t = time.perf_counter()
res = Evaluator(true, pred, tags=list(types), loader="dict").evaluate()
t_ner = time.perf_counter() - t
print(json.dumps({{"ours": t_ours, "nervaluate": t_ner, "mentions": sum(len(k.mentions) for k in golds),
                  "cor_ours": cor, "cor_nervaluate": res["overall"]["strict"].correct}}))
"""

SCALING = """
import json, time
from bench_score_data import documents
from whosaidwhat.eval import ScoreConfig
from whosaidwhat.eval.columnar import BlockScorer, BLOCK_DOCUMENTS, no_cycle_collection
import orjson
from whosaidwhat.eval.keys import keys_from_bytes
scorer = BlockScorer(ScoreConfig(bootstrap=0))
docs = list(documents({n}, seed=4, mentions={m}, quotes={q}, stances=4))
lines = [(orjson.dumps(g), orjson.dumps(p)) for g, p in docs]
t = time.perf_counter()
with no_cycle_collection():
    keys = [(keys_from_bytes(g, prediction=False), keys_from_bytes(p, prediction=True)) for g, p in lines]
    for i in range(0, len(keys), BLOCK_DOCUMENTS):
        block = keys[i:i + BLOCK_DOCUMENTS]
        scorer.rows([g for g, _ in block], [p for _, p in block], [g.text for g, _ in block])
dt = time.perf_counter() - t
ann = sum(sum(len(a["mentions"]) for a in g["actors"]) + len(g["quotes"]) + len(g["stances"]) for g, _ in docs)
print(json.dumps({{"seconds": dt, "annotations": ann, "per_document_path": scorer.per_document_path}}))
"""

BOOTSTRAP = """
import json, time, numpy as np
from whosaidwhat.eval import ScoreConfig
from whosaidwhat.eval.metrics import bootstrap_columns, figure_specs, remap
from whosaidwhat.eval.significance import bootstrap_intervals
from whosaidwhat.eval.stats import StatLayout
layout = StatLayout(ScoreConfig())
specs = figure_specs(layout)
cols = bootstrap_columns(specs)
rng = np.random.default_rng(0)
stats = rng.integers(0, 30, size=({n}, len(cols))).astype(np.float32)
boot = [remap(s, cols) for s in specs if not s.per_type]
t = time.perf_counter()
bootstrap_intervals(stats, boot, 1000, 12345)
print(json.dumps({{"seconds": time.perf_counter() - t, "figures": len(boot), "columns": len(cols)}}))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000, help="documents for the end-to-end run (default 100,000)")
    ap.add_argument("--quick", action="store_true", help="smaller scaling and nervaluate runs")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from bench_score_data import write_files

    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="wsw-bench-") as tmp:
        small_dir, big_dir = Path(tmp, "small"), Path(tmp, "big")
        small_dir.mkdir()
        big_dir.mkdir()
        small_n = max(1000, args.docs // 10)
        t = time.perf_counter()
        g_small, p_small = write_files(small_dir, small_n, seed=1)
        g_big, p_big = write_files(big_dir, args.docs, seed=1)
        gen = time.perf_counter() - t
        size = (g_big.stat().st_size + p_big.stat().st_size) / 1e6
        rows.append(("synthetic files", f"{args.docs:,} docs, {size:,.0f} MB gold+pred", f"generated in {gen:.0f} s (not timed below)"))

        for n, g, p in ((small_n, g_small, p_small), (args.docs, g_big, p_big)):
            for path in (g, p):  # into the page cache, so that disk speed does not decide the first run
                with open(path, "rb") as f:
                    while f.read(1 << 24):
                        pass
            for bs in (1000, 0):
                r = min(
                    (_child(END_TO_END.format(gold=str(g), pred=str(p), bootstrap=bs)) for _ in range(2)),
                    key=lambda run: run["seconds"],
                )
                rows.append((
                    f"end to end, {n:,} docs, bootstrap {bs}",
                    f"{r['docs'] / r['seconds']:,.0f} docs/s ({r['seconds']:.1f} s)",
                    f"peak RSS {r['rss_mb']:.0f} MB",
                ))

        n_mentions = 2000 if args.quick else 10000
        r = _child(MENTIONS_VS_NERVALUATE.format(n=n_mentions, m=30))
        rows.append((
            f"mention schemes, {n_mentions:,} docs x ~30 mentions",
            f"ours {r['ours']:.2f} s, nervaluate {r['nervaluate']:.2f} s",
            f"{r['nervaluate'] / r['ours']:.1f}x faster (strict COR {r['cor_ours']} vs {r['cor_nervaluate']})",
        ))

        base = None
        for m, n in ((10, 2000), (100, 400), (1000, 40)):
            if args.quick:
                n = max(10, n // 4)
            r = _child(SCALING.format(n=n, m=m, q=max(2, m // 4)))
            per = r["seconds"] / r["annotations"] * 1e6
            base = base or per
            rows.append((
                f"scaling: {m:,} mentions/doc ({n} docs)",
                f"{per:.1f} µs per annotation",
                f"{per / base:.2f}x the 10-mention cost; {r['per_document_path']} docs needed an assignment",
            ))

        r = _child(BOOTSTRAP.format(n=10000))
        rows.append(("bootstrap 1,000 x 10,000 docs", f"{r['seconds']:.2f} s", f"{r['figures']} figures over {r['columns']} columns"))

    width = [max(len(r[i]) for r in rows) for i in range(3)]
    print("  ".join(h.ljust(w) for h, w in zip(("measurement", "result", "note"), width)))
    print("  ".join("-" * w for w in width))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, width)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
