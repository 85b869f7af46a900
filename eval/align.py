"""Aligning a predicted document with its gold document, layer by layer.

Every layer turns its candidate pairs into weights and calls the one
matching core (`matching.assign`):

mentions
    Candidates are overlapping mention spans.  Each SemEval-2013 scheme has
    its own objective — strict: most pairs with equal span *and* type, then
    most pairs; exact and partial: most pairs with equal span, then most
    pairs; type: most pairs of the same type, then most pairs — and ties go
    to the pair with the larger character Jaccard.  (For partial credit,
    COR + ½·PAR, maximising exact pairs first is also optimal: undoing one
    exact pair frees one gold and one predicted mention, which can gain at
    most two halves.)  The exact-scheme matching, which ignores types, is
    *the* mention alignment other layers use.
actors (entities)
    φ(G, P) = 2·|aligned mention pairs between G and P| / (|G| + |P|)
    (CEAF's φ4, Dice); the assignment maximises Σφ.
quotes
    Candidates are quotes whose content shares characters; coverage =
    shared / union characters.  For each criterion (exact, covT, tokT) the
    assignment maximises the number of pairs meeting it, then total
    similarity.  The configured `match` criterion gives *the* quote alignment
    (attribution, cue, type).
targets
    A predicted target aligns with a gold target when both name actors and
    those actors are aligned, or else by the character Jaccard of their
    mentions; most pairs first, then similarity.
stances
    A predicted stance is mapped through the actor and target alignments; it
    may pair with a gold stance of the same (holder, target); pairs with the
    same polarity are preferred.  Triple true positives are pairs with equal
    polarity; every pair feeds the polarity confusion matrix.

`align_prepared` works on canonical indices (`keys.Prepared`) and is the hot
path; `align_document` wraps it for `Document` objects and reports ids and
the documents' own list indices.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from ..corpus.model import Document
from .config import Criterion, ScoreConfig
from .keys import Prepared, keys_from_document, prepare
from .matching import Pair, assign, tiered
from .spans import SpanKey, item_length, item_overlaps, span_overlaps, tokens_in

SCHEMES: tuple[str, ...] = ("strict", "exact", "partial", "type")
"""The four SemEval-2013 Task 9.1 schemes, in nervaluate's terms (ent_type is "type")."""

Outcome = tuple[int, int, int, int, int]
"""(COR, INC, PAR, MIS, SPU) of one scheme."""


# -- mentions ---------------------------------------------------------------------------------


@dataclass(slots=True)
class MentionResult:
    """Counts of every scheme, overall and per label, and the type-blind alignment."""

    overall: dict[str, Outcome]
    per_label: dict[str, dict[str, Outcome]]
    pairs: list[tuple[int, int, bool]]  # (gold index, pred index, same span) of the exact scheme


def _count(scheme: str, flags: Sequence[tuple[bool, bool]], n_gold: int, n_pred: int) -> Outcome:
    matched = len(flags)
    if scheme == "strict":
        cor = sum(1 for ex, same in flags if ex and same)
        return (cor, matched - cor, 0, n_gold - matched, n_pred - matched)
    if scheme == "exact":
        cor = sum(1 for ex, _ in flags if ex)
        return (cor, matched - cor, 0, n_gold - matched, n_pred - matched)
    if scheme == "partial":
        cor = sum(1 for ex, _ in flags if ex)
        return (cor, 0, matched - cor, n_gold - matched, n_pred - matched)
    cor = sum(1 for _, same in flags if same)  # type
    return (cor, matched - cor, 0, n_gold - matched, n_pred - matched)


def score_mentions(
    gold: Sequence[tuple[int, int, str]], pred: Sequence[tuple[int, int, str]], method: str = "optimal"
) -> MentionResult:
    """The four schemes over labelled spans ``(start, end, label, ...)`` (half-open offsets).

    Per label, as nervaluate 1.x does, each scheme is evaluated on the gold
    and predicted spans of that label only.
    """
    shared = span_overlaps([(m[0], m[1]) for m in gold], [(m[0], m[1]) for m in pred])
    # (gold, pred, same span, same label, character Jaccard)
    cand = []
    for (i, j), n in shared.items():
        gs, ge, gl = gold[i][:3]
        ps, pe, pl = pred[j][:3]
        cand.append((i, j, gs == ps and ge == pe, gl == pl, n / ((ge - gs) + (pe - ps) - n)))
    n_gold = Counter(m[2] for m in gold)
    n_pred = Counter(m[2] for m in pred)
    labels = sorted(n_gold.keys() | n_pred.keys())
    G, P = len(gold), len(pred)

    if len({c[0] for c in cand}) == len(cand) == len({c[1] for c in cand}):
        # A one-to-one candidate graph: every objective keeps every pair, in every
        # scheme and for every label, so the counts follow from four tallies.
        m = len(cand)
        ex = sum(1 for c in cand if c[2])
        same = sum(1 for c in cand if c[3])
        ex_same = sum(1 for c in cand if c[2] and c[3])
        overall = {
            "strict": (ex_same, m - ex_same, 0, G - m, P - m),
            "exact": (ex, m - ex, 0, G - m, P - m),
            "partial": (ex, 0, m - ex, G - m, P - m),
            "type": (same, m - same, 0, G - m, P - m),
        }
        tally = Counter((gold[c[0]][2], c[2]) for c in cand if c[3])
        per_label = {}
        for label in labels:
            lex, lm = tally[(label, True)], tally[(label, True)] + tally[(label, False)]
            g, p = n_gold[label], n_pred[label]
            per_label[label] = {
                "strict": (lex, lm - lex, 0, g - lm, p - lm),
                "exact": (lex, lm - lex, 0, g - lm, p - lm),
                "partial": (lex, 0, lm - lex, g - lm, p - lm),
                "type": (lm, 0, 0, g - lm, p - lm),
            }
        return MentionResult(overall, per_label, sorted((c[0], c[1], c[2]) for c in cand))

    bound = float(len(cand))

    def matched(objective, candidates) -> list[tuple]:
        if len(candidates) <= 1:
            return list(candidates)
        by_pair = {(c[0], c[1]): c for c in candidates}
        chosen = assign([(c[0], c[1], objective(c)) for c in candidates], method)
        return [by_pair[p] for p in chosen]

    span_first = lambda c: tiered(c[2], 1, c[4], bound=bound)  # noqa: E731
    by_scheme = {
        "strict": matched(lambda c: tiered(c[2] and c[3], 1, c[4], bound=bound), cand),
        "exact": matched(span_first, cand),
        "type": matched(lambda c: tiered(c[3], 1, c[4], bound=bound), cand),
    }
    by_scheme["partial"] = by_scheme["exact"]
    overall = {scheme: _count(scheme, [(c[2], c[3]) for c in by_scheme[scheme]], G, P) for scheme in SCHEMES}
    per_label: dict[str, dict[str, Outcome]] = {}
    for label in labels:
        same = [c for c in cand if c[3] and gold[c[0]][2] == label]
        by_span = [(c[2], True) for c in matched(span_first, same)]
        by_type = [(c[2], True) for c in matched(lambda c: tiered(1, c[2], c[4], bound=bound), same)]
        g, p = n_gold[label], n_pred[label]
        per_label[label] = {
            "strict": _count("strict", by_span, g, p),
            "exact": _count("exact", by_span, g, p),
            "partial": _count("partial", by_span, g, p),
            "type": _count("type", by_type, g, p),
        }
    return MentionResult(overall, per_label, sorted((c[0], c[1], c[2]) for c in by_scheme["exact"]))


# -- actors -----------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def align_actors(
    gold: Prepared, pred: Prepared, mention_pairs: Sequence[tuple[int, int, bool]], method: str = "optimal"
) -> list[tuple[int, int, float]]:
    """(gold actor, pred actor, φ) of the entity alignment; φ is Dice over aligned mentions.

    Actors without any mention (possible, e.g. a stance holder only named in
    metadata) have nothing to compare; two such actors get φ = 1 when their
    names are equal ignoring case and spacing, so that they can still align.
    """
    shared: Counter[tuple[int, int]] = Counter(
        (gold.mentions[i][3], pred.mentions[j][3]) for i, j, _ in mention_pairs
    )
    phi = {
        (ga, pa): 2.0 * n / (len(gold.actor_mentions[ga]) + len(pred.actor_mentions[pa]))
        for (ga, pa), n in shared.items()
    }
    bare_gold = [a for a, ms in enumerate(gold.actor_mentions) if not ms]
    if bare_gold:
        by_name: dict[str, list[int]] = {}
        for a in bare_gold:
            by_name.setdefault(_name_key(gold.actor_names[a]), []).append(a)
        for pa, ms in enumerate(pred.actor_mentions):
            if not ms:
                for ga in by_name.get(_name_key(pred.actor_names[pa]), ()):
                    phi[(ga, pa)] = 1.0
    chosen = assign([(ga, pa, w) for (ga, pa), w in phi.items()], method)
    return [(ga, pa, phi[(ga, pa)]) for ga, pa in chosen]


# -- quotes -----------------------------------------------------------------------------------


@dataclass(slots=True)
class QuoteCandidate:
    gold: int
    pred: int
    coverage: float  # shared characters / characters of either
    token_overlap: float  # shared tokens / tokens of either
    exact: bool


def quote_candidates(gold: Prepared, pred: Prepared, need_tokens: bool, token_cache: dict) -> list[QuoteCandidate]:
    """Every pair of quotes whose contents share a character, with its similarities."""
    g_items = [q[0] for q in gold.quotes]
    p_items = [q[0] for q in pred.quotes]
    shared = item_overlaps(g_items, p_items)
    text = gold.text
    out = []
    for (i, j), n in shared.items():
        lg, lp = item_length(g_items[i]), item_length(p_items[j])
        exact = n == lg == lp
        cov = n / (lg + lp - n)
        if exact:
            tok = 1.0
        elif need_tokens:
            tg = tokens_in(text, g_items[i], token_cache)
            tp = tokens_in(text, p_items[j], token_cache)
            tu = tokens_in(text, g_items[i] + p_items[j], token_cache)
            tok = (tg + tp - tu) / tu if tu else 0.0
        else:
            tok = 0.0
        out.append(QuoteCandidate(i, j, cov, tok, exact))
    return out


def _meets(c: QuoteCandidate, criterion: Criterion) -> tuple[bool, float]:
    if criterion.kind == "exact":
        return c.exact, 1.0
    value = c.coverage if criterion.kind == "cov" else c.token_overlap
    return value >= criterion.threshold - 1e-12, value


def match_quotes(
    candidates: Sequence[QuoteCandidate], criterion: Criterion, method: str = "optimal", one_to_one: bool = False
) -> list[QuoteCandidate]:
    """The pairs matched under one criterion: most pairs meeting it, then most similarity.

    `one_to_one` says that no quote has two candidates, so every passing pair is kept.
    """
    passing = []
    for c in candidates:
        ok, value = _meets(c, criterion)
        if ok:
            passing.append((c, value))
    if one_to_one or len(passing) <= 1:
        return [c for c, _ in passing]
    by_pair = {(c.gold, c.pred): c for c, _ in passing}
    bound = float(len(passing))
    chosen = assign([(c.gold, c.pred, tiered(1, value, bound=bound)) for c, value in passing], method)
    return [by_pair[p] for p in chosen]


# -- targets and stances ----------------------------------------------------------------------


def align_targets(gold: Prepared, pred: Prepared, actor_map: dict[int, int], method: str = "optimal") -> list[Pair]:
    """(gold target, pred target): same aligned actor, else overlapping mentions."""
    sim: dict[tuple[int, int], float] = {}
    g_items = [t[0] for t in gold.targets]
    p_items = [t[0] for t in pred.targets]
    for (i, j), n in item_overlaps(g_items, p_items).items():
        sim[(i, j)] = n / (item_length(g_items[i]) + item_length(p_items[j]) - n)
    gold_by_actor = {t[1]: i for i, t in enumerate(gold.targets) if t[1] >= 0}
    for j, t in enumerate(pred.targets):
        if t[1] >= 0 and t[1] in actor_map:
            i = gold_by_actor.get(actor_map[t[1]])
            if i is not None:
                sim[(i, j)] = 1.0  # the same actor: as good as identical mentions
    bound = float(len(sim))
    return assign([(i, j, tiered(1, s, bound=bound)) for (i, j), s in sim.items()], method)


def align_stances(
    gold: Prepared, pred: Prepared, actor_map: dict[int, int], target_map: dict[int, int], method: str = "optimal"
) -> list[Pair]:
    """(gold stance, pred stance) with the same holder and target after mapping; equal polarity first."""
    by_pair: dict[tuple[int, int], list[int]] = {}
    for i, (h, t, _) in enumerate(gold.stances):
        by_pair.setdefault((h, t), []).append(i)
    edges = []
    for j, (h, t, polarity) in enumerate(pred.stances):
        gh, gt = actor_map.get(h), target_map.get(t)
        if gh is None or gt is None:
            continue
        for i in by_pair.get((gh, gt), ()):
            edges.append((i, j, polarity == gold.stances[i][2]))
    bound = float(len(edges))
    return assign([(i, j, tiered(1, same, bound=bound)) for i, j, same in edges], method)


# -- the whole document -----------------------------------------------------------------------


@dataclass(slots=True)
class Aligned:
    """Index-level alignment of two prepared documents (canonical order), with what counting needs."""

    gold: Prepared
    pred: Prepared
    mentions: MentionResult
    actors: list[tuple[int, int, float]]
    quote_matches: dict[str, list[QuoteCandidate]]  # criterion name -> matched pairs
    quote_match: str
    token_counts: tuple[int, int, int]  # (gold tokens, pred tokens, shared tokens) of all quote content
    targets: list[Pair]
    stances: list[Pair]
    actor_map: dict[int, int] = field(default_factory=dict)  # pred actor -> gold actor


def align_prepared(gold: Prepared, pred: Prepared, config: ScoreConfig) -> Aligned:
    method = config.alignment
    mentions = score_mentions(gold.mentions, pred.mentions, method)
    actors = align_actors(gold, pred, mentions.pairs, method)
    actor_map = {pa: ga for ga, pa, _ in actors}

    criteria = config.criteria
    need_tokens = any(c.kind == "tok" for c in criteria)
    token_cache: dict[SpanKey, int] = {}
    candidates = quote_candidates(gold, pred, need_tokens, token_cache)
    one_to_one = len({c.gold for c in candidates}) == len(candidates) == len({c.pred for c in candidates})
    quote_matches = {c.name: match_quotes(candidates, c, method, one_to_one) for c in criteria}

    text = gold.text
    g_spans = [s for q in gold.quotes for s in q[0]]
    p_spans = [s for q in pred.quotes for s in q[0]]
    tg = tokens_in(text, g_spans, token_cache)
    tp = tokens_in(text, p_spans, token_cache)
    tu = tokens_in(text, g_spans + p_spans, token_cache) if g_spans and p_spans else tg + tp
    token_counts = (tg, tp, tg + tp - tu)

    targets = align_targets(gold, pred, actor_map, method)
    target_map = {pt: gt for gt, pt in targets}
    stances = align_stances(gold, pred, actor_map, target_map, method)
    return Aligned(gold, pred, mentions, actors, quote_matches, config.match, token_counts, targets, stances, actor_map)


def attributed(aligned: Aligned, pair: QuoteCandidate) -> bool:
    """A matched quote is attributed correctly when its speaker is aligned with the gold speaker.

    Both unattributed (speaker null in gold and prediction) also counts as
    correct: the system rightly declined to name a speaker.
    """
    gs = aligned.gold.quotes[pair.gold][2]
    ps = aligned.pred.quotes[pair.pred][2]
    if gs < 0 or ps < 0:
        return gs < 0 and ps < 0
    return aligned.actor_map.get(ps) == gs


# -- public view ------------------------------------------------------------------------------


@dataclass(slots=True)
class MentionPair:
    gold: SpanKey  # (start, end) after trimming
    pred: SpanKey
    gold_actor: str
    pred_actor: str
    exact: bool


@dataclass(slots=True)
class QuotePair:
    """A matched quote; indices are positions in the documents' own `quotes` lists."""

    gold_index: int
    pred_index: int
    gold_id: str
    pred_id: str
    coverage: float
    token_overlap: float
    exact: bool
    speaker_correct: bool
    cue_correct: bool
    type_correct: bool


@dataclass(slots=True)
class StancePair:
    gold_id: str
    pred_id: str
    gold_polarity: str
    pred_polarity: str

    @property
    def correct(self) -> bool:
        return self.gold_polarity == self.pred_polarity


@dataclass
class DocumentAlignment:
    """How a predicted document lines up with its gold document (ids and list indices).

    actors: pred actor id -> gold actor id (entity alignment); actor_similarity:
    (gold id, pred id) -> φ.  mentions: pairs of the type-blind mention
    alignment, plus unmatched gold/pred mention spans.  quotes: pairs under
    the configured match, plus unmatched quote indices.  targets: pred target
    id -> gold target id.  stances: pairs with the same holder and target.
    """

    document: str
    actors: dict[str, str]
    actor_similarity: dict[tuple[str, str], float]
    mentions: list[MentionPair]
    unmatched_gold_mentions: list[SpanKey]
    unmatched_pred_mentions: list[SpanKey]
    quotes: list[QuotePair]
    unmatched_gold_quotes: list[int]
    unmatched_pred_quotes: list[int]
    targets: dict[str, str]
    stances: list[StancePair]
    unmatched_gold_stances: list[str]
    unmatched_pred_stances: list[str]
    quote_matches: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # every criterion


def align_document(gold: Document, pred: Document, config: ScoreConfig | None = None) -> DocumentAlignment:
    """Align `pred` with `gold` (same document; `pred.text` may be None)."""
    config = config or ScoreConfig()
    if gold.text is None:
        raise ValueError(f"gold document {gold.id!r} has no text")
    if pred.text is not None and pred.text != gold.text:
        raise ValueError(f"document {gold.id!r}: the prediction's text differs from the gold text")
    g = prepare(keys_from_document(gold), gold.text, trim=config.trim)
    p = prepare(keys_from_document(pred), gold.text, trim=config.trim)
    a = align_prepared(g, p, config)
    return _public(a, gold, pred)


def _public(a: Aligned, gold: Document, pred: Document) -> DocumentAlignment:
    g, p = a.gold, a.pred
    g_quote_pos = {q.id: i for i, q in enumerate(gold.quotes)}
    p_quote_pos = {q.id: i for i, q in enumerate(pred.quotes)}
    mention_pairs = [
        MentionPair(
            g.mentions[i][:2], p.mentions[j][:2], g.actor_ids[g.mentions[i][3]], p.actor_ids[p.mentions[j][3]], ex
        )
        for i, j, ex in a.mentions.pairs
    ]
    used_g = {i for i, _, _ in a.mentions.pairs}
    used_p = {j for _, j, _ in a.mentions.pairs}
    quotes = []
    for c in a.quote_matches[a.quote_match]:
        gq, pq = g.quotes[c.gold], p.quotes[c.pred]
        quotes.append(
            QuotePair(
                g_quote_pos[g.quote_ids[c.gold]],
                p_quote_pos[p.quote_ids[c.pred]],
                g.quote_ids[c.gold],
                p.quote_ids[c.pred],
                c.coverage,
                c.token_overlap,
                c.exact,
                attributed(a, c),
                gq[1] is not None and gq[1] == pq[1],
                gq[3] == pq[3],
            )
        )
    matched_g = {q.gold_index for q in quotes}
    matched_p = {q.pred_index for q in quotes}
    stance_pairs = [
        StancePair(g.stance_ids[i], p.stance_ids[j], g.stances[i][2], p.stances[j][2]) for i, j in a.stances
    ]
    sg = {i for i, _ in a.stances}
    sp = {j for _, j in a.stances}
    return DocumentAlignment(
        document=gold.id,
        actors={p.actor_ids[pa]: g.actor_ids[ga] for ga, pa, _ in a.actors},
        actor_similarity={(g.actor_ids[ga], p.actor_ids[pa]): phi for ga, pa, phi in a.actors},
        mentions=mention_pairs,
        unmatched_gold_mentions=[m[:2] for i, m in enumerate(g.mentions) if i not in used_g],
        unmatched_pred_mentions=[m[:2] for j, m in enumerate(p.mentions) if j not in used_p],
        quotes=sorted(quotes, key=lambda q: q.gold_index),
        unmatched_gold_quotes=[i for i in range(len(gold.quotes)) if i not in matched_g],
        unmatched_pred_quotes=[j for j in range(len(pred.quotes)) if j not in matched_p],
        targets={p.target_ids[pt]: g.target_ids[gt] for gt, pt in a.targets},
        stances=stance_pairs,
        unmatched_gold_stances=[g.stance_ids[i] for i in range(len(g.stances)) if i not in sg],
        unmatched_pred_stances=[p.stance_ids[j] for j in range(len(p.stances)) if j not in sp],
        quote_matches={
            name: sorted((g_quote_pos[g.quote_ids[c.gold]], p_quote_pos[p.quote_ids[c.pred]]) for c in pairs)
            for name, pairs in a.quote_matches.items()
        },
    )
