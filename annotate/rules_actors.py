"""Actors by rule: named-entity mentions, titles, nominal and pronoun speakers, clustering.

Mentions are gathered per parsed segment (`segment_mentions`, `speaker_mention`) as
`MentionCandidate`s with absolute character offsets; `cluster_actors` then groups the
mentions of a whole document into actors:

- a surname joins the most recent full name ending in it ("Hegseth" → "Pete Hegseth"), and
  wins over the entity label (the small model often tags "Trump" as ORG);
- aliases from ``data/aliases.tsv`` ("the US", "America", "U.S.") and acronyms built from a
  name's initials ("EU" ↔ "European Union") join one actor;
- titles before a name ("Defense Secretary Pete Hegseth") become the actor's role, and the
  state or organisation named in the title its affiliation; possessives ("Trump’s") and
  leading articles are not part of a name mention;
- places are not actors: a country or city that is the object of a locative preposition
  ("in Brussels") is not a mention;
- definite singular role descriptions ("the minister") join the latest person holding that
  role; other descriptions become actors of their own ("officials" → GROUP);
- pronouns that speak ("he said") go to the most recent compatible actor, preferring
  grammatical subjects (centering: the subject is the likeliest antecedent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from whosaidwhat.annotate.lexicon import Lexicon

ENTITY_TYPES: dict[str, str] = {
    "PERSON": "PERSON",
    "ORG": "ORGANIZATION",
    "GPE": "STATE",
    "LOC": "GROUP",  # "Europe" as a political actor: the states of a region together
    "NORP": "GROUP",
}
"""spaCy entity labels that can denote actors, and the actor type each suggests."""

LOCATIVE_PREPOSITIONS = frozenset(
    "in at near from into across throughout outside inside around within via through".split()
)
MOTION_VERBS = frozenset("travel go fly come return move head arrive visit trip drive sail".split())
ORGANIZATION_NOUNS = frozenset(
    "government administration ministry agency police authority council committee court "
    "parliament congress senate company firm party office department commission".split()
)

PRONOUN_AGREEMENT: dict[str, tuple[str, ...]] = {
    "he": ("PERSON",),
    "him": ("PERSON",),
    "his": ("PERSON",),
    "she": ("PERSON",),
    "her": ("PERSON",),
    "they": ("GROUP", "ORGANIZATION", "STATE"),
    "them": ("GROUP", "ORGANIZATION", "STATE"),
    "their": ("GROUP", "ORGANIZATION", "STATE"),
    "it": ("ORGANIZATION", "STATE"),
}
"""Third-person pronouns and the actor types they can refer to.  All of them are mentions
when they resolve (outside quotations); "it" only when it is the subject of a cue, since
it mostly refers to things."""
NARRATION_PRONOUNS = frozenset(p for p in PRONOUN_AGREEMENT if p != "it")
_PLURAL_PRONOUNS = frozenset(("they", "them", "their"))

ANTECEDENT_WINDOW = 1_500
"""Characters to look back for a pronoun's antecedent: about two paragraphs of news."""

_ARTICLES = ("the ", "The ")
_POSSESSIVE = re.compile(r"(?:['’]s?|['’])$")


@dataclass(slots=True)
class MentionCandidate:
    """A mention found in the text, before it is assigned to an actor."""

    start: int
    end: int
    text: str
    kind: str  # name / nominal / pronoun
    type: str | None  # actor type suggested by the entity label or the noun; None for pronouns
    subject: bool = False  # grammatical subject: the preferred antecedent of a pronoun
    plural: bool = False
    role: str | None = None  # title or description held by a named person
    affiliation: "MentionCandidate | None" = None
    head: str = ""  # lemma of the head noun of a nominal mention
    in_quote: bool = False
    same_as: "MentionCandidate | None" = None  # a name in apposition: the same actor
    actor: "ActorCluster | None" = None

    @property
    def key(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass(slots=True)
class ActorCluster:
    """Mentions that refer to one actor."""

    type: str
    mentions: list[MentionCandidate] = field(default_factory=list)
    canonical: str | None = None  # alias-table name, when one applies
    role: str | None = None
    affiliation: "ActorCluster | None" = None

    @property
    def name(self) -> str:
        if self.canonical:
            return self.canonical
        names = [m.text for m in self.mentions if m.kind == "name"] or [m.text for m in self.mentions]
        # The fullest name is the canonical one ("Pete Hegseth", not "Hegseth").
        return max(names, key=lambda n: (len(n.split()), len(n))) if names else "?"

    def add(self, mention: MentionCandidate) -> None:
        mention.actor = self
        self.mentions.append(mention)
        if mention.role and not self.role:
            self.role = mention.role


# --------------------------------------------------------------------------- per segment


def prepare_segment(sdoc) -> None:
    """Cache the segment's text and each token's sentence in ``sdoc.user_data``.

    spaCy rebuilds ``Doc.text`` and finds ``Token.sent`` by walking the document on every
    access; the rules ask for both often enough that caching them is most of their speed.
    """
    starts = [0] * len(sdoc)
    ends: dict[int, int] = {}
    if len(sdoc):
        for sent in sdoc.sents:
            for i in range(sent.start, sent.end):
                starts[i] = sent.start
            ends[sent.start] = sent.end
    sdoc.user_data["wsw_text"] = sdoc.text
    sdoc.user_data["wsw_sent_start"] = starts
    sdoc.user_data["wsw_sent_end"] = ends


def segment_text(sdoc) -> str:
    return sdoc.user_data["wsw_text"]


def sentence_of(token) -> tuple[int, int]:
    """Token indices ``[start, end)`` of the token's sentence."""
    start = token.doc.user_data["wsw_sent_start"][token.i]
    return start, token.doc.user_data["wsw_sent_end"][start]


def sentence_root(token):
    root = token
    while root.head.i != root.i:  # spaCy makes a new Token object per access: compare indices
        root = root.head
    return root



def _char_span(token, base: int) -> tuple[int, int]:
    return base + token.idx, base + token.idx + len(token.text)


def segment_mentions(sdoc, base: int, lexicon: Lexicon, inside_quote) -> list[MentionCandidate]:
    """Named mentions (and NORP-modified group descriptions) of one parsed segment."""
    mentions: list[MentionCandidate] = []
    title_tokens: set[int] = set()
    people = [e for e in sdoc.ents if e.label_ == "PERSON"]
    for ent in people:
        title_tokens.update(_title_before(ent, lexicon))
    for ent in sdoc.ents:
        actor_type = ENTITY_TYPES.get(ent.label_)
        if actor_type is None:
            continue
        tokens = list(ent)
        # A title inside the entity ("President Trump") is a role, not part of the name.
        role_inside = []
        while len(tokens) > 1 and tokens[0].lower_ in lexicon.roles:
            role_inside.append(tokens.pop(0))
        while tokens and (tokens[0].lower_ == "the" or tokens[0].dep_ == "det"):
            tokens.pop(0)
        while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].is_punct):
            tokens.pop()
        if not tokens:
            continue
        if ent.label_ == "ORG" and all(t.i in title_tokens for t in tokens):
            continue  # "Defense" in "Defense Secretary Pete Hegseth" is part of a title
        if ent.label_ in ("GPE", "LOC") and _is_place(tokens[-1]) and _name_text(tokens).lower() not in lexicon.countries:
            continue  # a city used as a place ("in Brussels"); a country is always its state
        if ent.label_ == "NORP":
            group = _norp_group(tokens, base, lexicon, inside_quote)
            if group is not None:
                mentions.append(group)
            continue
        start, _ = _char_span(tokens[0], base)
        _, end = _char_span(tokens[-1], base)
        text = segment_text(sdoc)[start - base : end - base]
        text = _POSSESSIVE.sub("", text) if _POSSESSIVE.search(text) and len(text) > 2 else text
        end = start + len(text)
        if not text.strip():
            continue
        mention = MentionCandidate(
            start, end, text, "name", actor_type,
            subject=tokens[-1].dep_ in ("nsubj", "nsubjpass") or _appos_of_subject(tokens[-1]),
            plural=False, in_quote=inside_quote(start, end),
        )
        if ent.label_ == "PERSON":
            title = _title_before(ent, lexicon)
            if title:
                title_toks = [sdoc[i] for i in sorted(title)]
                mention.role = " ".join(t.text for t in title_toks)
            elif role_inside:
                mention.role = " ".join(t.text for t in role_inside)
            else:
                mention.role = _appositive_role(tokens[-1], lexicon)
        mentions.append(mention)
    _attach_title_affiliations(mentions, sdoc, base)
    mentions.extend(_descriptions_and_pronouns(sdoc, base, lexicon, mentions, inside_quote))
    return mentions


def _descriptions_and_pronouns(sdoc, base: int, lexicon: Lexicon, named: list[MentionCandidate], inside_quote) -> list[MentionCandidate]:
    """Nominal mentions of people ("allies", "the EU's foreign policy chief, Kaja Kallas") and
    third-person pronouns of the narration.

    A description becomes a mention when it is plural (a group: "officials", "allies") or
    in apposition with a name (then it is that name's actor); a singular description on its
    own ("the minister") is left to the speaker rules, which can tie it to a role holder.
    Pronouns inside quotations speak for the quoted speaker's side, so they are left out.
    """
    starts = sorted((m.start, m.end) for m in named)
    covered = {i for s, e in starts for i in range(s, e)}
    found: list[MentionCandidate] = []
    for token in sdoc:
        start, end = _char_span(token, base)
        if start in covered:
            continue
        lower = token.lower_
        if lower in NARRATION_PRONOUNS and token.tag_ in ("PRP", "PRP$"):
            if not inside_quote(start, end):
                found.append(MentionCandidate(start, end, token.text, "pronoun", None,
                                              subject=token.dep_ in ("nsubj", "nsubjpass"),
                                              plural=lower in _PLURAL_PRONOUNS, in_quote=False))
            continue
        if token.pos_ != "NOUN" or token.dep_ == "compound" or token.lemma_.lower() not in lexicon.roles:
            continue
        linked = _appositive_name(token, base, named)
        plural = token.tag_ == "NNS"
        if not plural and linked is None:
            continue
        mention = _nominal(token, base, lexicon, inside_quote)
        mention.same_as = linked
        found.append(mention)
    return found


def _appositive_name(token, base: int, named: list[MentionCandidate]) -> MentionCandidate | None:
    """The named person in apposition with a description ("the chief, Kaja Kallas," or "Kaja Kallas, the chief,")."""
    partners = [c for c in token.children if c.dep_ == "appos"]
    if token.dep_ == "appos":
        partners.append(token.head)
    for partner in partners:
        s, e = _char_span(partner, base)
        for m in named:
            if m.type == "PERSON" and m.kind == "name" and m.start <= s and e <= m.end:
                return m
    return None


def _nominal(token, base: int, lexicon: Lexicon, inside_quote) -> MentionCandidate:
    """The base noun phrase of a role noun: determiners, possessors and pre-modifiers, no
    post-modifiers (guidelines §2.4)."""
    _, end = _char_span(token, base)
    left = [t for t in token.lefts if t.dep_ in ("det", "amod", "compound", "nummod", "poss", "nmod", "quantmod", "predet")]
    first = min([token] + [t.left_edge for t in left], key=lambda t: t.i)
    s, _ = _char_span(first, base)
    text = segment_text(token.doc)[s - base : end - base]
    lemma = token.lemma_.lower()
    plural = token.tag_ in ("NNS", "NNPS")
    actor_type = "ORGANIZATION" if lemma in ORGANIZATION_NOUNS else ("GROUP" if plural else "PERSON")
    return MentionCandidate(s, end, text, "nominal", actor_type, subject=token.dep_ in ("nsubj", "nsubjpass"),
                            plural=plural, head=lemma, in_quote=inside_quote(s, end))


def _name_text(tokens) -> str:
    return tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text


def _title_before(ent, lexicon: Lexicon) -> set[int]:
    """Token indices of a capitalised title right before a person's name ("US Defense Secretary")."""
    sdoc = ent.doc
    i = ent.start - 1
    collected: list[int] = []
    sent_start = sentence_of(ent[0])[0]
    while i >= sent_start and sdoc[i].text[:1].isupper() and sdoc[i].is_alpha and sdoc[i].ent_type_ != "PERSON":
        collected.append(i)
        i -= 1
    collected.reverse()
    # It is a title only if its last word is a role noun ("Secretary", "Minister", "President").
    while collected and sdoc[collected[-1]].lower_ not in lexicon.roles:
        collected.pop()
    # Sentence-initial words that are not part of the title ("Speaking", "Instead") stop it.
    while collected and sdoc[collected[0]].is_sent_start and sdoc[collected[0]].lower_ not in lexicon.roles \
            and sdoc[collected[0]].ent_type_ == "":
        collected.pop(0)
    return set(collected)


def _appositive_role(token, lexicon: Lexicon) -> str | None:
    """"the EU's foreign policy chief, Kaja Kallas" → "foreign policy chief"."""
    if token.dep_ != "appos" or token.head.lemma_.lower() not in lexicon.roles:
        return None
    head = token.head
    modifiers = [t for t in head.lefts if t.dep_ in ("amod", "compound")]
    first = min([head] + [t.left_edge for t in modifiers], key=lambda t: t.i)
    return head.doc[first.i : head.i + 1].text


def _appos_of_subject(token) -> bool:
    return token.dep_ == "appos" and token.head.dep_ in ("nsubj", "nsubjpass")


def _is_place(token) -> bool:
    """A place, not an actor: the object of a locative preposition ("in Brussels", "to Munich")."""
    head = token
    while head.dep_ == "compound" and head.head.i != head.i:
        head = head.head
    if head.dep_ != "pobj":
        return False
    prep = head.head
    if prep.lower_ in LOCATIVE_PREPOSITIONS:
        return True
    return prep.lower_ == "to" and prep.head.lemma_.lower() in MOTION_VERBS


def _norp_group(tokens, base: int, lexicon: Lexicon, inside_quote) -> MentionCandidate | None:
    """A nationality as a group of people: "the Russians", or "European leaders"."""
    last = tokens[-1]
    if last.tag_ in ("NNPS", "NNS") and last.dep_ not in ("amod", "compound"):
        start, _ = _char_span(tokens[0], base)
        _, end = _char_span(last, base)
        text = segment_text(last.doc)[start - base : end - base]
        return MentionCandidate(start, end, text, "name", "GROUP", subject=last.dep_ == "nsubj",
                                plural=True, in_quote=inside_quote(start, end))
    head = last.head
    if last.dep_ in ("amod", "compound") and head.tag_ == "NNS" and head.lemma_.lower() in lexicon.roles:
        first = tokens[0]
        start, _ = _char_span(first, base)
        _, end = _char_span(head, base)
        text = segment_text(last.doc)[start - base : end - base]
        return MentionCandidate(start, end, text, "nominal", "GROUP", subject=head.dep_ in ("nsubj", "nsubjpass"),
                                plural=True, head=head.lemma_.lower(), in_quote=inside_quote(start, end))
    return None


def _attach_title_affiliations(mentions: list[MentionCandidate], sdoc, base: int) -> None:
    """The state or organisation in a person's title ("US Defense Secretary"), or after the
    name ("Hanno Pevkur of Estonia"), is the person's affiliation."""
    by_start = {m.start: m for m in mentions if m.kind == "name" and m.type != "PERSON"}
    for m in mentions:
        if m.type != "PERSON":
            continue
        after = segment_text(sdoc)[m.end - base : m.end - base + 4]
        if after == " of " and m.end + 4 in by_start:
            m.affiliation = by_start[m.end + 4]
            continue
        if not m.role:
            continue
        # The title ends right before the name; find a named mention that starts the title.
        title_start = m.start - len(m.role) - 1
        for start, other in by_start.items():
            if title_start <= start < m.start and m.role.startswith(other.text):
                m.affiliation = other
                m.role = m.role[len(other.text):].strip() or m.role
                break


def speaker_mention(token, base: int, lexicon: Lexicon, named: list[MentionCandidate], inside_quote) -> MentionCandidate | None:
    """The mention that `token` (the subject of a cue) stands for, creating it if it is not named.

    A named mention covering the token, or its appositive ("the chief, Kaja Kallas,"), is
    reused; a speaking pronoun or a role description ("the US president", "officials")
    becomes a new candidate; anything else (a report, a statement) is not an actor.
    """
    start, end = _char_span(token, base)
    # "the EU's foreign policy chief, Kaja Kallas, said": the name is the speaker mention.
    for child in token.children:
        if child.dep_ == "appos":
            cs, ce = _char_span(child, base)
            for m in named:
                if m.kind == "name" and m.start <= cs and ce <= m.end:
                    return m
    for m in named:
        if m.start <= start and end <= m.end:
            return m
    lower = token.lower_
    if token.pos_ == "PRON":
        if lower in PRONOUN_AGREEMENT:
            return MentionCandidate(start, end, token.text, "pronoun", None, subject=True,
                                    plural=lower == "they", in_quote=inside_quote(start, end))
        return None
    if token.pos_ in ("NOUN", "PROPN") and token.lemma_.lower() in lexicon.roles:
        mention = _nominal(token, base, lexicon, inside_quote)
        mention.subject = True
        return mention
    return None


# --------------------------------------------------------------------------- whole document


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w[0].isupper() and w.lower() not in ("of", "the", "and", "for")]
    return "".join(w[0] for w in words)


def cluster_actors(mentions: Iterable[MentionCandidate], lexicon: Lexicon) -> list[ActorCluster]:
    """Group the document's mentions into actors; pronouns are left to `resolve_pronouns`."""
    ordered = sorted(mentions, key=lambda m: (m.start, -m.end))
    clusters: list[ActorCluster] = []
    by_key: dict[str, ActorCluster] = {}
    persons: list[tuple[list[str], ActorCluster]] = []  # name tokens of each person cluster

    # Names first, then descriptions, which may join a name that comes later in the text.
    ordered = [m for m in ordered if m.kind == "name"] + [m for m in ordered if m.kind == "nominal"]
    for m in ordered:
        if m.kind == "pronoun" or m.actor is not None:
            continue
        if m.kind == "nominal":
            if m.same_as is not None and m.same_as.actor is not None:
                m.same_as.actor.add(m)
            else:
                _place_nominal(m, clusters, by_key)
            continue
        words = m.text.split()
        canonical = lexicon.aliases.get(m.text.lower())
        if canonical is None and m.text.lower().startswith(_ARTICLES[0]):
            canonical = lexicon.aliases.get(m.text.lower()[4:])
        # A name string that is a known person's name or surname is that person, whatever
        # the entity label says.
        person = _matching_person(words, persons)
        if person is not None and (m.type == "PERSON" or len(words) == 1):
            person.add(m)
            continue
        if m.type == "PERSON":
            cluster = ActorCluster("PERSON")
            cluster.add(m)
            clusters.append(cluster)
            persons.append((words, cluster))
            continue
        key = (canonical or m.text).lower()
        cluster = by_key.get(key)
        if cluster is None and len(words) == 1 and m.text.replace(".", "").isupper():
            acronym = m.text.replace(".", "")
            cluster = next((c for c in clusters if c.type != "PERSON" and len(acronym) > 1
                            and _initials(c.name) == acronym), None)
        if cluster is None:
            cluster = ActorCluster(m.type or "ORGANIZATION", canonical=canonical)
            clusters.append(cluster)
        by_key[key] = cluster
        cluster.add(m)

    # A person clustered from a surname seen before the full name joins the full name.
    _merge_surnames_into_full_names(clusters, persons)
    for cluster in clusters:
        for m in cluster.mentions:
            if m.affiliation is not None and m.affiliation.actor is not None and m.affiliation.actor is not cluster:
                cluster.affiliation = cluster.affiliation or m.affiliation.actor
    return [c for c in clusters if c.mentions]


def _matching_person(words: list[str], persons: list[tuple[list[str], ActorCluster]]) -> ActorCluster | None:
    """The most recent person whose full name is `words` or ends with the one word `words`."""
    for names, cluster in reversed(persons):
        if names == words:
            return cluster
        if len(words) == 1 and len(names) > 1 and names[-1] == words[0]:
            return cluster
        if len(words) > 1 and len(names) == 1 and words[-1] == names[0]:
            return cluster
    return None


def _merge_surnames_into_full_names(clusters: list[ActorCluster], persons: list[tuple[list[str], ActorCluster]]) -> None:
    full = [(names, c) for names, c in persons if len(names) > 1]
    for names, cluster in persons:
        if len(names) != 1 or not cluster.mentions:
            continue
        owners = {id(c): c for n, c in full if n[-1] == names[0] and c is not cluster}
        if len(owners) == 1:
            owner = next(iter(owners.values()))
            for m in cluster.mentions:
                owner.add(m)
            cluster.mentions = []


def _place_nominal(m: MentionCandidate, clusters: list[ActorCluster], by_key: dict[str, ActorCluster]) -> None:
    """A description joins the latest person holding that role when definite and singular, else
    the actor with the same description, else a new actor."""
    words = m.text.split()
    definite = words[0].lower() in ("the", "this", "that") or words[0].endswith(("'s", "’s"))
    if definite and not m.plural and m.type == "PERSON":
        holders = [
            c for c in clusters
            if c.type == "PERSON" and c.role and m.head in c.role.lower().split()
            and any(x.start < m.start for x in c.mentions)
        ]
        if holders:
            latest = max(holders, key=lambda c: max(x.start for x in c.mentions if x.start < m.start))
            latest.add(m)
            return
    key = "nominal:" + " ".join(w for w in words if w.lower() not in ("the", "a", "an")).lower()
    cluster = by_key.get(key)
    if cluster is None:
        cluster = ActorCluster(m.type or "GROUP")
        clusters.append(cluster)
        by_key[key] = cluster
    cluster.add(m)


def resolve_pronouns(pronouns: Iterable[MentionCandidate], clusters: list[ActorCluster]) -> None:
    """Give each speaking pronoun the most recent compatible actor, preferring subjects."""
    candidates = sorted(
        (m for c in clusters for m in c.mentions if not m.in_quote),
        key=lambda m: m.start,
    )
    for p in sorted(pronouns, key=lambda m: m.start):
        allowed = PRONOUN_AGREEMENT.get(p.text.lower(), ())
        window = [
            m for m in candidates
            if m.end <= p.start and p.start - m.end <= ANTECEDENT_WINDOW
            and m.actor is not None and m.actor.type in allowed
            and (p.text.lower() not in _PLURAL_PRONOUNS or m.plural or m.actor.type != "PERSON")
            and (p.text.lower() in _PLURAL_PRONOUNS or not m.plural)
        ]
        if not window:
            continue
        subjects = [m for m in window if m.subject]
        # The latest subject, unless a non-subject came after it in a later sentence
        # fragment too far away to matter: centering keeps the subject.
        antecedent = (subjects or window)[-1]
        antecedent.actor.add(p)
