"""How spans are compared: trimming, character overlap between items, tokens.

An *item* is what one annotation covers: a mention is one span, a quote's
content or a target's mentions are several.  Spans are half-open ``(start,
end)`` code-point offsets.  Everything here is a small pure function; the
layers in `align` build on them.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

SpanKey = tuple[int, int]
Item = tuple[SpanKey, ...]

QUOTATION_MARKS = "\"'`\u00ab\u00bb\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2039\u203a\u300c\u300d\u300e\u300f\u301d\u301e\u301f\uff02\uff07"
"""Straight and curly quotes, low-9 quotes, guillemets, CJK corner brackets, full-width quotes."""

BOUNDARY_PUNCTUATION = ".,;:!?\u2026\u2013\u2014\u2012\u2015-\u00b7"
"""Sentence punctuation, the ellipsis and dashes: what an annotator may or may not take along."""

WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + "\u200b\ufeff"

TRIM_CHARACTERS = frozenset(WHITESPACE + QUOTATION_MARKS + BOUNDARY_PUNCTUATION)


def trim(text: str, start: int, end: int) -> SpanKey:
    """The span without leading and trailing trim characters; unchanged if nothing would remain.

    >>> trim('He said: “We will not.”', 9, 23)
    (10, 21)
    """
    s, e = start, end
    chars = TRIM_CHARACTERS
    if text[s] not in chars and text[e - 1] not in chars:
        return start, end
    while s < e and text[s] in chars:
        s += 1
    while e > s and text[e - 1] in chars:
        e -= 1
    return (s, e) if s < e else (start, end)


def trim_all(text: str, spans: Iterable[SpanKey]) -> list[SpanKey]:
    """`trim` over many spans; most spans need no trimming, so test the two ends first."""
    chars = TRIM_CHARACTERS
    return [
        (s, e) if text[s] not in chars and text[e - 1] not in chars else trim(text, s, e)
        for s, e in spans
    ]


def canonical_item(spans: Iterable[SpanKey]) -> Item:
    """Sorted spans with overlapping or touching spans merged: equal items cover equal characters."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1][1] = e
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


def item_length(item: Item) -> int:
    return sum(e - s for s, e in item)


def _disjoint(spans: Sequence[SpanKey]) -> bool:
    """True when no two of the (sorted) spans overlap: the usual case (flat mentions, separate quotes)."""
    return all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def span_overlaps(gold: Sequence[SpanKey], pred: Sequence[SpanKey]) -> dict[tuple[int, int], int]:
    """Characters shared by each (gold index, pred index) pair of overlapping spans.

    Fast path: when the spans of neither side overlap each other, a span equal
    to a span of the other side overlaps nothing else (anything overlapping
    one would overlap the other on its own side), so equal spans are paired
    with a dictionary and only the remaining spans are swept.
    """
    if not gold or not pred:
        return {}
    if _disjoint(sorted(gold)) and _disjoint(sorted(pred)):
        position = {span: i for i, span in enumerate(gold)}
        shared: dict[tuple[int, int], int] = {}
        rest_p: list[int] = []
        for j, span in enumerate(pred):
            i = position.pop(span, None)
            if i is None:
                rest_p.append(j)
            else:
                shared[(i, j)] = span[1] - span[0]
        if rest_p and position:
            rest_g = sorted(position.values())
            for (a, b), n in _sweep([gold[i] for i in rest_g], [pred[j] for j in rest_p]).items():
                shared[(rest_g[a], rest_p[b])] = n
        return shared
    return _sweep(gold, pred)


def item_overlaps(gold: Sequence[Item], pred: Sequence[Item]) -> dict[tuple[int, int], int]:
    """Characters shared by each (gold index, pred index) pair of items that overlap.

    Items are flattened to their spans, `span_overlaps` pairs the spans, and
    the shared characters are summed per pair of items (the spans of one
    canonical item are disjoint, so nothing is counted twice).
    """
    if all(len(item) == 1 for item in gold) and all(len(item) == 1 for item in pred):
        return span_overlaps([item[0] for item in gold], [item[0] for item in pred])
    g_owner = [i for i, item in enumerate(gold) for _ in item]
    p_owner = [j for j, item in enumerate(pred) for _ in item]
    shared: dict[tuple[int, int], int] = {}
    g_spans = [span for item in gold for span in item]
    p_spans = [span for item in pred for span in item]
    for (a, b), n in span_overlaps(g_spans, p_spans).items():
        key = (g_owner[a], p_owner[b])
        shared[key] = shared.get(key, 0) + n
    return shared


def _sweep(gold: Sequence[SpanKey], pred: Sequence[SpanKey]) -> dict[tuple[int, int], int]:
    """Plane sweep over all spans in start order, keeping the spans still open on each side."""
    events = sorted([(s, 0, e, i) for i, (s, e) in enumerate(gold)] + [(s, 1, e, j) for j, (s, e) in enumerate(pred)])
    open_spans: tuple[list[tuple[int, int]], list[tuple[int, int]]] = ([], [])
    shared: dict[tuple[int, int], int] = {}
    for s, side, e, index in events:
        other = [(oe, oi) for oe, oi in open_spans[1 - side] if oe > s]
        open_spans = (other, open_spans[1]) if side == 1 else (open_spans[0], other)
        for oe, oi in other:
            key = (index, oi) if side == 0 else (oi, index)
            shared[key] = shared.get(key, 0) + min(e, oe) - s
        open_spans[side].append((e, index))
    return shared


# -- tokens ---------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
_ASCII_WORD_BYTES = bytes(
    c if (chr(c).isalnum() or chr(c) == "_") else 0x20 for c in range(128)
) + b" " * 128


def _is_word(c: str) -> bool:
    # Exactly Python's \w for str patterns: alphanumeric or underscore.
    return c.isalnum() or c == "_"


def token_regions(text: str, spans: Iterable[SpanKey]) -> list[SpanKey]:
    """Spans widened to whole tokens and merged.

    A *token* is a maximal run of ``\\w`` characters of the document text; a
    span *contains* every token it shares at least one character with.
    Widening each span to the tokens it cuts does not change which tokens it
    contains, and after widening two spans that share a token overlap, so
    counting the tokens of each merged region counts every token once.
    """
    widened = []
    n = len(text)
    for s, e in spans:
        if s > 0 and _is_word(text[s]) and _is_word(text[s - 1]):
            while s > 0 and _is_word(text[s - 1]):
                s -= 1
        if e < n and _is_word(text[e - 1]) and _is_word(text[e]):
            while e < n and _is_word(text[e]):
                e += 1
        widened.append((s, e))
    return list(canonical_item(widened))


def count_tokens(text: str, region: SpanKey, cache: dict[SpanKey, int] | None = None) -> int:
    """Number of ``\\w+`` tokens in ``text[start:end]`` (a region from `token_regions`)."""
    if cache is not None:
        hit = cache.get(region)
        if hit is not None:
            return hit
    segment = text[region[0] : region[1]]
    if segment.isascii():
        # Same result as the regex, several times faster: bytes.translate is a table lookup.
        n = len(segment.encode("ascii").translate(_ASCII_WORD_BYTES).split())
    else:
        n = len(_WORD.findall(segment))
    if cache is not None:
        cache[region] = n
    return n


def tokens_in(text: str, spans: Iterable[SpanKey], cache: dict[SpanKey, int] | None = None) -> int:
    """How many tokens the spans contain together (each token once)."""
    return sum(count_tokens(text, r, cache) for r in token_regions(text, spans))
