"""Per-document sufficient statistics: counts, kept apart from the scores computed from them.

Scoring one document yields one row of numbers (`StatLayout` names each
column).  Every figure — micro average, macro average, bootstrap interval,
significance test — is a function of rows (see `metrics`), so one resampling
routine serves them all, as in sacrebleu.

Columns (T ranges over actor types, C over quote criteria):

    m.gold m.pred m.<scheme>.cor|inc|par          mentions (MIS = gold - matched, SPU = pred - matched)
    m[T].gold m[T].pred m[T].<scheme>.cor|inc|par per actor type
    e.phi e.gold e.pred                           actor entities (CEAF-e)
    q.gold q.pred q.<C>.tp                        quote detection per criterion
    q.tok.gold q.tok.pred q.tok.tp                content tokens
    q.cue.gold q.cue.pred q.cue.tp                cues
    q.attr.tp q.type.correct                      attribution; type on matched quotes
    s.gold s.pred s.tp s.pairs s.conf.<g>.<p>     stances and the polarity confusion matrix
"""

from __future__ import annotations

import tempfile
from typing import Iterator

import numpy as np

from ..corpus.model import ACTOR_TYPES, POLARITIES
from .align import SCHEMES, Aligned, attributed
from .config import ScoreConfig


class StatLayout:
    """The columns of a statistics row for one configuration."""

    def __init__(self, config: ScoreConfig):
        self.config = config
        self.criteria = [c.name for c in config.criteria]
        names: list[str] = ["m.gold", "m.pred"]
        names += [f"m.{s}.{k}" for s in SCHEMES for k in ("cor", "inc", "par")]
        for t in ACTOR_TYPES:
            names += [f"m[{t}].gold", f"m[{t}].pred"]
            names += [f"m[{t}].{s}.{k}" for s in SCHEMES for k in ("cor", "inc", "par")]
        names += ["e.phi", "e.gold", "e.pred"]
        names += ["q.gold", "q.pred"] + [f"q.{c}.tp" for c in self.criteria]
        names += ["q.tok.gold", "q.tok.pred", "q.tok.tp", "q.cue.gold", "q.cue.pred", "q.cue.tp"]
        names += ["q.attr.tp", "q.type.correct"]
        names += ["s.gold", "s.pred", "s.tp", "s.pairs"]
        names += [f"s.conf.{g}.{p}" for g in POLARITIES for p in POLARITIES]
        self.names = names
        self.index = {n: i for i, n in enumerate(names)}
        self._type_offset = {t: self.index[f"m[{t}].gold"] for t in ACTOR_TYPES}
        self._conf_offset = self.index[f"s.conf.{POLARITIES[0]}.{POLARITIES[0]}"]
        self._polarity = {p: i for i, p in enumerate(POLARITIES)}

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, name: str) -> int:
        return self.index[name]

    def row(self, a: Aligned) -> list[float]:
        """The statistics of one aligned document."""
        row = [0.0] * len(self.names)
        g, p = a.gold, a.pred
        m = a.mentions
        row[0], row[1] = len(g.mentions), len(p.mentions)
        k = 2
        for scheme in SCHEMES:
            cor, inc, par, _, _ = m.overall[scheme]
            row[k], row[k + 1], row[k + 2] = cor, inc, par
            k += 3
        for label, outcomes in m.per_label.items():
            k = self._type_offset[label]
            strict = outcomes["strict"]
            row[k], row[k + 1] = strict[0] + strict[1] + strict[2] + strict[3], strict[0] + strict[1] + strict[2] + strict[4]
            k += 2
            for scheme in SCHEMES:
                cor, inc, par, _, _ = outcomes[scheme]
                row[k], row[k + 1], row[k + 2] = cor, inc, par
                k += 3
        ix = self.index
        phi_sum = 0.0
        for phi in sorted(phi for _, _, phi in a.actors):  # a fixed order, so the columnar path adds alike
            phi_sum += phi
        row[ix["e.phi"]] = phi_sum
        row[ix["e.gold"]] = len(g.actor_ids)
        row[ix["e.pred"]] = len(p.actor_ids)

        row[ix["q.gold"]] = len(g.quotes)
        row[ix["q.pred"]] = len(p.quotes)
        for name in self.criteria:
            row[ix[f"q.{name}.tp"]] = len(a.quote_matches[name])
        tg, tp, tshared = a.token_counts
        row[ix["q.tok.gold"]], row[ix["q.tok.pred"]], row[ix["q.tok.tp"]] = tg, tp, tshared
        row[ix["q.cue.gold"]] = sum(1 for q in g.quotes if q[1] is not None)
        row[ix["q.cue.pred"]] = sum(1 for q in p.quotes if q[1] is not None)
        matched = a.quote_matches[a.quote_match]
        cue = attr = same_type = 0
        for c in matched:
            gq, pq = g.quotes[c.gold], p.quotes[c.pred]
            cue += gq[1] is not None and gq[1] == pq[1]
            same_type += gq[3] == pq[3]
            attr += attributed(a, c)
        row[ix["q.cue.tp"]], row[ix["q.attr.tp"]], row[ix["q.type.correct"]] = cue, attr, same_type

        row[ix["s.gold"]], row[ix["s.pred"]], row[ix["s.pairs"]] = len(g.stances), len(p.stances), len(a.stances)
        pol = self._polarity
        base = self._conf_offset
        n_pol = len(POLARITIES)
        tp_triples = 0
        for i, j in a.stances:
            gp, pp = g.stances[i][2], p.stances[j][2]
            tp_triples += gp == pp
            row[base + pol[gp] * n_pol + pol[pp]] += 1
        row[ix["s.tp"]] = tp_triples
        return row


class StatRows:
    """Per-document statistics rows (float32) kept in a temporary file, read back in chunks.

    Bootstrap intervals need every document's row; keeping them on disk
    instead of in memory is what keeps the scorer's memory flat as files
    grow (the operating system's page cache, not the process, holds them).
    """

    CHUNK_ROWS = 65536

    def __init__(self, columns: int):
        self.columns = columns
        self.rows = 0
        self._file = tempfile.TemporaryFile(prefix="whosaidwhat-stats-")

    def __len__(self) -> int:
        return self.rows

    @property
    def shape(self) -> tuple[int, int]:
        return self.rows, self.columns

    def append(self, rows: np.ndarray) -> None:
        self._file.write(np.ascontiguousarray(rows, dtype=np.float32).tobytes())
        self.rows += rows.shape[0]

    def chunks(self) -> Iterator[tuple[int, np.ndarray]]:
        """(first row, rows) in file order, `CHUNK_ROWS` at a time."""
        self._file.flush()
        self._file.seek(0)
        width = self.columns * 4
        start = 0
        while start < self.rows:
            data = self._file.read(min(self.CHUNK_ROWS, self.rows - start) * width)
            block = np.frombuffer(data, dtype=np.float32).reshape(-1, self.columns)
            yield start, block
            start += block.shape[0]
        self._file.seek(0, 2)

    def array(self) -> np.ndarray:
        """All rows in memory (for paired tests, which hold two systems' rows side by side)."""
        out = np.zeros((self.rows, self.columns), dtype=np.float32)
        for start, block in self.chunks():
            out[start : start + block.shape[0]] = block
        return out

    def close(self) -> None:
        self._file.close()


def row_chunks(stats: np.ndarray | StatRows) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, float32 rows) of statistics held in memory or in a `StatRows` file."""
    if isinstance(stats, StatRows):
        yield from stats.chunks()
    else:
        yield 0, stats.astype(np.float32, copy=False)
