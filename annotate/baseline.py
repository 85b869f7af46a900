"""The spacy-rules baseline: actors, quotes and stances from a spaCy parse and general rules.

`SpacyRulesExtractor` streams documents through ``nlp.pipe`` in batches (optionally over
several processes), analyses each parsed segment with the rules of `rules_actors`,
`rules_quotes` and `rules_stances`, and assembles each document's annotation once all of
its segments are back.  What the rules do, and what they cannot do, is written in
annotate/README.md.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from whosaidwhat.annotate.lexicon import Lexicon, load_lexicon
from whosaidwhat.annotate.nlp import SEGMENT_CHARS, load_pipeline, segments
from whosaidwhat.annotate.rules_actors import (
    ActorCluster,
    MentionCandidate,
    cluster_actors,
    prepare_segment,
    resolve_pronouns,
    segment_mentions,
)
from whosaidwhat.annotate.rules_quotes import QuoteCandidate, RegionIndex, quoted_regions, segment_quotes
from whosaidwhat.annotate.rules_stances import StanceCandidate, segment_stance
from whosaidwhat.corpus.model import Actor, Document, Evidence, Mention, Quote, Span, Stance, Target

ACTOR_SCOPES = ("all", "participants")
"""Which actors to output: every actor found, or only those that speak, hold a stance, are a
stance target or the affiliation of one of those."""

CONTINUATION_REACH = 600
"""Characters after a quote within which a quoted sentence without a cue still continues it."""


@dataclass(slots=True)
class _SegmentResult:
    mentions: list[MentionCandidate]
    quotes: list[QuoteCandidate]
    stances: list[StanceCandidate]


@dataclass(slots=True)
class _Pending:
    document: Document
    text: str
    regions: RegionIndex
    expected: int
    results: list[_SegmentResult] = field(default_factory=list)


class SpacyRulesExtractor:
    """Rule baseline over a spaCy pipeline, for all three layers."""

    name = "spacy-rules"

    def __init__(
        self,
        model: str | None = None,
        *,
        batch_size: int = 16,
        n_process: int = 1,
        lexicon: Lexicon | None = None,
        actor_scope: str = "all",
        segment_chars: int = SEGMENT_CHARS,
    ):
        if actor_scope not in ACTOR_SCOPES:
            raise ValueError(f"actor_scope must be one of {ACTOR_SCOPES}, not {actor_scope!r}")
        self.model = model
        self.batch_size = batch_size
        self.n_process = n_process
        self.lexicon = lexicon or load_lexicon()
        self.actor_scope = actor_scope
        self.segment_chars = segment_chars

    @property
    def nlp(self):
        return load_pipeline(self.model)

    def setup(self) -> None:
        """Load the pipeline now (the benchmark calls this before it starts the clock)."""
        load_pipeline(self.model)

    def extract(self, documents: Iterable[Document]) -> Iterator[Document]:
        """Annotate `documents` (only id, text and meta are read); same ids, same order."""
        nlp = self.nlp
        pending: deque[_Pending] = deque()

        def pieces() -> Iterator[tuple[str, int]]:
            for document in documents:
                text = document.text or ""
                cut = list(segments(text, self.segment_chars))
                pending.append(_Pending(document, text, RegionIndex(quoted_regions(text)), len(cut)))
                for offset, piece in cut:
                    yield piece, offset

        stream = nlp.pipe(pieces(), as_tuples=True, batch_size=self.batch_size, n_process=self.n_process)
        for sdoc, offset in stream:
            # nlp.pipe keeps the order, so segments come back for the oldest pending document.
            current = pending[0]
            current.results.append(self._analyse_segment(sdoc, offset, current.regions))
            while pending and len(pending[0].results) == pending[0].expected:
                done = pending.popleft()
                yield self._assemble(done)

    # ------------------------------------------------------------------ one segment

    def _analyse_segment(self, sdoc, base: int, regions: RegionIndex) -> _SegmentResult:
        lexicon = self.lexicon
        prepare_segment(sdoc)
        inside_quote = regions.inside_content
        named = segment_mentions(sdoc, base, lexicon, inside_quote)
        end = base + len(sdoc.user_data["wsw_text"])
        local_regions = [r for r in regions.within(base, end) if r.close <= end]
        quotes, speakers = segment_quotes(sdoc, base, local_regions, named, lexicon, inside_quote)
        mentions = named + speakers
        stances = []
        for quote in quotes:
            stance = segment_stance(sdoc, base, quote, named, lexicon)
            if stance is not None:
                stances.append(stance)
        return _SegmentResult(mentions, quotes, stances)

    # ------------------------------------------------------------------ one document

    def _assemble(self, pending: _Pending) -> Document:
        document, text = pending.document, pending.text
        mentions = [m for r in pending.results for m in r.mentions]
        quotes = [q for r in pending.results for q in r.quotes]
        stance_candidates = [s for r in pending.results for s in r.stances]

        clusters = cluster_actors((m for m in mentions if m.kind != "pronoun"), self.lexicon)
        resolve_pronouns([m for m in mentions if m.kind == "pronoun"], clusters)
        quotes = _attribute_continuations(quotes, text)

        participants = self._participants(clusters, quotes, stance_candidates)
        clusters = [c for c in clusters if self.actor_scope == "all" or id(c) in participants]
        clusters.sort(key=lambda c: min(m.start for m in c.mentions))

        out = Document(id=document.id, text=document.text, meta=dict(document.meta), schema_version=document.schema_version)
        actor_ids: dict[int, str] = {}
        owned: set[tuple[int, int]] = set()
        actors: list[Actor] = []
        for cluster in clusters:
            kept: list[Mention] = []
            for m in sorted(cluster.mentions, key=lambda m: (m.start, m.end)):
                if m.key in owned:
                    continue  # a span belongs to one actor only
                owned.add(m.key)
                kept.append(Mention(m.start, m.end, text[m.start : m.end], m.kind))
            if not kept:
                continue
            actor_ids[id(cluster)] = f"a{len(actors) + 1}"
            actors.append(Actor(actor_ids[id(cluster)], cluster.name, cluster.type, kept, role=cluster.role))
        for cluster, actor in zip([c for c in clusters if id(c) in actor_ids], actors):
            if cluster.affiliation is not None and id(cluster.affiliation) in actor_ids:
                actor.affiliation = actor_ids[id(cluster.affiliation)]
        out.actors = actors
        mention_keys = {a.id: {m.key for m in a.mentions} for a in actors}

        quote_ids: dict[int, str] = {}
        next_id = len(actors) + 1
        for q in quotes:
            speaker_id = _actor_id(q.speaker, actor_ids)
            speaker_mention = None
            if speaker_id is not None and q.speaker is not None and q.speaker.key in mention_keys[speaker_id]:
                speaker_mention = Span.of(text, q.speaker.start, q.speaker.end)
            if speaker_id is None and q.continuation and q.carried_speaker is not None:
                speaker_id = actor_ids.get(id(q.carried_speaker))
            content = [Span.of(text, s, e) for s, e in sorted(set(q.content))]
            quote_id = f"q{next_id}"
            next_id += 1
            quote_ids[id(q)] = quote_id
            out.quotes.append(Quote(
                quote_id, content, q.type,
                cue=Span.of(text, *q.cue) if q.cue else None,
                speaker=speaker_id, speaker_mention=speaker_mention,
            ))

        self._add_stances(out, stance_candidates, actor_ids, quote_ids, text, next_id)
        return out

    def _participants(self, clusters, quotes, stance_candidates) -> set[int]:
        keep: set[int] = set()
        for q in quotes:
            if q.speaker is not None and q.speaker.actor is not None:
                keep.add(id(q.speaker.actor))
            if q.carried_speaker is not None:
                keep.add(id(q.carried_speaker))
        for s in stance_candidates:
            if s.target_mention is not None and s.target_mention.actor is not None:
                keep.add(id(s.target_mention.actor))
        for cluster in clusters:
            if id(cluster) in keep and cluster.affiliation is not None:
                keep.add(id(cluster.affiliation))
        return keep

    def _add_stances(self, out: Document, candidates: list[StanceCandidate], actor_ids, quote_ids, text: str, next_id: int) -> None:
        quotes_by_id = {q.id: q for q in out.quotes}
        targets: dict[tuple[str, str], Target] = {}
        stances: dict[tuple[str, str, str], Stance] = {}
        for c in candidates:
            quote_id = quote_ids.get(id(c.quote))
            quote = quotes_by_id.get(quote_id) if quote_id else None
            if quote is None or quote.speaker is None:
                continue
            holder = quote.speaker
            target_actor = _actor_id(c.target_mention, actor_ids) if c.target_mention is not None else None
            if c.target_mention is not None and target_actor is None:
                continue
            if target_actor == holder:
                continue  # a speaker's stance towards itself is not a position on anything
            key = ("actor", target_actor) if target_actor else ("head", c.target_head)
            target = targets.get(key)
            span = Span.of(text, *c.target_span)
            if target is None:
                label = _label(span.text)
                target = Target(f"t{next_id}", label, c.target_kind, [], actor=target_actor)
                next_id += 1
                targets[key] = target
            if span.key not in {m.key for m in target.mentions}:
                target.mentions.append(span)
            triple = (holder, target.id, c.polarity)
            stance = stances.get(triple)
            if stance is None:
                stance = Stance("", holder, target.id, c.polarity, Evidence())
                stances[triple] = stance
            if quote.id not in stance.evidence.quotes:
                stance.evidence.quotes.append(quote.id)
        out.targets = list(targets.values())
        for target in out.targets:
            target.mentions.sort(key=lambda s: s.start)
        for stance in stances.values():
            stance.id = f"s{next_id}"
            next_id += 1
            out.stances.append(stance)


def _actor_id(mention: MentionCandidate | None, actor_ids: dict[int, str]) -> str | None:
    if mention is None or mention.actor is None:
        return None
    return actor_ids.get(id(mention.actor))


def _label(text: str) -> str:
    words = text.split()
    while len(words) > 1 and words[0].lower() in ("the", "a", "an", "any", "this", "that", "no"):
        words.pop(0)
    return " ".join(words)


def _attribute_continuations(quotes: list[QuoteCandidate], text: str) -> list[QuoteCandidate]:
    """Quoted sentences without a cue: part of the quote just before, or its speaker's next quote.

    “…,” Kallas said on Thursday. “…” — the second sentence is the same quotation, split
    by the attribution, when that quote's cue lies between them; a quote further on that
    follows within reach is a new quote of the same speaker; otherwise it stays unattributed.
    """
    out: list[QuoteCandidate] = []
    previous: QuoteCandidate | None = None
    for q in sorted(quotes, key=lambda q: q.content[0][0]):
        if not q.continuation:
            out.append(q)
            previous = q
            continue
        start = q.content[0][0]
        if previous is not None and start - previous.content[-1][1] <= CONTINUATION_REACH:
            if (previous.type == "direct" and previous.cue is not None
                    and previous.content[-1][1] <= previous.cue[0] and previous.cue[1] <= start
                    and "\n" not in text[previous.cue[1]:start]):
                previous.content.append(q.content[0])
                previous.regions.extend(q.regions)
                continue
            q.carried_speaker = previous.speaker.actor if previous.speaker is not None else previous.carried_speaker
        out.append(q)
        previous = q
    return out
