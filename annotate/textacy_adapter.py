"""A published peer for the quotes layer: textacy's direct-quotation extractor.

`TextacyQuotesExtractor` runs the same spaCy pipeline as the baseline and hands each parse to
`textacy.extract.triples.direct_quotations`, which returns (speaker tokens, cue tokens,
content span) triples for direct quotes.  The adapter only translates them into the corpus
format, adding nothing of its own, so that the benchmark compares against the tool as
published:

- content: the quoted span without its quotation marks and separating punctuation (as the
  guidelines trim every span), one quote per triple, type ``direct``;
- cue: the span of the cue tokens;
- speaker: one actor per distinct speaker text (type from the entity label of its tokens,
  PERSON when there is none), whose mention is the span of the speaker tokens.

textacy refuses texts with an odd number of quotation marks (it raises rather than guess);
such a document gets no quotes, and its id is kept in `declined`.

textacy is an optional extra (``pip install whosaidwhat[textacy]``); without it the adapter
says how to install it.  It predicts quotes only: no stances, and actors only as speakers.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from whosaidwhat.annotate.nlp import load_pipeline
from whosaidwhat.cli import UsageError
from whosaidwhat.corpus.model import Actor, Document, Mention, Quote, Span

_STRIP = " \t\n,;:.“”\"«»„‘’'"
_LABEL_TYPES = {"PERSON": "PERSON", "ORG": "ORGANIZATION", "GPE": "STATE", "NORP": "GROUP", "LOC": "GROUP"}


def _direct_quotations():
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        raise UsageError(
            "the textacy-quotes extractor needs textacy: pip install 'whosaidwhat[textacy]' (or pip install textacy)"
        ) from None
    return direct_quotations


class TextacyQuotesExtractor:
    """textacy.extract.triples.direct_quotations over a spaCy pipeline, quotes layer only."""

    name = "textacy-quotes"

    def __init__(self, model: str | None = None, *, batch_size: int = 16, n_process: int = 1):
        self.model = model
        self.batch_size = batch_size
        self.n_process = n_process
        self.declined: list[str] = []  # documents textacy refused (unbalanced quotation marks)

    @staticmethod
    def available() -> bool:
        try:
            _direct_quotations()
        except UsageError:
            return False
        return True

    def setup(self) -> None:
        _direct_quotations()
        load_pipeline(self.model)

    def extract(self, documents: Iterable[Document]) -> Iterator[Document]:
        direct_quotations = _direct_quotations()
        nlp = load_pipeline(self.model)
        pairs = ((d.text or "", d) for d in documents)
        for sdoc, document in nlp.pipe(pairs, as_tuples=True, batch_size=self.batch_size, n_process=self.n_process):
            try:
                triples = list(direct_quotations(sdoc))
            except ValueError:
                # textacy refuses a text with an odd number of quotation marks ("safest to
                # bail out rather than guess"): as published, it predicts nothing there.
                self.declined.append(document.id)
                triples = []
            yield self._annotate(document, sdoc, triples)

    def _annotate(self, document: Document, sdoc, triples) -> Document:
        text = document.text or ""
        out = Document(id=document.id, text=document.text, meta=dict(document.meta), schema_version=document.schema_version)
        actors: dict[str, Actor] = {}
        used_mentions: set[tuple[int, int]] = set()
        quotes: list[tuple[Quote, str | None, Span | None]] = []
        for triple in triples:
            content = _trimmed(text, triple.content.start_char, triple.content.end_char)
            if content is None:
                continue
            cue_tokens = sorted(triple.cue, key=lambda t: t.i)
            cue = Span.of(text, cue_tokens[0].idx, cue_tokens[-1].idx + len(cue_tokens[-1].text)) if cue_tokens else None
            speaker_id = mention_span = None
            speaker_tokens = sorted(triple.speaker, key=lambda t: t.i)
            if speaker_tokens:
                start = speaker_tokens[0].idx
                end = speaker_tokens[-1].idx + len(speaker_tokens[-1].text)
                mention_span = Span.of(text, start, end)
                key = mention_span.text
                actor = actors.get(key)
                if actor is None:
                    labels = [t.ent_type_ for t in speaker_tokens if t.ent_type_]
                    kind = "pronoun" if len(speaker_tokens) == 1 and speaker_tokens[0].pos_ == "PRON" else (
                        "name" if labels else "nominal")
                    actor = Actor(f"a{len(actors) + 1}", key, _LABEL_TYPES.get(labels[0], "PERSON") if labels else "PERSON")
                    actors[key] = actor
                    actor.mentions.append(Mention(start, end, mention_span.text, kind))
                    used_mentions.add((start, end))
                elif (start, end) not in used_mentions:
                    actor.mentions.append(Mention(start, end, mention_span.text, actor.mentions[0].kind))
                    used_mentions.add((start, end))
                speaker_id = actor.id
            quotes.append((Quote("", [content], "direct", cue=cue), speaker_id, mention_span))
        out.actors = list(actors.values())
        # Ids are unique across layers: quotes are numbered after the actors.
        for n, (quote, speaker_id, mention_span) in enumerate(quotes, start=len(out.actors) + 1):
            quote.id = f"q{n}"
            quote.speaker = speaker_id
            quote.speaker_mention = mention_span if speaker_id is not None else None
            out.quotes.append(quote)
        return out


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    return Span.of(text, start, end) if end > start else None
