"""Stances by rule: the speaker of a quote, what the quote is about, and which way it leans.

For each attributed quote:

- **target** — what the content is about: the object of an object cue (*dismissed the
  notion*, *called NATO membership unrealistic*); else the subject of the content's main
  clause, unless that subject is the agent of an action (a pronoun, an actor, a role noun
  such as "the government"), in which case the object of the action it takes
  (*America wouldn't contribute troops* → troops); expletive *it*/*there* lead to the
  clause or noun they introduce.  A noun phrase that is an actor's mention makes a target
  of kind ``actor``; other targets are merged in the document by head noun, with a kind
  from ``data/targets.tsv``.
- **polarity** — the cue's own polarity when it has one (*dismissed*, *praised*); else the
  evaluative words of the content (``data/polarity.tsv``: *unrealistic*, *will not work*,
  *good*), each flipped when negated; else a negated main clause means *oppose* and a
  requirement (*must*, *need*, *have to*) *support*.  Quotes with no such signal give no
  stance: neutral stances are not predicted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whosaidwhat.annotate.lexicon import Lexicon
from whosaidwhat.annotate.rules_actors import MentionCandidate, segment_text
from whosaidwhat.annotate.rules_quotes import QuoteCandidate

_NP_LEFT = ("det", "amod", "compound", "nummod", "poss", "nmod", "quantmod", "predet", "case")
_NP_RIGHT_PREPOSITIONS = ("of", "for", "about", "on", "with", "without")
_EXPLETIVES = ("it", "there")


@dataclass(slots=True)
class StanceCandidate:
    quote: QuoteCandidate
    polarity: str
    target_span: tuple[int, int]
    target_text: str
    target_head: str  # lemma of the head noun: targets with the same head are one target
    target_kind: str
    target_mention: MentionCandidate | None  # when the target is an actor


def _noun_phrase(token) -> list:
    """The token with its determiners and modifiers, and a following of/for/about phrase."""
    tokens = [token]
    for child in token.lefts:
        if child.dep_ in _NP_LEFT:
            tokens.extend(child.subtree)
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ in _NP_RIGHT_PREPOSITIONS:
            tokens.extend(child.subtree)
    tokens.sort(key=lambda t: t.i)
    # Keep the phrase contiguous around the head.
    lo = hi = tokens.index(token)
    while lo > 0 and tokens[lo - 1].i == tokens[lo].i - 1:
        lo -= 1
    while hi + 1 < len(tokens) and tokens[hi + 1].i == tokens[hi].i + 1:
        hi += 1
    phrase = tokens[lo : hi + 1]
    while phrase and phrase[-1].is_punct:
        phrase.pop()
    return phrase


def _negated(token) -> bool:
    if any(c.dep_ == "neg" for c in token.children):
        return True
    # "no negotiation", "nothing should be decided": a negative subject or attribute.
    return any(
        c.dep_ in ("nsubj", "nsubjpass", "attr", "dobj")
        and (c.lower_ in ("nothing", "nobody", "none") or any(d.dep_ == "det" and d.lower_ == "no" for d in c.children))
        for c in token.children
    )


def _is_agent(token, mention_at) -> bool:
    return token.pos_ == "PRON" or mention_at(token) is not None or token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP")


def _object_of(verb) -> object | None:
    """The direct object or attribute of a verb, looking through "have to"/"want to" chains."""
    for _ in range(3):
        for child in verb.children:
            if child.dep_ in ("dobj", "attr", "oprd") and child.pos_ != "PRON":
                return child
        nxt = next((c for c in verb.children if c.dep_ == "xcomp"), None)
        if nxt is None:
            return None
        verb = nxt
    return None


def _content_root(tokens):
    inside = {t.i for t in tokens}
    roots = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    verbs = [t for t in roots if t.pos_ in ("VERB", "AUX")]
    return (verbs or roots or [None])[0]


def _target_token(quote: QuoteCandidate, tokens, mention_at, roles: frozenset[str]):
    cue = quote.cue_token
    lexeme = quote.cue_lexeme
    if cue is not None and lexeme is not None and lexeme.frame in ("object", "object+predicate"):
        obj = next((c for c in cue.children if c.dep_ == "dobj"), None)
        return None if obj is None or obj.pos_ == "PRON" else obj
    verb = _content_root(tokens)
    for _ in range(3):
        if verb is None:
            return None
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        expletive = next((c for c in verb.children if c.dep_ == "expl"), None)
        if subject is not None and subject.lower_ in _EXPLETIVES or expletive is not None:
            # "It's clear that X", "there can be no X": what follows is the point.
            attr = next((c for c in verb.children if c.dep_ == "attr"), None)
            clause = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp", "advcl")), None)
            if attr is not None and attr.pos_ in ("NOUN", "PROPN"):
                return attr
            verb = clause
            continue
        copular = verb.lemma_ == "be"
        if subject is not None and subject.pos_ != "PRON":
            agent = _is_agent(subject, mention_at) or subject.lemma_.lower() in roles
            if not agent or copular:
                return subject
        obj = _object_of(verb)
        if obj is not None:
            return obj
        verb = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    return None


def _polarity(quote: QuoteCandidate, tokens, lexicon: Lexicon) -> str | None:
    if quote.cue_lexeme is not None and quote.cue_lexeme.polarity:
        return quote.cue_lexeme.polarity
    score = 0
    lowered = " ".join(t.lower_ for t in tokens)
    matched_phrase_words: set[str] = set()
    for phrase, klass in lexicon.polarity.items():
        if " " in phrase and klass in ("support", "oppose") and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered):
            score += 1 if klass == "support" else -1
            matched_phrase_words.update(phrase.split())
    deontic = False
    for t in tokens:
        klass = lexicon.polarity.get(t.lower_) or lexicon.polarity.get(t.lemma_.lower())
        if klass in ("support", "oppose") and t.lower_ not in matched_phrase_words:
            value = 1 if klass == "support" else -1
            if _negated(t) or _negated(t.head):
                value = -value
            score += value
        elif klass == "deontic" and not _negated(t.head) and not _negated(t):
            deontic = True
    if score > 0:
        return "support"
    if score < 0:
        return "oppose"
    root = _content_root(tokens)
    if root is not None and (_negated(root) or any(_negated(c) for c in root.children if c.dep_ in ("ccomp", "xcomp"))):
        return "oppose"
    if deontic:
        return "support"
    return None


def segment_stance(sdoc, base: int, quote: QuoteCandidate, named: list[MentionCandidate], lexicon: Lexicon) -> StanceCandidate | None:
    """The stance one quote expresses, if the rules find a target and a polarity."""
    if quote.speaker is None:
        return None
    tokens = []
    for start, end in quote.content:
        span = sdoc.char_span(start - base, end - base, alignment_mode="contract")
        if span is not None:
            tokens.extend(span)
    if not tokens:
        return None

    def mention_at(token) -> MentionCandidate | None:
        s = base + token.idx
        for m in named:
            if m.start <= s < m.end:
                return m
        return None

    polarity = _polarity(quote, tokens, lexicon)
    if polarity is None:
        return None
    head = _target_token(quote, tokens, mention_at, lexicon.roles)
    if head is None:
        return None
    mention = mention_at(head)
    if mention is not None:
        return StanceCandidate(quote, polarity, (mention.start, mention.end), mention.text, "", "actor", mention)
    phrase = _noun_phrase(head)
    start = base + phrase[0].idx
    end = base + phrase[-1].idx + len(phrase[-1].text)
    lemma = head.lemma_.lower()
    kind = lexicon.target_kinds.get(lemma, "other")
    return StanceCandidate(quote, polarity, (start, end), segment_text(sdoc)[start - base : end - base], lemma, kind, None)
