"""Quotes by rule: quotation marks, reporting cues, complements and speakers.

Two sources of evidence are combined per parsed segment:

1. **Quotation marks** (`quoted_regions`, on the raw text): curly “…”, guillemets «…», low
   „…“ and straight "…" marks, whose role (opening or closing) is read from the glyph or,
   for straight marks, from the characters around them.  Pairs never cross a paragraph,
   except that an unclosed quote whose next paragraph opens with a quotation mark runs to
   the end of its paragraph (the news convention for quotes of several paragraphs).  An
   unmatched mark is ignored, so unbalanced text neither crashes nor swallows the document.
2. **Reporting cues** (``data/cues.tsv``): a verb with its frame — a clausal complement
   (*said that…*), an object (*dismissed the notion…*), an object with a predicate (*called it
   unrealistic*) — and the fixed phrase *according to*.

A quoted region takes the nearest cue of its sentence; two regions sharing a cue on either
side of it are one split quote (“…,” he said, “…”).  When the cue's complement reaches
outside the marks the quote is *mixed* and its content is the complement; a cue without any
region gives an *indirect* quote.  A cue set off by commas in mid-sentence ("A negotiated
peace, he said, will …") reports the rest of the sentence, in one or two spans.  A quoted
full sentence with no cue continues the previous quote (see `baseline.py`).

The speaker is the subject of the cue — inherited through coordination and participles
("…, saying …") — or the object of *according to*; failing that the nearest preceding
mention of the sentence.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from whosaidwhat.annotate.lexicon import Cue, Lexicon
from whosaidwhat.annotate.rules_actors import MentionCandidate, segment_text, sentence_of, sentence_root, speaker_mention

OPENING_MARKS = {"“": "double", "«": "guillemet", "„": "low"}
CLOSING_MARKS = {"”": "double", "»": "guillemet"}
STRAIGHT_MARK = '"'
_OPEN_CONTEXT = set(" \t\n([{—–-/")
_CLOSE_CONTEXT = set(" \t\n)]}.,;:!?—–-/")

MAX_CUE_DISTANCE = 25
"""Tokens between a quotation mark and its cue; beyond that the cue reports something else."""

_TRIM_END = ",;:. \t\n"
"""A span never ends with white space or the punctuation that separates it from the sentence."""
_COMPLEMENTIZERS = ("that", "whether", "if")


@dataclass(frozen=True, slots=True)
class QuotedRegion:
    """Text between a pair of quotation marks: marks at `open` and `close` (exclusive end)."""

    open: int  # offset of the opening mark
    close: int  # offset just after the closing mark (or the paragraph end when continued)
    content_start: int
    content_end: int

    def covers(self, start: int, end: int) -> bool:
        return self.open <= start and end <= self.close


@dataclass(slots=True)
class QuoteCandidate:
    """A quote found in one segment, with its speaker still a mention candidate."""

    type: str
    content: list[tuple[int, int]]
    cue: tuple[int, int] | None
    cue_lexeme: Cue | None = None
    speaker: MentionCandidate | None = None
    regions: list[QuotedRegion] = field(default_factory=list)
    continuation: bool = False  # a quoted sentence with no cue: attributed by the document pass
    cue_token: object | None = None  # spaCy token, for the stance rules
    carried_speaker: object | None = None  # ActorCluster of the quote this one continues


# --------------------------------------------------------------------------- quotation marks


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch == "\n":
            if start < i:
                spans.append((start, i))
            start = i + 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _role(text: str, i: int, open_kind: str | None) -> str:
    """"open", "close" or "either" for the quotation mark at `i`."""
    ch = text[i]
    if ch in OPENING_MARKS:
        # In German „…“ the mark “ closes.
        if ch == "“" and open_kind == "low":
            return "close"
        return "open"
    if ch in CLOSING_MARKS:
        return "close"
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    opens = before in _OPEN_CONTEXT and after not in " \t\n"
    closes = after in _CLOSE_CONTEXT and before not in " \t\n"
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def quoted_regions(text: str) -> list[QuotedRegion]:
    """The balanced quotations of `text`, in order (see the module docstring)."""
    regions: list[QuotedRegion] = []
    paragraphs = _paragraphs(text)
    for index, (p_start, p_end) in enumerate(paragraphs):
        open_at: int | None = None
        open_kind: str | None = None
        for i in range(p_start, p_end):
            ch = text[i]
            if ch not in OPENING_MARKS and ch not in CLOSING_MARKS and ch != STRAIGHT_MARK:
                continue
            role = _role(text, i, open_kind)
            if open_at is None:
                if role in ("open", "either"):
                    open_at, open_kind = i, OPENING_MARKS.get(ch, "straight")
                continue
            if role in ("close", "either"):
                region = _region(text, open_at, i + 1, i)
                if region is not None:
                    regions.append(region)
                open_at = open_kind = None
            else:
                # A second opening mark before any closing one: the first was stray.
                open_at, open_kind = i, OPENING_MARKS.get(ch, "straight")
        if open_at is not None and index + 1 < len(paragraphs):
            next_start = paragraphs[index + 1][0]
            if text[next_start] in OPENING_MARKS or text[next_start] == STRAIGHT_MARK:
                region = _region(text, open_at, p_end, p_end)
                if region is not None:
                    regions.append(region)
    return regions


def _region(text: str, open_at: int, close_end: int, inner_end: int) -> QuotedRegion | None:
    start = open_at + 1
    end = inner_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in _TRIM_END:
        end -= 1
    if end <= start or not any(ch.isalnum() for ch in text[start:end]):
        return None
    return QuotedRegion(open_at, close_end, start, end)


class RegionIndex:
    """Answers "is this range inside quotation marks?" in logarithmic time.

    Regions never overlap, so the only candidate for a range is the last region that opens
    at or before its start.
    """

    def __init__(self, regions: list[QuotedRegion]):
        self.regions = sorted(regions, key=lambda r: r.open)
        self._opens = [r.open for r in self.regions]

    def within(self, start: int, end: int) -> list[QuotedRegion]:
        lo = bisect.bisect_left(self._opens, start)
        hi = bisect.bisect_right(self._opens, end)
        return self.regions[lo:hi]

    def inside_marks(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._opens, start) - 1
        return i >= 0 and self.regions[i].covers(start, end)

    def inside_content(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._opens, start) - 1
        return i >= 0 and self.regions[i].content_start <= start and end <= self.regions[i].content_end


# --------------------------------------------------------------------------- cues


def _is_cue(token, lexicon: Lexicon) -> Cue | None:
    if token.pos_ not in ("VERB", "AUX") or token.tag_ == "VBN" and token.dep_ == "amod":
        return None
    return lexicon.cues.get(token.lemma_.lower())


def _according_to(token) -> bool:
    return token.lower_ == "according" and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to"


def _subject(cue, lexicon: Lexicon) -> object | None:
    """The subject of a cue, inherited from the verb it is coordinated with or subordinated to.

    A participle ("…, saying that …") takes the subject of its sentence's main verb: in
    English the matrix subject controls a participial adjunct, and the parser often hangs
    the participle on a nearer word.  A cue coordinated into another cue's complement
    ("told X that A, and said B") is taken as coordinated with that cue, whose subject it
    shares, since one rarely reports a report inside a report.
    """
    subjects = [c for c in cue.children if c.dep_ == "nsubj"]
    if subjects:
        # "(Bloomberg) -- European leaders … insisted": the nearest subject is the real one.
        return min(subjects, key=lambda c: abs(c.i - cue.i))
    if cue.tag_ == "VBG" and cue.dep_ in ("advcl", "conj", "acl", "xcomp"):
        root = sentence_root(cue)
        subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
        if subject is not None and root.i != cue.i:
            return subject
    verb = cue
    for _ in range(4):
        if verb.dep_ not in ("conj", "advcl", "xcomp", "acl") or verb.head.i == verb.i:
            return None
        verb = verb.head
        if verb.dep_ == "ccomp" and _is_cue(verb.head, lexicon) is not None:
            verb = verb.head
        for child in verb.children:
            if child.dep_ == "nsubj":
                return child
    return None


def _without_nested_cues(tokens: list, cue, lexicon: Lexicon, roots: tuple = ()) -> list:
    """Drop the clauses of other cues from a complement, and cut it at the first gap.

    "insisted they should not be sidelined after the president said he agreed" reports
    two statements by two speakers; each cue gets its own clause.
    """
    nested: set[int] = set()
    root_ids = {r.i for r in roots}
    doc = cue.doc
    for t in tokens:
        if t.i != cue.i and t.i not in root_ids and t.i not in nested and (_is_cue(t, lexicon) is not None or _according_to(t)):
            nested.update(x.i for x in t.subtree)
        # A non-restrictive clause after a comma (", which was …", ", meaning …") is the
        # writer's comment, not part of what was reported.
        elif (t.dep_ in ("relcl", "advcl", "acl") and t.i not in root_ids and t.left_edge.i > 0
              and doc[t.left_edge.i - 1].text == ","):
            nested.update(x.i for x in t.subtree)
            nested.add(t.left_edge.i - 1)
    kept = [t for t in tokens if t.i not in nested]
    kept.sort(key=lambda t: t.i)
    run = kept[:1]
    for t in kept[1:]:
        if t.i != run[-1].i + 1:
            break
        run.append(t)
    while run and (run[-1].is_punct and run[-1].text not in "”\"»" or run[-1].dep_ in ("cc", "mark")):
        run.pop()
    return run


def _span_of(tokens, base: int) -> tuple[int, int]:
    first, last = min(tokens, key=lambda t: t.i), max(tokens, key=lambda t: t.i)
    return base + first.idx, base + last.idx + len(last.text)


def _complement(cue, frame: str, base: int, lexicon: Lexicon) -> tuple[int, int] | None:
    """Where the cue's content is, by its frame; None when the parse shows none."""
    children = list(cue.children)
    if frame == "clause":
        # "said that X" (ccomp), else "urged them to X" (xcomp): the infinitive is the content.
        comps = [c for c in children if c.dep_ == "ccomp"] or [c for c in children if c.dep_ == "xcomp" and c.i > cue.i]
        if not comps:
            return None
        tokens = list(comps[0].subtree)
        if comps[0].dep_ == "xcomp":
            tokens = [t for t in tokens if not (t.dep_ == "aux" and t.lower_ == "to" and t.head.i == comps[0].i)]
        # "said that X" → X: the complementiser is not part of what was said.
        while tokens and (tokens[0].lower_ in _COMPLEMENTIZERS and tokens[0].dep_ == "mark" or tokens[0].is_punct and tokens[0].text not in "“\"«„"):
            tokens.pop(0)
    elif frame == "object":
        objs = [c for c in children if c.dep_ == "dobj"]
        if not objs:
            return None
        tokens = list(objs[0].subtree)
    else:
        # "called it a sell-out", "called membership unrealistic": the parser labels the
        # object dobj or oprd, the predicate oprd, acomp or xcomp.
        parts = [c for c in children if c.dep_ in ("dobj", "oprd", "acomp", "xcomp") and c.i > cue.i]
        if len(parts) < 2:
            return None
        tokens = [t for part in parts for t in part.subtree]
    roots = tuple(c for c in children if c.dep_ in ("ccomp", "dobj", "oprd", "acomp", "xcomp"))
    tokens = _without_nested_cues([t for t in tokens if t.i != cue.i], cue, lexicon, roots)
    if not tokens:
        return None
    return _span_of(tokens, base)


def _according_to_clause(token, base: int) -> tuple[tuple[int, int] | None, object | None]:
    """For "X happened, according to Y": the clause X and the token Y."""
    to = token.doc[token.i + 1]
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    head = token.head
    if head.i == token.i:
        return None, source
    excluded = set(t.i for t in token.subtree) | {to.i}
    lo, hi = sentence_of(token)
    tokens = [t for t in head.subtree if t.i not in excluded and lo <= t.i < hi]
    for t in list(tokens):
        if t.dep_ in ("relcl", "advcl", "acl") and t.left_edge.i > lo and t.doc[t.left_edge.i - 1].text == ",":
            drop = {x.i for x in t.subtree} | {t.left_edge.i - 1}
            tokens = [x for x in tokens if x.i not in drop]
    # "Instead, officials got …": a leading discourse adverb is the writer's, not the source's.
    while tokens and (tokens[0].is_punct or tokens[0].dep_ in ("advmod", "cc", "intj") and tokens[0].head.i == head.i
                      and len(tokens) > 1 and tokens[1].is_punct):
        tokens.pop(0)
    while tokens and tokens[-1].is_punct:
        tokens.pop()
    if len([t for t in tokens if t.is_alpha]) < 2:
        return None, source
    return _span_of(tokens, base), source


def _parenthetical(cue, subject, base: int, text: str) -> list[tuple[int, int]] | None:
    """For "A, he said, B." or "A, he said.": the sentence without the cue clause."""
    sent_start, sent_end = sentence_of(cue)
    clause = [cue] + ([subject] if subject is not None else [])
    lo = min(t.i for t in clause)
    hi = max(t.i for t in clause)
    if lo == sent_start:
        return None  # "He said the plan..." has a complement if anything
    doc = cue.doc
    if doc[lo - 1].text not in (",", "—", "–", "-", "”", '"'):
        # Only a cue set off by punctuation is parenthetical; "On Friday, the president
        # called for talks" is not a report of the words around it.
        return None
    last = doc[sent_end - 1]
    before = (base + doc[sent_start].idx, base + doc[lo].idx)
    after = (base + doc[hi].idx + len(doc[hi].text), base + last.idx + len(last.text))
    spans = []
    for s, e in (before, after):
        s, e = _trim(text, s, e, base)
        if e > s and any(ch.isalpha() for ch in text[s - base : e - base]):
            spans.append((s, e))
    # "On Monday, he said" reports nothing: ask for a few words at least.
    words = sum(len(text[s - base : e - base].split()) for s, e in spans)
    return spans if words >= 3 else None


def _trim(text: str, start: int, end: int, base: int) -> tuple[int, int]:
    while start < end and text[start - base] in _TRIM_END:
        start += 1
    while end > start and text[end - 1 - base] in _TRIM_END:
        end -= 1
    return start, end


# --------------------------------------------------------------------------- segment analysis


def segment_quotes(
    sdoc,
    base: int,
    regions: list[QuotedRegion],
    named: list[MentionCandidate],
    lexicon: Lexicon,
    inside_quote,
) -> tuple[list[QuoteCandidate], list[MentionCandidate]]:
    """The quotes of one parsed segment, and the speaker mentions they introduced."""
    text = segment_text(sdoc)
    new_mentions: list[MentionCandidate] = []
    index = RegionIndex(regions)
    inside_region = index.inside_marks

    # Cues outside quotation marks, in text order.
    cues: list[tuple[object, Cue | None]] = []
    for token in sdoc:
        if inside_region(base + token.idx, base + token.idx + len(token.text)):
            continue
        if _according_to(token):
            cues.append((token, None))
        else:
            lexeme = _is_cue(token, lexicon)
            if lexeme is not None:
                cues.append((token, lexeme))

    # What each cue reports, by the parse.
    complements: list[tuple[int, int] | None] = []
    sources: list[object | None] = []
    for token, lexeme in cues:
        if lexeme is None:
            complement, source = _according_to_clause(token, base)
        else:
            complement, source = _complement(token, lexeme.frame, base, lexicon), _subject(token, lexicon)
        if source is None and lexeme is not None:
            # A cue the parser hung off a noun ("…, called membership unrealistic and said …")
            # shares the subject of the previous cue of its sentence.
            previous = [sources[i] for i, (t, _) in enumerate(cues[: len(sources)])
                        if sources[i] is not None and sentence_of(t) == sentence_of(token)]
            source = previous[-1] if previous else None
        complements.append(complement)
        sources.append(source)

    # Each region belongs to the cue whose complement holds it, else to the nearest cue of
    # its sentence within reach.
    region_cue: dict[int, int] = {}
    cue_sentence = [sentence_of(token)[0] for token, _ in cues]
    if cues:
        for r_index, region in enumerate(regions):
            holders = [
                (c[1] - c[0], c_index) for c_index, c in enumerate(complements)
                if c is not None and c[0] <= region.content_start and region.content_end <= c[1]
            ]
            if holders:
                region_cue[r_index] = min(holders)[1]  # the innermost complement
                continue
            first = sdoc.char_span(region.open - base, region.open - base + 1, alignment_mode="expand")
            last = sdoc.char_span(region.close - base - 1, region.close - base, alignment_mode="expand")
            if first is None or last is None:
                continue
            sents = {sentence_of(first[0])[0], sentence_of(last[-1])[0]}
            best: tuple[int, int] | None = None
            for c_index, (token, _) in enumerate(cues):
                if cue_sentence[c_index] not in sents:
                    continue
                if token.i < first[0].i:
                    distance = first[0].i - token.i
                    # Another quote between the cue and this region takes the cue first.
                    if any(r2.open < region.open for r2 in index.within(token.idx + base + 1, region.open)):
                        continue
                elif token.i > last[-1].i:
                    distance = token.i - last[-1].i
                    if any(r2.open < token.idx + base for r2 in index.within(region.close, token.idx + base)):
                        continue
                else:
                    continue
                # Short quoted fragments near a cue are mostly names and titles ("Mr. A",
                # "The Lion King"); a quotation needs a few words unless the parse links it.
                if len(text[region.content_start - base : region.content_end - base].split()) < 3:
                    continue
                if distance <= MAX_CUE_DISTANCE and (best is None or distance < best[0]):
                    best = (distance, c_index)
            if best is not None:
                region_cue[r_index] = best[1]

    quotes: list[QuoteCandidate] = []
    claimed_regions: set[int] = set()
    cued_regions = {id(regions[i]) for i in region_cue}
    for c_index, (token, lexeme) in enumerate(cues):
        own = [regions[i] for i, c in sorted(region_cue.items()) if c == c_index]
        cue_span = _span_of([token, token.doc[token.i + 1]] if lexeme is None else [token], base)
        complement, source = complements[c_index], sources[c_index]
        quote: QuoteCandidate | None = None
        if own and complement is None and lexeme is not None and token.dep_ == "parataxis":
            # “A negotiated peace,” he said, “will …” / A negotiated peace, he said, “will …”
            spans = _parenthetical(token, source, base, text)
            if spans is not None:
                quote = _quote_from_regions(own, None, text, base, parts=spans)
        if quote is None and own:
            quote = _quote_from_regions(own, complement, text, base)
        elif complement is not None and len(text[complement[0] - base : complement[1] - base].split()) >= 2 and not any(
            id(r) in cued_regions and r not in own for r in _overlapping(index, complement)
        ):
            inner = [r for r in index.within(*complement) if r.close <= complement[1]]
            quote = QuoteCandidate("mixed" if inner else "indirect", [complement], None, regions=inner)
        if quote is None and lexeme is not None and token.dep_ in ("parataxis", "ROOT"):
            spans = _parenthetical(token, source, base, text)
            if spans is not None and not own:
                touched = [r for r in regions if any(s <= r.open and r.close <= e for s, e in spans)]
                quote = QuoteCandidate("mixed" if touched else "indirect", spans, None, regions=touched)
        if quote is None and own:
            quote = QuoteCandidate("direct", [(r.content_start, r.content_end) for r in own], None, regions=own)
        if quote is None:
            continue
        quote.cue, quote.cue_lexeme, quote.cue_token = cue_span, lexeme, token
        speaker = None
        if source is not None:
            speaker = speaker_mention(source, base, lexicon, named + new_mentions, inside_quote)
        if speaker is None and source is None:
            speaker = _nearest_preceding(token, base, named)
        if speaker is not None and speaker.actor is None and speaker not in named and speaker not in new_mentions:
            new_mentions.append(speaker)
        quote.speaker = speaker
        claimed_regions.update(id(r) for r in quote.regions)
        quotes.append(quote)

    # Quoted full sentences without a cue continue the previous quote (decided by the document).
    for region in regions:
        if id(region) in claimed_regions or any(
            any(s <= region.content_start and region.content_end <= e for s, e in q.content) for q in quotes
        ):
            continue
        if _is_full_sentence(text, region, base):
            quotes.append(QuoteCandidate("direct", [(region.content_start, region.content_end)], None,
                                         regions=[region], continuation=True))
    for q in quotes:
        trimmed = [_trim_content(text, s, e, base) for s, e in q.content]
        q.content = [(s, e) for s, e in trimmed if e > s]
    quotes = [q for q in quotes if q.content]
    quotes.sort(key=lambda q: q.content[0][0])
    return quotes, new_mentions


_QUOTE_MARKS = "“”\"«»„‘’"


def _trim_content(text: str, start: int, end: int, base: int) -> tuple[int, int]:
    """Content never starts or ends with white space, a quotation mark or separating
    punctuation; marks inside a mixed quote stay (guidelines §1.2)."""
    strip = _TRIM_END + _QUOTE_MARKS
    while start < end and text[start - base] in strip:
        start += 1
    while end > start and text[end - 1 - base] in strip:
        end -= 1
    return start, end


def _overlapping(index: RegionIndex, span: tuple[int, int]) -> list[QuotedRegion]:
    """Regions that overlap `span`: those opening inside it, and one opening before it."""
    found = index.within(*span)
    i = bisect.bisect_right(index._opens, span[0]) - 1
    if i >= 0 and index.regions[i].close > span[0] and index.regions[i] not in found:
        found = [index.regions[i]] + found
    return found


def _quote_from_regions(own: list[QuotedRegion], complement, text: str, base: int,
                        parts: list[tuple[int, int]] | None = None) -> QuoteCandidate:
    """Direct, or mixed when the cue's complement has words outside the quotation marks.

    `parts` are the two sides of a parenthetical cue: each side is a quoted region (direct)
    or has words outside the marks (mixed, the side is the content span).
    """
    if parts is not None:
        spans: list[tuple[int, int]] = []
        mixed = False
        for s, e in parts:
            inside = [r for r in own if s <= r.open and r.close <= e + 1]
            bare = text[s - base : e - base]
            for r in inside:
                lo, hi = r.open - s, min(r.close, e) - s
                bare = bare[:lo] + " " * (hi - lo) + bare[hi:]
            if inside and sum(ch.isalpha() for ch in bare) == 0:
                spans.extend((r.content_start, r.content_end) for r in inside)
            else:
                mixed = True
                spans.append((s, e))
        return QuoteCandidate("mixed" if mixed else "direct", sorted(spans), None, regions=own)
    if complement is not None:
        c_start, c_end = complement
        overlapping = [r for r in own if r.open < c_end and c_start < r.close]
        if overlapping:
            outside = text[c_start - base : c_end - base]
            for r in overlapping:
                lo, hi = max(r.open, c_start) - c_start, min(r.close, c_end) - c_start
                outside = outside[:lo] + " " * (hi - lo) + outside[hi:]
            if sum(ch.isalpha() for ch in outside) >= 3:
                start = min(c_start, *(r.open for r in overlapping))
                end = max(c_end, *(r.content_end for r in overlapping))
                rest = [(r.content_start, r.content_end) for r in own if r not in overlapping]
                spans = sorted([(start, end)] + rest)
                return QuoteCandidate("mixed", spans, None, regions=own)
    return QuoteCandidate("direct", [(r.content_start, r.content_end) for r in own], None, regions=own)


def _is_full_sentence(text: str, region: QuotedRegion, base: int) -> bool:
    """A quoted sentence standing on its own: starts a paragraph or follows a sentence end."""
    inner = text[region.content_start - base : region.content_end - base]
    if len(inner.split()) < 3 or not inner[:1].isupper():
        return False
    i = region.open - base - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in "\n.!?”\"»"


def _nearest_preceding(token, base: int, named: list[MentionCandidate]) -> MentionCandidate | None:
    """The last named mention of the cue's sentence before the cue, outside quotations."""
    sent_start = base + token.doc[sentence_of(token)[0]].idx
    cue_start = base + token.idx
    before = [m for m in named if sent_start <= m.start and m.end <= cue_start and not m.in_quote]
    return before[-1] if before else None
