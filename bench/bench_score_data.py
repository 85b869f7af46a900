"""Synthetic gold and prediction files for the scorer benchmark.

A gold document is ~400 words of text with actors (about 30 mentions), quotes
(about 8, some split around their cue), targets and stances (about 4); its
prediction is the gold annotation perturbed the way extractors err: missed
and spurious mentions, shifted boundaries, wrong types, quotes cut short or
extended, wrong speakers, flipped polarities.  Everything is valid under
`whosaidwhat validate` (gold) and `validate --prediction` (predictions,
written without text).  Deterministic for a given seed.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Iterator

import orjson

WORDS = (
    "the minister said talks must go on and we will not accept it while officials in Brussels "
    "warned that a ceasefire plan could fail unless Kyiv and Moscow agree on terms the president "
    "told reporters he would meet leaders next week according to sources close to the government"
).split()
TYPES = ("PERSON", "ORGANIZATION", "STATE", "GROUP")


def _text(rng: random.Random, n_words: int) -> tuple[str, list[tuple[int, int]]]:
    words = [rng.choice(WORDS) for _ in range(n_words)]
    spans = []
    pos = 0
    for w in words:
        spans.append((pos, pos + len(w)))
        pos += len(w) + 1
    return " ".join(words), spans


def gold_document(rng: random.Random, index: int, mentions: int = 30, quotes: int = 8, stances: int = 4) -> dict[str, Any]:
    n_words = max(400, mentions * 4 + quotes * 30)
    text, words = _text(rng, n_words)
    span = lambda a, b: {"start": words[a][0], "end": words[b][1], "text": text[words[a][0] : words[b][1]]}  # noqa: E731
    n_actors = max(2, mentions // 4)
    # Mentions on distinct word slots (1-2 words), so they never overlap.
    slots = sorted(rng.sample(range(0, n_words - 2, 3), mentions))
    actors = [{"id": f"a{k}", "name": f"Actor {k}", "type": rng.choice(TYPES), "mentions": []} for k in range(n_actors)]
    for k, w in enumerate(slots):
        a = actors[k % n_actors if k < n_actors else rng.randrange(n_actors)]
        a["mentions"].append({**span(w, w + rng.randrange(2)), "kind": "name"})
    actors = [a for a in actors if a["mentions"]]
    qs = []
    region = n_words // max(quotes, 1)
    for k in range(quotes):
        base = k * region
        length = rng.randrange(6, max(7, min(25, region - 4)))
        speaker = rng.choice(actors)
        q: dict[str, Any] = {"id": f"q{k}", "type": rng.choice(("direct", "indirect", "mixed")), "cue": span(base + length + 1, base + length + 1)}
        if rng.random() < 0.2 and length > 8:
            cut = length // 2
            q["content"] = [span(base, base + cut - 1), span(base + cut + 1, base + length - 1)]
        else:
            q["content"] = [span(base, base + length - 1)]
        if rng.random() < 0.9:
            q["speaker"] = speaker["id"]
            q["speaker_mention"] = {k2: v for k2, v in speaker["mentions"][0].items() if k2 != "kind"}
        else:
            q["speaker"] = None
            q["speaker_mention"] = None
        qs.append(q)
    targets = []
    for k in range(max(1, stances // 2)):
        w = rng.randrange(n_words - 1)
        targets.append({"id": f"t{k}", "label": f"target {k}", "kind": "proposal", "mentions": [span(w, w)]})
    if len(actors) > 2:
        targets.append({"id": "t_actor", "label": actors[-1]["name"], "kind": "actor", "actor": actors[-1]["id"], "mentions": []})
    sts = []
    seen = set()
    for k in range(stances * 2):
        if len(sts) >= stances:
            break
        triple = (rng.choice(actors)["id"], rng.choice(targets)["id"], rng.choice(("support", "oppose", "neutral")))
        if triple[:2] in seen:
            continue
        seen.add(triple[:2])
        sts.append({"id": f"s{k}", "holder": triple[0], "target": triple[1], "polarity": triple[2], "evidence": {"quotes": [qs[0]["id"]] if qs else [], "spans": []}})
    return {
        "id": f"doc-{index:07d}",
        "schema_version": "1.0",
        "text": text,
        "meta": {"title": f"Synthetic {index}", "language": "en"},
        "annotators": ["synthetic"],
        "actors": actors,
        "quotes": qs,
        "targets": targets,
        "stances": sts,
    }


def predict(rng: random.Random, gold: dict[str, Any], *, include_text: bool = False) -> dict[str, Any]:
    """A plausible extractor output for `gold`."""
    text = gold["text"]
    n = len(text)
    taken: set[tuple[int, int]] = set()

    def mention(m: dict[str, Any]) -> dict[str, Any] | None:
        s, e = m["start"], m["end"]
        r = rng.random()
        if r < 0.08:
            return None  # missed
        if r < 0.16:  # boundary error: take the next word along
            e2 = text.find(" ", e + 1)
            e = e2 if e2 > 0 else e
        if (s, e) in taken:
            return None
        taken.add((s, e))
        return {"start": s, "end": e, "text": text[s:e]}

    actors = []
    for a in gold["actors"]:
        ms = [x for x in (mention(m) for m in a["mentions"]) if x is not None]
        if not ms:
            continue
        a_type = a["type"] if rng.random() > 0.05 else rng.choice(TYPES)
        actors.append({"id": "p" + a["id"], "name": a["name"], "type": a_type, "mentions": ms})
    # Spurious mentions: a fresh actor on a free stretch of text.
    for k in range(rng.randrange(3)):
        s = rng.randrange(0, n - 10)
        s = text.find(" ", s) + 1
        e = text.find(" ", s)
        if 0 < s < e and not any(a <= s < b or s <= a < e for a, b in taken):
            taken.add((s, e))
            actors.append({"id": f"px{k}", "name": "spurious", "type": rng.choice(TYPES), "mentions": [{"start": s, "end": e, "text": text[s:e]}]})
    ids = {a["id"] for a in actors}
    quotes = []
    for q in gold["quotes"]:
        if rng.random() < 0.1:
            continue
        content = []
        for c in q["content"]:
            s, e = c["start"], c["end"]
            if rng.random() < 0.2:
                s = max(0, s - 1)  # include the opening mark position
            if rng.random() < 0.2:
                cut = text.rfind(" ", s + 1, e)
                e = cut if cut > s else e
            content.append({"start": s, "end": e, "text": text[s:e]})
        speaker = "p" + q["speaker"] if q["speaker"] and rng.random() < 0.85 else None
        if speaker not in ids:
            speaker = None
        quotes.append({"id": "p" + q["id"], "type": q["type"], "content": content, "cue": q["cue"] if rng.random() < 0.9 else None, "speaker": speaker, "speaker_mention": None})
    targets = [dict(t, id="p" + t["id"], actor=("p" + t["actor"]) if t.get("actor") else None) for t in gold["targets"]]
    targets = [t for t in targets if t["actor"] is None or t["actor"] in ids]
    for t in targets:
        if t["actor"] is None:
            t.pop("actor")
    t_ids = {t["id"] for t in targets}
    stances = []
    for s in gold["stances"]:
        h, t = "p" + s["holder"], "p" + s["target"]
        if h not in ids or t not in t_ids or rng.random() < 0.1:
            continue
        pol = s["polarity"] if rng.random() < 0.8 else rng.choice(("support", "oppose", "neutral"))
        stances.append({"id": "p" + s["id"], "holder": h, "target": t, "polarity": pol, "evidence": {"quotes": [], "spans": []}})
    out: dict[str, Any] = {"id": gold["id"], "actors": actors, "quotes": quotes, "targets": targets, "stances": stances}
    if include_text:
        out["text"] = text
    return out


def documents(n: int, seed: int = 1, **sizes: int) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    rng = random.Random(seed)
    for i in range(n):
        g = gold_document(rng, i, **sizes)
        yield g, predict(rng, g)


def write_files(directory: Path, n: int, seed: int = 1, **sizes: int) -> tuple[Path, Path]:
    """Write gold.jsonl and pred.jsonl with `n` documents into `directory`."""
    gold_path, pred_path = directory / "gold.jsonl", directory / "pred.jsonl"
    with open(gold_path, "wb") as gf, open(pred_path, "wb") as pf:
        for g, p in documents(n, seed, **sizes):
            gf.write(orjson.dumps(g) + b"\n")
            pf.write(orjson.dumps(p) + b"\n")
    return gold_path, pred_path
