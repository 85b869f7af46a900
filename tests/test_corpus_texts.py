"""import-texts: raw articles become bare, valid corpus documents, text kept byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from whosaidwhat.corpus.problems import CorpusError
from whosaidwhat.corpus.texts import read_texts
from whosaidwhat.corpus.validate import check_document


def test_txt_file_is_read_byte_for_byte(tmp_path: Path) -> None:
    text = "Headline here\n\n“Quote,” she said.\r\nNo trailing newline"
    path = tmp_path / "story-1.txt"
    path.write_bytes(text.encode("utf-8"))
    [doc] = list(read_texts([path]))
    assert doc.id == "story-1" and doc.text == text and doc.meta["title"] == "Headline here"


def test_jsonl_records_keep_their_metadata_and_gain_a_licence_url(tmp_path: Path) -> None:
    path = tmp_path / "raw.jsonl"
    record = {"id": "wn-1", "title": "T", "date": "2019-01-01", "url": "https://x", "source": "Wikinews",
              "license": "CC BY 2.5", "attribution": "Wikinews contributors", "n_words": 3, "text": "One two three."}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [doc] = list(read_texts([path]))
    assert doc.meta == {"title": "T", "date": "2019-01-01", "url": "https://x", "source": "Wikinews",
                        "license": "CC BY 2.5", "attribution": "Wikinews contributors", "language": "en",
                        "license_url": "https://creativecommons.org/licenses/by/2.5/"}
    assert check_document(doc) == [] and doc.actors == []


def test_problems_name_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "raw.jsonl"
    path.write_bytes(b'{"id": "a", "text": "fine"}\n{"id": "b"}\n{"id": "a", "text": "again"}\nnot json\n')
    with pytest.raises(CorpusError) as info:
        list(read_texts([path]))
    messages = [str(p) for p in info.value.problems]
    assert f"{path}:2: b: text: missing or not a string" in messages
    assert any(m.startswith(f"{path}:4: -: line: malformed JSON") for m in messages)
    assert "-:: a: id: the same document id comes twice" in messages


def test_selecting_ids_and_missing_ids(tmp_path: Path) -> None:
    path = tmp_path / "raw.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n', encoding="utf-8")
    assert [d.id for d in read_texts([path], ids={"b"})] == ["b"]
    with pytest.raises(CorpusError, match="no such document"):
        list(read_texts([path], ids={"c"}))


def test_a_txt_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("café".encode("latin-1"))
    with pytest.raises(CorpusError, match="not valid UTF-8"):
        list(read_texts([path]))
