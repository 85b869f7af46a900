"""The whosaidwhat corpus format (standoff JSON Lines) and the shipped gold corpus."""

from pathlib import Path

from .model import (
    ACTOR_TYPES,
    MENTION_KINDS,
    POLARITIES,
    QUOTE_TYPES,
    SCHEMA_VERSION,
    TARGET_KINDS,
    Actor,
    Document,
    Evidence,
    Mention,
    Quote,
    Span,
    Stance,
    Target,
)
from .problems import CorpusError, Problem

CORPUS_DIR = Path(__file__).resolve().parent
GOLD_PATH = CORPUS_DIR / "gold.jsonl"
"""The shipped gold corpus: one JSON Lines file, splits in each document's meta."""
SCHEMA_PATH = CORPUS_DIR / "schema.json"

__all__ = [
    "ACTOR_TYPES", "MENTION_KINDS", "POLARITIES", "QUOTE_TYPES", "SCHEMA_VERSION", "TARGET_KINDS",
    "Actor", "Document", "Evidence", "Mention", "Quote", "Span", "Stance", "Target",
    "CorpusError", "Problem", "CORPUS_DIR", "GOLD_PATH", "SCHEMA_PATH",
]
