"""spaCy DocBin (``.spacy``), both ways: training data for spaCy components, and back.

Layout of each `Doc` (see README.md here):

- ``doc.spans["actors"]``: every actor mention, label = actor type, ``kb_id`` =
  actor id — one span group holds coreference too, since mentions of one actor
  share the ``kb_id``;
- ``doc.ents``: the same mentions where they do not overlap (spaCy's NER needs
  non-overlapping entities; `spacy.util.filter_spans` keeps the longest), with
  ``kb_id`` — the mentions left out are named in a note, not lost, as they stay
  in the span group;
- ``doc.spans["quotes"]``: quote content (one span per part of a split quote),
  label = quote type, ``id`` = quote id, ``kb_id`` = speaker actor id;
- ``doc.spans["cues"]`` (label ``CUE``) and ``doc.spans["speakers"]`` (label
  ``SPEAKER``, the speaker mention), ``id`` = quote id, ``kb_id`` = actor id;
- ``doc.spans["targets"]``: target mentions, label = target kind, ``id`` =
  target id, ``kb_id`` = the actor it is, if any;
- ``doc.user_data["whosaidwhat_key"]``: the key as JSON (names, roles, mention
  kinds, stances with evidence, metadata) — spaCy has no relation layer, so
  stances live only here.

Tokens are the ``spacy.blank(language)`` tokenizer's, further split wherever an
annotation starts or ends inside a token, so that every span is exact; a span
that starts or ends inside whitespace cannot be a token span and is shrunk to
the tokens it covers (with a warning).  Reading back, a DocBin without our span
groups (a trained pipeline's output) is read from ``doc.ents``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import orjson

from whosaidwhat.corpus.jsonl import atomic_write
from whosaidwhat.corpus.model import Document
from whosaidwhat.corpus.problems import CorpusError, Problem

from .graph import ACTOR, CONTENT, CONTINUES, COREF, CUE, CUE_LABEL, CUE_LINK, IS_ACTOR, SPEAKER, TARGET, Graph, Link, Region, from_graph, to_graph
from .key import make_key
from .report import ConversionReport, Where, documents_or_problems

KEY_FIELD = "whosaidwhat_key"
GROUPS = {ACTOR: "actors", CONTENT: "quotes", CUE: "cues", TARGET: "targets"}
SPEAKERS = "speakers"


@lru_cache(maxsize=None)
def _blank(language: str):  # noqa: ANN202 - a spaCy Language
    import spacy

    try:
        return spacy.blank(language)
    except (ImportError, OSError, ValueError, KeyError):
        return spacy.blank("xx")  # the multi-language tokenizer, for languages spaCy lacks


def _tokenize(nlp: Any, text: str, boundaries: set[int]) -> Any:
    """The tokenizer's tokens, split at every annotation boundary that falls inside one."""
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []
    for token in nlp.make_doc(text):
        start, end = token.idx, token.idx + len(token.text)
        cuts = [start, *sorted(b for b in boundaries if start < b < end), end]
        for i, (a, b) in enumerate(zip(cuts, cuts[1:])):
            words.append(text[a:b])
            spaces.append(bool(token.whitespace_) and i == len(cuts) - 2)
    return Doc(nlp.vocab, words=words, spaces=spaces)


def to_doc(doc: Document, report: ConversionReport) -> Any:
    """A spaCy `Doc` holding the document's annotation."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    text = doc.text or ""
    graph = to_graph(doc, report, discontinuous=False)
    nlp = _blank(str(doc.meta.get("language") or "en"))
    boundaries = {x for r in graph.regions for s, e in r.spans for x in (s, e)}
    sdoc = _tokenize(nlp, text, boundaries)
    by_id = {r.id: r for r in graph.regions}
    speaker_of = {link.source: by_id[link.target] for link in graph.links if link.label == SPEAKER}
    cue_of = {link.source: by_id[link.target] for link in graph.links if link.label == CUE_LINK}
    actor_of = {link.source: by_id[link.target].owner for link in graph.links if link.label == IS_ACTOR}
    quote_speaker = {r.owner: speaker_of[r.id] for r in graph.regions if r.id in speaker_of}
    quote_cue = {r.owner: cue_of[r.id] for r in graph.regions if r.id in cue_of}

    def span(region: Region, label: str, layer: str, item: str, *, kb: str | None = None, ident: str | None = None):
        (s, e) = region.spans[0]
        made = sdoc.char_span(s, e, label=label, kb_id=kb or "", span_id=ident or "", alignment_mode="contract")
        if made is None or (made.start_char, made.end_char) != (s, e):
            report.warn(doc.id, layer, item, "", f"span [{s}, {e}) {text[s:e]!r} does not start and end on a "
                        "token (it starts or ends in whitespace): " + ("dropped" if made is None else
                                                                      f"stored as {made.text!r}"))
        return made

    groups: dict[str, list[Any]] = {name: [] for name in (*GROUPS.values(), SPEAKERS)}
    for r in graph.regions:
        if r.layer == ACTOR:
            groups["actors"].append(span(r, r.label, "actors", r.owner or "", kb=r.owner))
        elif r.layer == CONTENT:
            speaker = quote_speaker.get(r.owner)
            groups["quotes"].append(span(r, r.label, "quotes", r.owner or "", kb=speaker.owner if speaker else None,
                                         ident=r.owner))
        elif r.layer == TARGET:
            groups["targets"].append(span(r, r.label, "targets", r.owner or "", kb=actor_of.get(r.id), ident=r.owner))
    for quote_id, cue in quote_cue.items():
        groups["cues"].append(span(cue, CUE_LABEL, "quotes", quote_id, ident=quote_id))
    for quote_id, mention in quote_speaker.items():
        groups[SPEAKERS].append(span(mention, "SPEAKER", "quotes", quote_id, kb=mention.owner, ident=quote_id))
    for name, spans in groups.items():
        sdoc.spans[name] = [s for s in spans if s is not None]
    mentions = list(sdoc.spans["actors"])
    entities = filter_spans(mentions)
    kept = {(s.start, s.end) for s in entities}
    for s in mentions:
        if (s.start, s.end) not in kept:
            report.note(doc.id, "actors", s.kb_id_, "mentions", f"mention {s.text!r} at [{s.start_char}, "
                        f"{s.end_char}) overlaps a longer one: in span group 'actors' only, not in doc.ents")
    sdoc.ents = [Span(sdoc, s.start, s.end, label=s.label_, kb_id=s.kb_id_) for s in entities]
    sdoc.user_data[KEY_FIELD] = orjson.dumps(make_key(doc)).decode()
    return sdoc


def write_docbin(path: str | Path, documents: Iterable[Document], report: ConversionReport) -> None:
    from spacy.tokens import DocBin

    docbin = DocBin(store_user_data=True)
    for doc in documents:
        docbin.add(to_doc(doc, report))
        report.documents += 1
    data = docbin.to_bytes()
    atomic_write(path, lambda stream: stream.write(data))


def _graph_of(sdoc: Any, key: dict[str, Any] | None) -> Graph:
    regions: list[Region] = []
    links: list[Link] = []
    groups = {name: list(sdoc.spans[name]) if name in sdoc.spans else [] for name in (*GROUPS.values(), SPEAKERS)}
    if "actors" not in sdoc.spans:
        groups["actors"] = list(sdoc.ents)  # a pipeline's output: its entities are the mentions
    first_by_kb: dict[tuple[str, str], Region] = {}
    by_offsets: dict[tuple[str, int, int], Region] = {}
    for layer, name in GROUPS.items():
        if layer == CUE:
            continue
        previous: dict[str, Region] = {}
        for i, s in enumerate(groups[name]):
            ident = (s.kb_id_ if layer == ACTOR else s.id_) or None
            region = Region(f"{name}[{i}]", layer, s.label_, ((s.start_char, s.end_char),), hint=ident)
            regions.append(region)
            by_offsets[(layer, s.start_char, s.end_char)] = region
            if ident is not None:
                if ident in previous:
                    links.append(Link(CONTINUES if layer == CONTENT else COREF, region.id, previous[ident].id))
                else:
                    first_by_kb[(layer, ident)] = region
                previous[ident] = region
            if layer == TARGET and s.kb_id_ and (ACTOR, s.kb_id_) in first_by_kb:
                links.append(Link(IS_ACTOR, region.id, first_by_kb[(ACTOR, s.kb_id_)].id))
    for i, s in enumerate(groups["cues"]):
        quote = first_by_kb.get((CONTENT, s.id_))
        if quote is not None:
            cue = Region(f"cues[{i}]", CUE, CUE_LABEL, ((s.start_char, s.end_char),))
            regions.append(cue)
            links.append(Link(CUE_LINK, quote.id, cue.id))
    for s in groups[SPEAKERS]:
        quote, mention = first_by_kb.get((CONTENT, s.id_)), by_offsets.get((ACTOR, s.start_char, s.end_char))
        if quote is not None and mention is not None:
            links.append(Link(SPEAKER, quote.id, mention.id))
    for stance in (key or {}).get("stances") or []:
        if not isinstance(stance, dict):
            continue
        holder = first_by_kb.get((ACTOR, stance.get("holder")))
        target = first_by_kb.get((TARGET, stance.get("target")))
        if holder is not None and target is not None:
            links.append(Link(str(stance.get("polarity")), holder.id, target.id))
    return Graph(regions, links)


def read_docbin(path: str | Path, report: ConversionReport) -> list[Document]:
    from spacy.tokens import DocBin

    name = str(path)
    try:
        docbin = DocBin().from_bytes(Path(path).read_bytes())
    except OSError as exc:
        raise CorpusError([Problem(name, None, None, "file", f"cannot read: {exc.strerror or exc}")]) from None
    except Exception as exc:  # noqa: BLE001 - spaCy raises assorted errors for a file that is not a DocBin
        raise CorpusError([Problem(name, None, None, "file", f"not a spaCy DocBin ({type(exc).__name__}: {exc})")]) from None
    documents: list[Document] = []
    problems: list[Problem] = []
    for i, sdoc in enumerate(docbin.get_docs(_blank("en").vocab)):
        raw = sdoc.user_data.get(KEY_FIELD)
        try:
            key = orjson.loads(raw) if isinstance(raw, str) else None
        except orjson.JSONDecodeError:
            key = None
        doc_id = (key or {}).get("id") or f"doc-{i + 1}"
        where = Where(name, None, str(doc_id))
        graph = _graph_of(sdoc, key)
        if key is not None:
            shown = {(s.get("holder"), s.get("target"), s.get("polarity")) for s in key.get("stances") or [] if isinstance(s, dict)}
            drawn = len([link for link in graph.links if link.label not in (COREF, CONTINUES, CUE_LINK, SPEAKER, IS_ACTOR)])
            if drawn < len(shown):
                report.warn(str(doc_id), "stances", "*", "", f"{len(shown) - drawn} stance(s) of the key name an actor "
                            "or target that is no longer in the span groups: dropped")
        report.keep(documents, problems, lambda: from_graph(graph, text=sdoc.text, where=where, report=report,
                                                            doc_id=str(doc_id), key=key))
    return documents_or_problems(documents, problems)
