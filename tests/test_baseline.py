"""The spacy-rules baseline: quotation marks, actors, quotes and stances, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whosaidwhat.annotate.baseline import SpacyRulesExtractor
from whosaidwhat.annotate.lexicon import Lexicon, LexiconError
from whosaidwhat.annotate.nlp import segments
from whosaidwhat.annotate.rules_quotes import quoted_regions
from whosaidwhat.corpus.model import Document
from whosaidwhat.corpus.validate import check_document

SEED = Path("/work/shared/seed/europe-ukraine-trump-putin-call.txt")
DATA = Path(__file__).resolve().parents[1] / "annotate" / "data"


@pytest.fixture(scope="session")
def extractor() -> SpacyRulesExtractor:
    # The pipeline is cached per process (load_pipeline), so it is loaded once per session.
    return SpacyRulesExtractor()


def run(extractor: SpacyRulesExtractor, text: str, doc_id: str = "d") -> Document:
    (out,) = list(extractor.extract([Document(doc_id, text)]))
    assert out.id == doc_id and out.text == text
    assert check_document(out) == []
    return out


def actor_of(doc: Document, actor_id: str | None):
    return next(a for a in doc.actors if a.id == actor_id)


def quote_with(doc: Document, words: str):
    return next(q for q in doc.quotes if any(words in s.text for s in q.content))


# --------------------------------------------------------------------------- quotation marks


def contents(text: str) -> list[str]:
    return [text[r.content_start : r.content_end] for r in quoted_regions(text)]


def test_curly_and_straight_quotes_are_found_without_marks_and_separators():
    assert contents("“We will not accept it,” she said. He said \"no way.\"") == ["We will not accept it", "no way"]


def test_an_unbalanced_mark_neither_crashes_nor_swallows_the_text():
    text = "He said “this is unclosed and goes on.\n\nA new paragraph with “a real quote” here."
    assert contents(text) == ["a real quote"]
    assert contents("“ ” \" “") == []


def test_a_stray_opening_mark_is_dropped_for_the_next_one():
    assert contents("“ stray then “the real one” end") == ["the real one"]


def test_nested_single_quotes_stay_inside_the_quotation():
    assert contents("“He told me ‘never again’ twice,” she said.") == ["He told me ‘never again’ twice"]


def test_a_quote_running_over_paragraphs_ends_with_its_paragraph():
    text = "“First paragraph of the quote.\n\n“Second paragraph,” he said."
    assert contents(text) == ["First paragraph of the quote", "Second paragraph"]


def test_inch_marks_and_apostrophes_are_not_quotes():
    assert contents("A 6\" pipe and the workers' union met.") == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab “”\"\n.,", max_size=80))
def test_regions_lie_inside_the_text_and_never_overlap(text):
    regions = quoted_regions(text)
    for r in regions:
        assert 0 <= r.open < r.content_start < r.content_end <= r.close <= len(text)
    for a, b in zip(regions, regions[1:]):
        assert a.close <= b.open


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abc .\n", max_size=300), st.integers(min_value=5, max_value=60))
def test_segments_cover_the_text_exactly(text, limit):
    pieces = list(segments(text, limit))
    assert "".join(p for _, p in pieces) == text
    for offset, piece in pieces:
        assert text[offset : offset + len(piece)] == piece
        assert len(piece) <= limit or len(pieces) == 1 and len(text) <= limit


# --------------------------------------------------------------------------- the seed article


@pytest.fixture(scope="module")
def seed(extractor) -> Document:
    if not SEED.exists():
        pytest.skip("the seed article is not available")
    return run(extractor, SEED.read_text(encoding="utf-8"), "seed")


def test_split_quote_around_one_cue_is_one_quote_with_two_spans(seed):
    q = quote_with(seed, "any deal behind our backs will not work")
    assert q.type == "direct"
    assert [s.text for s in q.content] == [
        "It’s clear that any deal behind our backs will not work",
        "Any agreement will need also Ukraine and Europe being part of it",
    ]
    assert q.cue is not None and q.cue.text == "said"
    assert actor_of(seed, q.speaker).name == "Kaja Kallas"
    assert q.speaker_mention is not None and q.speaker_mention.text == "Kaja Kallas"


def test_a_speaking_pronoun_resolves_to_the_subject_it_continues(seed):
    q = quote_with(seed, "will require both sides")
    assert q.speaker_mention is not None and q.speaker_mention.text == "he"
    assert actor_of(seed, q.speaker).name == "Pete Hegseth"
    # The cue set off by commas reports both halves: words outside the marks make it mixed.
    assert q.type == "mixed" and [s.text for s in q.content][0] == "A negotiated peace"


def test_mixed_quote_when_the_complement_reaches_outside_the_marks(seed):
    q = quote_with(seed, "Any deal struck without Europe")
    assert q.type == "mixed"
    assert actor_of(seed, q.speaker).name == "Hanno Pevkur"


def test_indirect_speech_and_according_to(seed):
    q = quote_with(seed, "they shouldn’t be sidelined")
    assert q.type == "indirect" and q.cue.text == "insisted"
    assert [s.text for s in q.content] == ["they shouldn’t be sidelined"]  # the nested report is its own quote
    assert actor_of(seed, q.speaker).type == "GROUP"
    q = quote_with(seed, "got no advance warning")
    assert q.cue.text == "according to"
    assert q.speaker_mention.text == "one official"


def test_coordinated_and_participial_cues_share_the_subject(seed):
    for words in ("eventual NATO membership for Ukraine unrealistic", "the government in Kyiv would probably", "the notion that"):
        q = quote_with(seed, words)
        assert actor_of(seed, q.speaker).name == "Pete Hegseth", words


def test_actors_cluster_names_titles_possessives_and_aliases(seed):
    by_name = {a.name: a for a in seed.actors}
    trump = by_name["Donald Trump"]
    texts = [m.text for m in trump.mentions]
    assert "Donald Trump" in texts and texts.count("Trump") >= 2  # "Trump’s" without the ’s
    assert all(not t.endswith("’s") for t in texts)
    hegseth = by_name["Pete Hegseth"]
    assert hegseth.role and "Secretary" in hegseth.role
    assert {m.text for m in hegseth.mentions} >= {"Pete Hegseth", "Hegseth"}
    us = by_name["United States"]
    assert {m.text for m in us.mentions} >= {"US", "America"}
    assert hegseth.affiliation == us.id
    # "Defense" before "Secretary" is part of a title, not an organisation.
    assert "Defense" not in by_name
    # A city used as a place is not an actor.
    assert "Brussels" not in by_name and "Munich" not in by_name


def test_stance_polarity_from_content_cues(seed):
    kallas = next(a for a in seed.actors if a.name == "Kaja Kallas")
    stances = [s for s in seed.stances if s.holder == kallas.id]
    assert stances and stances[0].polarity == "oppose"
    target = next(t for t in seed.targets if t.id == stances[0].target)
    assert "deal" in target.label
    dismissed = quote_with(seed, "the notion that")
    assert any(dismissed.id in s.evidence.quotes and s.polarity == "oppose" for s in seed.stances)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "The council met on Monday. The budget passed without debate.",
        "He said “this never closes. And then more text follows for a while without any end",
        "” backwards “ marks ” everywhere “ and \" straight \" \" ones",
        "“Outer “inner” outer,” she said. “Another ‘single’ one,” he added.",
        "La ministre a déclaré : « Nous ne céderons pas », selon l'AFP. Der Minister sagte: „Wir geben nicht nach.“",
        "政府表示，“我们不会接受这个计划”。",
    ],
)
def test_bad_input_gives_valid_output(extractor, text):
    doc = run(extractor, text)
    if not text.strip():
        assert doc.actors == [] and doc.quotes == [] and doc.stances == []


def test_text_without_quotation_marks_has_no_direct_quotes(extractor):
    doc = run(extractor, "The council met on Monday. Rain fell in Paris. Prices rose again.")
    assert all(q.type != "direct" for q in doc.quotes)


def test_a_200000_character_document(extractor):
    paragraph = (
        "“We will keep working on it,” Maria Lopez said on Monday. Officials in Madrid warned that "
        "the plan would fail. She added that the talks must go on.\n\n"
    )
    text = (paragraph * (200_000 // len(paragraph) + 1))[:200_000]
    doc = run(extractor, text)
    # Parsed in segments, yet every paragraph's quote is found, with offsets into the whole text.
    direct = [q for q in doc.quotes if q.type == "direct"]
    assert len(direct) >= 200_000 // len(paragraph) - 2
    assert max(q.content[0].end for q in direct) > 150_000


def test_batches_give_the_same_annotation_as_one_by_one(extractor):
    texts = ["“Nothing was agreed,” Anna Berg said.", "", "Paul Smith told reporters that the deal was dead."]
    docs = [Document(f"d{i}", t) for i, t in enumerate(texts)]
    together = [d.to_dict() for d in SpacyRulesExtractor(batch_size=2).extract(docs)]
    alone = [next(iter(extractor.extract([d]))).to_dict() for d in docs]
    assert together == alone
    assert [d["id"] for d in together] == ["d0", "d1", "d2"]


# --------------------------------------------------------------------------- the lexicon is data


def test_the_cue_lexicon_is_a_data_file(tmp_path, extractor):
    text = "Anna Berg murmured that the plan was dead."
    assert run(extractor, text).quotes == []
    for name in ("roles.txt", "aliases.tsv", "polarity.tsv", "targets.tsv", "countries.txt"):
        (tmp_path / name).write_text((DATA / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "cues.tsv").write_text((DATA / "cues.tsv").read_text(encoding="utf-8") + "murmur\tclause\t-\n", encoding="utf-8")
    custom = SpacyRulesExtractor(lexicon=Lexicon.from_directory(tmp_path))
    (doc,) = list(custom.extract([Document("d", text)]))
    assert [(q.type, q.content[0].text, q.cue.text) for q in doc.quotes] == [("indirect", "the plan was dead", "murmured")]


def test_a_malformed_lexicon_names_file_and_line(tmp_path):
    for name in ("roles.txt", "aliases.tsv", "polarity.tsv", "targets.tsv", "countries.txt"):
        (tmp_path / name).write_text((DATA / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "cues.tsv").write_text("# comment\nsay\tclause\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"cues.tsv:2: expected 3"):
        Lexicon.from_directory(tmp_path)
