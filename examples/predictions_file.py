"""Predictions made elsewhere: write a file in the corpus format, then benchmark it.

    python examples/predictions_file.py corpus/gold.jsonl out/my-predictions.jsonl
    whosaidwhat benchmark --predictions out/my-predictions.jsonl

Any program in any language can do this: one JSON object per line with the document's
``id`` and the predicted ``actors``, ``quotes``, ``targets`` and ``stances`` (``text`` may be
left out).  This one predicts, for every “…” passage followed by "X said", a direct quote by
the capitalised words X — the kind of heuristic a user might want to measure.
"""

import json
import re
import sys

PATTERN = re.compile(r"“([^”\n]{10,}?)[,.]?” (?:said )?((?:[A-Z][\w’'-]+ ){0,3}[A-Z][\w’'-]+)(?: said)?")


def predict(document: dict) -> dict:
    text = document["text"]
    actors, quotes, by_name = [], [], {}
    for match in PATTERN.finditer(text):
        name = match.group(2)
        if name not in by_name:
            by_name[name] = {"id": f"a{len(by_name) + 1}", "name": name, "type": "PERSON", "mentions": []}
            actors.append(by_name[name])
        mention = {"start": match.start(2), "end": match.end(2), "text": name, "kind": "name"}
        actor = by_name[name]
        if all(m["start"] != mention["start"] for m in actor["mentions"]):
            actor["mentions"].append(mention)
        content = match.group(1)
        quotes.append({"content": [{"start": match.start(1), "end": match.start(1) + len(content), "text": content}],
                       "type": "direct", "cue": None, "speaker": actor["id"],
                       "speaker_mention": {k: mention[k] for k in ("start", "end", "text")}})
    for n, quote in enumerate(quotes, start=len(actors) + 1):
        quote["id"] = f"q{n}"  # ids are unique across layers
    return {"id": document["id"], "actors": actors, "quotes": quotes, "targets": [], "stances": []}


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as inp, open(target, "w", encoding="utf-8") as out:
        for line in inp:
            if line.strip():
                out.write(json.dumps(predict(json.loads(line)), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python examples/predictions_file.py GOLD.jsonl PREDICTIONS.jsonl")
    main(sys.argv[1], sys.argv[2])
