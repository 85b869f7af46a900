"""Adjudication: merge two annotators' files, keep what they agree on, list the rest for review.

`whosaidwhat adjudicate A.jsonl B.jsonl --out MERGED.jsonl` aligns B to A with
the scorer's alignment (exact spans after trimming, so the two passes are
compared by the same rules a system is scored by) and keeps, in A's wording
and ids:

- a **mention** both annotators marked with the same span under aligned actors;
  an **actor** with at least one kept mention, when both gave it the same type
  (its affiliation is kept when both point to aligned actors);
- a **quote** both marked with the same content, cue, type and (aligned)
  speaker, whose speaker mention was kept;
- a **stance** both annotated with aligned holder and target and the same
  polarity, with the target it needs (and A's target mentions).

Everything else is a *conflict*: written to MERGED.review.jsonl (one conflict
per line, with both versions and the covered text) and MERGED.review.md for
reading.  Each merged document records in `meta.adjudication` its sources and
how many conflicts await review, so an unreviewed merge is never mistaken for
gold.  The merged file is validated before it is written (atomically).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from whosaidwhat.corpus.jsonl import atomic_write_json_lines, atomic_write_text, write_documents
from whosaidwhat.corpus.model import Actor, Document, Quote, Stance, Target
from whosaidwhat.corpus.problems import CorpusError, Problem
from whosaidwhat.corpus.validate import check_document
from whosaidwhat.eval.agreement import check_same_documents, load_annotations
from whosaidwhat.eval.align import align_document
from whosaidwhat.eval.config import ScoreConfig
from whosaidwhat.eval.spans import trim

EXACT = ScoreConfig(match="exact")


@dataclass(slots=True)
class Conflict:
    """One item the annotators disagree on: what A has, what B has (either may be None)."""

    document: str
    layer: str  # mention, actor, quote, stance
    reason: str
    a: dict[str, Any] | None
    b: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.document, "layer": self.layer, "reason": self.reason, "a": self.a, "b": self.b}


@dataclass(slots=True)
class Merge:
    document: Document
    conflicts: list[Conflict] = field(default_factory=list)


def _actor_view(actor: Actor) -> dict[str, Any]:
    return {"id": actor.id, "name": actor.name, "type": actor.type}


def _quote_view(doc: Document, q: Quote) -> dict[str, Any]:
    speaker = doc.actor_by_id().get(q.speaker) if q.speaker else None
    return {"id": q.id, "type": q.type, "content": [s.text for s in q.content], "cue": q.cue.text if q.cue else None,
            "speaker": speaker.name if speaker else None,
            "speaker_mention": q.speaker_mention.text if q.speaker_mention else None}


def _stance_view(doc: Document, s: Stance) -> dict[str, Any]:
    actors = doc.actor_by_id()
    targets = {t.id: t for t in doc.targets}
    target = targets.get(s.target)
    return {"id": s.id, "holder": actors[s.holder].name if s.holder in actors else s.holder,
            "target": target.label if target else s.target, "polarity": s.polarity}


def merge_documents(a: Document, b: Document) -> Merge:
    """Keep what A and B agree on (in A's ids), and list every disagreement."""
    text = a.text or ""
    alignment = align_document(a, b, EXACT)
    b_to_a = alignment.actors  # B actor id -> A actor id
    a_to_b = {aid: bid for bid, aid in b_to_a.items()}
    a_actors, b_actors = a.actor_by_id(), b.actor_by_id()
    conflicts: list[Conflict] = []

    # Mentions: the same span under actors that align with each other.  The alignment reports
    # spans after the scorer's trimming, so A's spans are trimmed the same way before comparing.
    agreed_mentions: set[tuple[str, tuple[int, int]]] = set()  # (A actor id, trimmed span)
    for pair in alignment.mentions:
        if pair.exact and b_to_a.get(pair.pred_actor) == pair.gold_actor:
            agreed_mentions.add((pair.gold_actor, pair.gold))
    kept_actor_ids: set[str] = set()
    merged_actors: list[Actor] = []
    for actor in a.actors:
        other = b_actors.get(a_to_b.get(actor.id, ""))
        mentions = [m for m in actor.mentions if (actor.id, trim(text, m.start, m.end)) in agreed_mentions]
        for m in actor.mentions:
            if (actor.id, trim(text, m.start, m.end)) not in agreed_mentions:
                conflicts.append(Conflict(a.id, "mention", "marked by A only, or under a different actor by B",
                                          {"actor": actor.name, "span": [m.start, m.end], "text": m.text}, None))
        if other is None or other.type != actor.type:
            conflicts.append(Conflict(a.id, "actor", "no aligned actor in B" if other is None else "types differ",
                                      _actor_view(actor), _actor_view(other) if other else None))
            continue
        if not mentions:
            continue
        affiliation = actor.affiliation
        if affiliation is not None and (other.affiliation is None or b_to_a.get(other.affiliation) != affiliation):
            conflicts.append(Conflict(a.id, "actor", "affiliations differ", {**_actor_view(actor), "affiliation": affiliation},
                                      {**_actor_view(other), "affiliation": other.affiliation}))
            affiliation = None
        merged_actors.append(replace(actor, mentions=mentions, affiliation=affiliation))
        kept_actor_ids.add(actor.id)
    a_keys = {trim(text, m.start, m.end) for actor in a.actors for m in actor.mentions}
    for actor in b.actors:
        for m in actor.mentions:
            key = trim(text, m.start, m.end)
            if key not in a_keys:
                conflicts.append(Conflict(a.id, "mention", "marked by B only", None,
                                          {"actor": actor.name, "span": [m.start, m.end], "text": m.text}))
    for actor in b.actors:
        if actor.id not in b_to_a:
            conflicts.append(Conflict(a.id, "actor", "no aligned actor in A", None, _actor_view(actor)))
    # Affiliations must point at kept actors.
    merged_actors = [x if x.affiliation in (None, *kept_actor_ids) else replace(x, affiliation=None) for x in merged_actors]
    kept_mentions = {(x.id, (m.start, m.end)) for x in merged_actors for m in x.mentions}

    # Quotes: same content, cue, type and speaker.
    kept_quotes: list[Quote] = []
    for pair in alignment.quotes:
        qa, qb = a.quotes[pair.gold_index], b.quotes[pair.pred_index]
        agreed = pair.exact and pair.speaker_correct and pair.type_correct and (
            pair.cue_correct or (qa.cue is None and qb.cue is None))
        speaker_ok = qa.speaker is None or (
            qa.speaker in kept_actor_ids and qa.speaker_mention is not None
            and (qa.speaker, (qa.speaker_mention.start, qa.speaker_mention.end)) in kept_mentions)
        if agreed and speaker_ok:
            kept_quotes.append(qa)
        else:
            reason = "content, cue, type or speaker differ" if not agreed else "speaker mention not agreed"
            conflicts.append(Conflict(a.id, "quote", reason, _quote_view(a, qa), _quote_view(b, qb)))
    for i in alignment.unmatched_gold_quotes:
        conflicts.append(Conflict(a.id, "quote", "marked by A only", _quote_view(a, a.quotes[i]), None))
    for j in alignment.unmatched_pred_quotes:
        conflicts.append(Conflict(a.id, "quote", "marked by B only", None, _quote_view(b, b.quotes[j])))
    kept_quote_ids = {q.id for q in kept_quotes}

    # Stances: aligned holder and target, same polarity.
    a_stances = {s.id: s for s in a.stances}
    b_stances = {s.id: s for s in b.stances}
    a_targets = {t.id: t for t in a.targets}
    kept_stances: list[Stance] = []
    kept_targets: dict[str, Target] = {}
    for sp in alignment.stances:
        sa, sb = a_stances[sp.gold_id], b_stances[sp.pred_id]
        target = a_targets[sa.target]
        usable = sa.holder in kept_actor_ids and (target.actor is None or target.actor in kept_actor_ids)
        if sp.correct and usable:
            evidence = replace(sa.evidence, quotes=[q for q in sa.evidence.quotes if q in kept_quote_ids])
            kept_stances.append(replace(sa, evidence=evidence))
            kept_targets[target.id] = target
        else:
            reason = "polarities differ" if not sp.correct else "holder or target actor not agreed"
            conflicts.append(Conflict(a.id, "stance", reason, _stance_view(a, sa), _stance_view(b, sb)))
    for sid in alignment.unmatched_gold_stances:
        conflicts.append(Conflict(a.id, "stance", "annotated by A only", _stance_view(a, a_stances[sid]), None))
    for sid in alignment.unmatched_pred_stances:
        conflicts.append(Conflict(a.id, "stance", "annotated by B only", None, _stance_view(b, b_stances[sid])))

    order = {s.id: i for i, s in enumerate(a.stances)}
    kept_stances.sort(key=lambda s: order[s.id])  # A's order, not the alignment's
    meta = dict(a.meta)
    meta["adjudication"] = {"conflicts": len(conflicts), "status": "needs review" if conflicts else "agreed"}
    annotators = list(dict.fromkeys([*a.annotators, *b.annotators]))
    merged = replace(a, meta=meta, annotators=annotators, actors=merged_actors, quotes=kept_quotes,
                     targets=[t for t in a.targets if t.id in kept_targets], stances=kept_stances)
    return Merge(merged, conflicts)


def adjudicate_files(path_a: str | Path, path_b: str | Path) -> list[Merge]:
    """Merge two annotators' files document by document; raise `CorpusError` on bad or mismatched input."""
    files = [load_annotations(path_a), load_annotations(path_b)]
    problems = check_same_documents(files)
    if problems:
        raise CorpusError(problems)
    merges = []
    for doc_id in sorted(files[0].documents):
        merge = merge_documents(files[0].documents[doc_id], files[1].documents[doc_id])
        merge.document.meta["adjudication"]["sources"] = [str(path_a), str(path_b)]
        found = check_document(merge.document)
        if found:  # a bug here, not the user's input: say exactly what is wrong
            raise CorpusError(Problem(str(path_a), files[0].lines[doc_id], doc_id, f, f"merged document invalid: {m}")
                              for f, m in found)
        merges.append(merge)
    return merges


def review_markdown(merges: list[Merge]) -> str:
    lines = ["# Adjudication review", ""]
    for merge in merges:
        doc = merge.document
        lines.append(f"## {doc.id} — {len(merge.conflicts)} conflict(s)")
        lines.append("")
        for n, c in enumerate(merge.conflicts, 1):
            lines.append(f"{n}. **{c.layer}** — {c.reason}")
            lines.append(f"   - A: `{json.dumps(c.a, ensure_ascii=False)}`")
            lines.append(f"   - B: `{json.dumps(c.b, ensure_ascii=False)}`")
        lines.append("")
    return "\n".join(lines)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "adjudicate",
        help="merge two annotators' files: keep agreed items, list conflicts for review",
        description="Align B to A with the scorer's exact matching; keep the mentions, actors, quotes and stances "
        "both annotated alike (in A's ids), write every disagreement to OUT.review.jsonl and OUT.review.md, record "
        "the number of conflicts in meta.adjudication, validate, and write OUT atomically.",
    )
    p.add_argument("a", metavar="A.jsonl")
    p.add_argument("b", metavar="B.jsonl")
    p.add_argument("--out", required=True, metavar="MERGED.jsonl")
    p.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    merges = adjudicate_files(args.a, args.b)
    out = Path(args.out)
    stem = out.with_suffix("")
    write_documents(out, [m.document for m in merges])
    atomic_write_json_lines(f"{stem}.review.jsonl", [c.to_dict() for m in merges for c in m.conflicts])
    atomic_write_text(f"{stem}.review.md", review_markdown(merges))
    total = sum(len(m.conflicts) for m in merges)
    print(f"wrote {len(merges)} merged document(s) to {out}; {total} conflict(s) to review in {stem}.review.md")
    return 0
