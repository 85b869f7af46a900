"""The whosaidwhat data model: standoff annotation of actors, quotes, targets and stances.

One `Document` is one JSON object on one line of a JSON Lines file.  Every
annotation points into the document's `text` with half-open ``[start, end)``
character offsets (Python string indices, i.e. Unicode code points) and repeats
the covered text, so that an offset that drifted is caught by the validator
instead of silently scoring the wrong words.

This module only defines the shapes and their JSON mapping.  Structural
checking of untrusted JSON lives in `corpus.parse`, consistency checking
(offsets, references) in `corpus.validate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = "1.0"

ACTOR_TYPES: tuple[str, ...] = ("PERSON", "ORGANIZATION", "STATE", "GROUP")
"""PERSON: a named or described individual.  ORGANIZATION: a company, party,
institution, alliance or agency.  STATE: a country or its government (including
metonymic uses such as "Kyiv" or "the US").  GROUP: an unnamed collective
("European leaders", "officials")."""

MENTION_KINDS: tuple[str, ...] = ("name", "nominal", "pronoun")
"""How an actor is referred to: by name ("Kaja Kallas", "Hegseth"), by a
description or title ("the US president", "one official"), or by a pronoun."""

QUOTE_TYPES: tuple[str, ...] = ("direct", "indirect", "mixed")
POLARITIES: tuple[str, ...] = ("support", "oppose", "neutral")
TARGET_KINDS: tuple[str, ...] = (
    "proposal",
    "policy",
    "actor",
    "event",
    "claim",
    "other",
)


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` of the document text."""

    start: int
    end: int
    text: str

    @property
    def key(self) -> tuple[int, int]:
        return (self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def of(cls, text: str, start: int, end: int) -> "Span":
        """The span of `text` between `start` and `end`, with its covered text."""
        return cls(start, end, text[start:end])


@dataclass(frozen=True, slots=True)
class Mention:
    """One place where the text refers to an actor."""

    start: int
    end: int
    text: str
    kind: str | None = None

    @property
    def key(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text}
        if self.kind is not None:
            out["kind"] = self.kind
        return out


@dataclass(slots=True)
class Actor:
    """A speaker or position holder: one entity with all of its mentions."""

    id: str
    name: str
    type: str
    mentions: list[Mention] = field(default_factory=list)
    role: str | None = None
    affiliation: str | None = None  # id of another actor of the same document

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type}
        if self.role is not None:
            out["role"] = self.role
        if self.affiliation is not None:
            out["affiliation"] = self.affiliation
        out["mentions"] = [m.to_dict() for m in self.mentions]
        return out


@dataclass(slots=True)
class Quote:
    """A reported statement: its content, the cue that reports it and its speaker.

    `content` holds several spans when the cue interrupts the quotation
    (“…,” he said, “…”).  `speaker` is an actor id, or None when the text does
    not attribute the quote; `speaker_mention` is the mention of that actor
    that the text ties to this quote (for example the pronoun "he").
    """

    id: str
    content: list[Span]
    type: str
    cue: Span | None = None
    speaker: str | None = None
    speaker_mention: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "content": [s.to_dict() for s in self.content],
            "cue": self.cue.to_dict() if self.cue else None,
            "speaker": self.speaker,
            "speaker_mention": self.speaker_mention.to_dict() if self.speaker_mention else None,
        }


@dataclass(slots=True)
class Target:
    """What a stance is about: a proposal, policy, event, claim or another actor."""

    id: str
    label: str
    kind: str
    mentions: list[Span] = field(default_factory=list)
    actor: str | None = None  # set when the target is an actor of this document

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "label": self.label, "kind": self.kind}
        if self.actor is not None:
            out["actor"] = self.actor
        out["mentions"] = [s.to_dict() for s in self.mentions]
        return out


@dataclass(slots=True)
class Evidence:
    """Why a stance is annotated: quotes of this document and/or free text spans."""

    quotes: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"quotes": list(self.quotes), "spans": [s.to_dict() for s in self.spans]}


@dataclass(slots=True)
class Stance:
    """An actor's position towards a target."""

    id: str
    holder: str
    target: str
    polarity: str
    evidence: Evidence = field(default_factory=Evidence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "holder": self.holder,
            "target": self.target,
            "polarity": self.polarity,
            "evidence": self.evidence.to_dict(),
        }


@dataclass(slots=True)
class Document:
    """One news article with its annotation layers.

    `text` is None only in prediction files, where it may be omitted and is
    then taken from the gold document with the same id.
    """

    id: str
    text: str | None
    meta: dict[str, Any] = field(default_factory=dict)
    annotators: list[str] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    schema_version: str = SCHEMA_VERSION

    def to_dict(self, *, include_text: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "schema_version": self.schema_version}
        if include_text and self.text is not None:
            out["text"] = self.text
        out["meta"] = dict(self.meta)
        out["annotators"] = list(self.annotators)
        out["actors"] = [a.to_dict() for a in self.actors]
        out["quotes"] = [q.to_dict() for q in self.quotes]
        out["targets"] = [t.to_dict() for t in self.targets]
        out["stances"] = [s.to_dict() for s in self.stances]
        return out

    def bare(self) -> "Document":
        """The document without annotations: what an extractor is given."""
        return Document(
            id=self.id,
            text=self.text,
            meta=dict(self.meta),
            schema_version=self.schema_version,
        )

    def actor_by_id(self) -> dict[str, Actor]:
        return {a.id: a for a in self.actors}
