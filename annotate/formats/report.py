"""What a conversion could not carry over, and where bad input came from.

A converter never loses annotation silently: everything a target format cannot
hold becomes a `ConversionWarning` naming the document, the item (layer and id)
and what was dropped or changed.  Warnings are structured (not just strings) so
that tests can check that the round trip loses exactly what was reported.

Bad input is not a warning: it is a `CorpusError` whose problems name the
file, the line where the format has lines, the document and the field —
built with `Where`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from whosaidwhat.corpus.model import Document
from whosaidwhat.corpus.problems import CorpusError, Problem


@dataclass(frozen=True, slots=True)
class ConversionWarning:
    """One thing a conversion dropped or changed.

    `layer` is ``actors``, ``quotes``, ``targets``, ``stances`` or ``document``
    (metadata, a whole layer); `item` the id of the dropped item or ``*`` for a
    whole layer; `field` the part of the item concerned (empty when the whole
    item was dropped).
    """

    document: str
    layer: str
    item: str
    field: str
    message: str
    dropped: bool = True  # False for a note that loses nothing (the item is kept elsewhere)

    def __str__(self) -> str:
        where = f"{self.layer}[{self.item}]" + (f".{self.field}" if self.field else "")
        return f"{self.document}: {where}: {self.message}"


@dataclass
class ConversionReport:
    """Counts and warnings of one conversion, printed by ``whosaidwhat convert``."""

    source: str
    target: str
    documents: int = 0
    warnings: list[ConversionWarning] = field(default_factory=list)

    def warn(self, document: str, layer: str, item: str, field: str, message: str) -> None:
        self.warnings.append(ConversionWarning(document, layer, item, field, message))

    def note(self, document: str, layer: str, item: str, field: str, message: str) -> None:
        """A warning about a limitation that loses nothing (the item is held in another place)."""
        self.warnings.append(ConversionWarning(document, layer, item, field, message, dropped=False))

    def dropped_items(self, document: str, layer: str) -> set[str]:
        """Ids of the items of `layer` that a warning says were dropped or changed."""
        return {w.item for w in self.warnings if w.document == document and w.layer == layer and w.dropped}

    def keep(self, documents: list[Document], problems: list[Problem], make: Callable[[], Document]) -> None:
        """Add the document `make` builds and count it, or collect its problems.

        Readers call this per record and `documents_or_problems` at the end, so
        that one run reports every bad record, not only the first.
        """
        try:
            documents.append(make())
        except CorpusError as exc:
            problems.extend(exc.problems)
            return
        self.documents += 1

    def summary(self, out: str) -> str:
        return (
            f"converted {self.documents} document(s) from {self.source} to {self.target} into {out}; "
            f"{len(self.warnings)} warning(s)"
        )


@dataclass(frozen=True, slots=True)
class Where:
    """The place of one input document, for problems: file, line (if the format has lines), document id."""

    file: str
    line: int | None = None
    document: str | None = None

    def problem(self, field: str, message: str) -> Problem:
        return Problem(self.file, self.line, self.document, field, message)

    def error(self, field: str, message: str) -> CorpusError:
        return CorpusError([self.problem(field, message)])

    def at(self, *, line: int | None = None, document: str | None = None) -> "Where":
        return Where(self.file, line if line is not None else self.line, document if document is not None else self.document)


def documents_or_problems(documents: list[Document], problems: list[Problem]) -> list[Document]:
    """The documents a reader built, or every problem it collected as one `CorpusError`."""
    if problems:
        raise CorpusError(problems)
    return documents
