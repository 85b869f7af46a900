"""The word lists the rule baseline reads: reporting cues, role nouns, aliases, polarity, targets.

They are data files under ``annotate/data/`` (shipped as package data) so that a user can
read, extend or replace them without touching code; `load_lexicon` reads them once.
A file given explicitly (``Lexicon.from_directory``) replaces the shipped one, which is how
a user tries a larger cue list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from whosaidwhat.corpus.model import TARGET_KINDS

CUE_FRAMES: tuple[str, ...] = ("clause", "object", "object+predicate")
POLARITY_CLASSES: tuple[str, ...] = ("support", "oppose", "negator", "deontic")


class LexiconError(ValueError):
    """A lexicon file that cannot be read; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Cue:
    """A reporting verb: how its content is found and what it says about the speaker's stance."""

    lemma: str
    frame: str
    polarity: str | None


@dataclass(frozen=True)
class Lexicon:
    cues: dict[str, Cue]
    roles: frozenset[str]
    # lower-cased alias -> canonical name; canonical names map to themselves
    aliases: dict[str, str]
    # lower-cased word or phrase -> polarity class
    polarity: dict[str, str] = field(default_factory=dict)
    # head-noun lemma -> target kind
    target_kinds: dict[str, str] = field(default_factory=dict)
    # lower-cased country names (and their aliases): always mentions of a state
    countries: frozenset[str] = frozenset()

    @property
    def longest_polarity_phrase(self) -> int:
        return max((len(p.split()) for p in self.polarity), default=1)

    @classmethod
    def from_directory(cls, directory: Path | None = None) -> "Lexicon":
        if directory is None:
            root = resources.files("whosaidwhat.annotate") / "data"
            read = lambda name: (root / name).read_text(encoding="utf-8")  # noqa: E731
            where = lambda name: f"annotate/data/{name}"  # noqa: E731
        else:
            read = lambda name: (directory / name).read_text(encoding="utf-8")  # noqa: E731
            where = lambda name: str(directory / name)  # noqa: E731
        return cls(
            cues=_parse_cues(read("cues.tsv"), where("cues.tsv")),
            roles=frozenset(cols[0].lower() for cols in _rows(read("roles.txt"), where("roles.txt"), 1, 1)),
            aliases=_parse_aliases(read("aliases.tsv"), where("aliases.tsv")),
            polarity=_parse_polarity(read("polarity.tsv"), where("polarity.tsv")),
            target_kinds=_parse_target_kinds(read("targets.tsv"), where("targets.tsv")),
            countries=_countries(read("countries.txt"), where("countries.txt"), read("aliases.tsv"), where("aliases.tsv")),
        )


def _rows(text: str, name: str, min_cols: int, max_cols: int | None) -> list[list[str]]:
    """Non-comment, non-blank lines split on tabs, checked for their number of columns."""
    rows: list[list[str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < min_cols or (max_cols is not None and len(cols) > max_cols):
            expected = f"{min_cols}" if min_cols == max_cols else f"at least {min_cols}"
            raise LexiconError(f"{name}:{number}: expected {expected} tab-separated column(s), got {len(cols)}")
        rows.append(cols)
    return rows


def _parse_cues(text: str, name: str) -> dict[str, Cue]:
    cues: dict[str, Cue] = {}
    for lemma, frame, polarity in _rows(text, name, 3, 3):
        if frame not in CUE_FRAMES:
            raise LexiconError(f"{name}: cue {lemma!r}: unknown frame {frame!r} (one of {', '.join(CUE_FRAMES)})")
        if polarity not in ("support", "oppose", "-"):
            raise LexiconError(f"{name}: cue {lemma!r}: polarity must be support, oppose or -")
        cues[lemma.lower()] = Cue(lemma.lower(), frame, None if polarity == "-" else polarity)
    return cues


def _parse_aliases(text: str, name: str) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for cols in _rows(text, name, 2, None):
        canonical = cols[0]
        for alias in cols:
            aliases[alias.lower()] = canonical
    return aliases


def _parse_polarity(text: str, name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for phrase, klass in _rows(text, name, 2, 2):
        if klass not in POLARITY_CLASSES:
            raise LexiconError(f"{name}: {phrase!r}: unknown class {klass!r} (one of {', '.join(POLARITY_CLASSES)})")
        out[phrase.lower()] = klass
    return out


def _countries(text: str, name: str, aliases_text: str, aliases_name: str) -> frozenset[str]:
    countries = {cols[0].lower() for cols in _rows(text, name, 1, 1)}
    # An alias of a country is the country too ("US", "Britain"), but not its capital: a
    # capital is a place unless it stands for the government, so it stays a city name.
    for cols in _rows(aliases_text, aliases_name, 2, None):
        if cols[0].lower() in countries:
            countries.update(c.lower() for c in cols[1:] if not _looks_like_capital(c, cols[0]))
    return frozenset(countries)


def _looks_like_capital(alias: str, country: str) -> bool:
    # Short forms are initials or contain the country's own words; capitals do not.
    return not (alias.replace(".", "").isupper() or any(w in alias for w in country.split()) or alias in ("America", "Britain", "Great Britain", "Türkiye", "Kremlin", "the Kremlin"))


def _parse_target_kinds(text: str, name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for lemma, kind in _rows(text, name, 2, 2):
        if kind not in TARGET_KINDS or kind == "actor":
            raise LexiconError(f"{name}: {lemma!r}: kind must be one of proposal, policy, event, claim, other")
        out[lemma.lower()] = kind
    return out


@lru_cache(maxsize=4)
def load_lexicon(directory: str | None = None) -> Lexicon:
    """The shipped lexicon, or the one in `directory`; read once per process."""
    return Lexicon.from_directory(Path(directory) if directory else None)
