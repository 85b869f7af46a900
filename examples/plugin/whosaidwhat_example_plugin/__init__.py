"""An extractor as a Python class, registered under the entry-point group whosaidwhat.extractors.

Install it next to whosaidwhat (``pip install -e examples/plugin``) and it is available by
name: ``whosaidwhat extract --extractor quoted-sentences IN OUT`` and
``whosaidwhat benchmark --extractor quoted-sentences``.

The protocol: a ``name`` and ``extract(documents)`` that takes an iterable of bare
`Document`s (id, text, meta) and yields them annotated, same ids, same order.  Constructor
keyword arguments that the command line offers (``model``, ``batch_size``, ``n_process``)
are passed only if the constructor accepts them.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from whosaidwhat.corpus.model import Document, Quote, Span

QUOTED = re.compile(r"[“\"]([^”\"\n]+)[”\"]")


class QuotedSentencesExtractor:
    """Every quoted passage of three words or more is an unattributed direct quote."""

    name = "quoted-sentences"

    def __init__(self, min_words: int = 3):
        self.min_words = min_words

    def extract(self, documents: Iterable[Document]) -> Iterator[Document]:
        for document in documents:
            text = document.text or ""
            out = Document(id=document.id, text=document.text, meta=dict(document.meta))
            for match in QUOTED.finditer(text):
                start, end = match.span(1)
                while end > start and text[end - 1] in ",.;: ":
                    end -= 1
                if len(text[start:end].split()) >= self.min_words:
                    out.quotes.append(Quote(f"q{len(out.quotes) + 1}", [Span.of(text, start, end)], "direct"))
            yield out
