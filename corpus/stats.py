"""Corpus statistics: how many of each annotation a set of documents holds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from .model import ACTOR_TYPES, MENTION_KINDS, POLARITIES, QUOTE_TYPES, Document


@dataclass
class CorpusStats:
    documents: int = 0
    characters: int = 0
    actors: int = 0
    mentions: int = 0
    quotes: int = 0
    targets: int = 0
    stances: int = 0
    actor_types: Counter[str] = field(default_factory=Counter)
    mention_kinds: Counter[str] = field(default_factory=Counter)
    quote_types: Counter[str] = field(default_factory=Counter)
    attributed_quotes: int = 0
    target_kinds: Counter[str] = field(default_factory=Counter)
    polarities: Counter[str] = field(default_factory=Counter)

    def add(self, doc: Document) -> None:
        self.documents += 1
        self.characters += len(doc.text or "")
        self.actors += len(doc.actors)
        self.quotes += len(doc.quotes)
        self.targets += len(doc.targets)
        self.stances += len(doc.stances)
        for actor in doc.actors:
            self.actor_types[actor.type] += 1
            self.mentions += len(actor.mentions)
            self.mention_kinds.update(m.kind or "unspecified" for m in actor.mentions)
        for quote in doc.quotes:
            self.quote_types[quote.type] += 1
            self.attributed_quotes += quote.speaker is not None
        self.target_kinds.update(t.kind for t in doc.targets)
        self.polarities.update(s.polarity for s in doc.stances)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "characters": self.characters,
            "actors": self.actors,
            "mentions": self.mentions,
            "quotes": self.quotes,
            "attributed_quotes": self.attributed_quotes,
            "targets": self.targets,
            "stances": self.stances,
            "actor_types": _ordered(self.actor_types, ACTOR_TYPES),
            "mention_kinds": _ordered(self.mention_kinds, MENTION_KINDS + ("unspecified",)),
            "quote_types": _ordered(self.quote_types, QUOTE_TYPES),
            "target_kinds": dict(sorted(self.target_kinds.items())),
            "polarities": _ordered(self.polarities, POLARITIES),
        }


def _ordered(counts: Counter[str], order: tuple[str, ...]) -> dict[str, int]:
    out = {k: counts.get(k, 0) for k in order}
    out.update({k: v for k, v in sorted(counts.items()) if k not in out})
    return out


def corpus_stats(documents: Iterable[Document]) -> CorpusStats:
    stats = CorpusStats()
    for doc in documents:
        stats.add(doc)
    return stats


def stats_by_split(documents: Iterable[Document]) -> dict[str, CorpusStats]:
    """Statistics per ``meta["split"]`` (documents without one count as "unsplit"), plus "all"."""
    out: dict[str, CorpusStats] = {}
    total = CorpusStats()
    for doc in documents:
        split = str(doc.meta.get("split") or "unsplit")
        out.setdefault(split, CorpusStats()).add(doc)
        total.add(doc)
    out["all"] = total
    return out


def format_stats_table(by_split: dict[str, CorpusStats]) -> str:
    """A plain-text table: one row per count, one column per split."""
    columns = list(by_split)
    rows: list[tuple[str, list[int]]] = []
    dicts = {name: s.to_dict() for name, s in by_split.items()}
    first = dicts[columns[0]]
    for key, value in first.items():
        if isinstance(value, dict):
            keys = sorted({k for d in dicts.values() for k in d[key]}, key=lambda k: list(value).index(k) if k in value else len(value))
            for sub in keys:
                rows.append((f"{key.replace('_', ' ')}: {sub}", [dicts[c][key].get(sub, 0) for c in columns]))
        else:
            rows.append((key.replace("_", " "), [dicts[c][key] for c in columns]))
    label_width = max(len(label) for label, _ in rows)
    widths = [max(len(c), *(len(str(v[i])) for _, v in rows)) for i, c in enumerate(columns)]
    lines = [" " * label_width + "  " + "  ".join(c.rjust(w) for c, w in zip(columns, widths))]
    for label, values in rows:
        lines.append(label.ljust(label_width) + "  " + "  ".join(str(v).rjust(w) for v, w in zip(values, widths)))
    return "\n".join(lines)
