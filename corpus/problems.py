"""Problems found in corpus files, reported as ``file:line: document-id: field: message``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one place of one file.

    `line` is the 1-based line of the JSON Lines file (None for whole-file
    problems); `document` the document id when it could be read; `field` a
    JSON path inside the document such as ``quotes[3].speaker``.
    """

    file: str
    line: int | None
    document: str | None
    field: str
    message: str

    def __str__(self) -> str:
        line = "" if self.line is None else str(self.line)
        document = self.document if self.document is not None else "-"
        return f"{self.file}:{line}: {document}: {self.field}: {self.message}"


class CorpusError(Exception):
    """Raised when input cannot be used; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
