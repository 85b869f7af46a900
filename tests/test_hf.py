"""Publishing the corpus as a Hugging Face dataset and loading it back (issue #6), all offline."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from datasets import ClassLabel, Dataset, List, load_dataset
from hypothesis import given
from hypothesis import strategies as st

from whosaidwhat.cli import main
from whosaidwhat.corpus import GOLD_PATH, hf_card
from whosaidwhat.corpus.hf_card import CardError, check_card, hub_license_id, size_category
from whosaidwhat.corpus.hf_features import (
    META_FIELDS, LabelDecoder, corpus_features, document_to_row, join_meta, row_to_record, split_meta,
)
from whosaidwhat.corpus.hf_splits import allocate
from whosaidwhat.corpus.jsonl import load_documents, write_documents
from whosaidwhat.corpus.model import ACTOR_TYPES, MENTION_KINDS, POLARITIES, QUOTE_TYPES, TARGET_KINDS
from whosaidwhat.corpus.parse import parse_document
from whosaidwhat.corpus.stats import corpus_stats

WIKINEWS_URL = "https://en.wikinews.org/wiki/Minister_rejects_plan"


def span(text: str, needle: str, occurrence: int = 0) -> dict[str, Any]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return {"start": start, "end": start + len(needle), "text": needle}


def full_document(doc_id: str, split: str) -> dict[str, Any]:
    """Every layer and every optional field, set and unset; non-BMP characters shift UTF-16 offsets."""
    text = ("🇪🇺 “We will not accept it,” Anna Berg said, “not now.” She added that talks must go on. "
            "Officials said the summit was useful.")
    return {
        "id": doc_id,
        "schema_version": "1.0",
        "text": text,
        # Declared keys in declared order, then extra keys: a non-string declared-looking key
        # (license_url is not checked by the parser), a nested object, a list, a number, a null.
        "meta": {
            "title": f"Minister rejects plan ({doc_id})",
            "source": "English Wikinews",
            "date": "2019-03-01",
            "url": WIKINEWS_URL,
            "language": "en",
            "license": "CC BY 2.5",
            "attribution": f"Wikinews contributors, \"Minister rejects plan ({doc_id})\", {WIKINEWS_URL}",
            "split": split,
            "license_url": 25,
            "desk": {"name": "politics", "tags": ["eu", 3, None]},
            "n_words": 17,
            "note": None,
        },
        "annotators": ["a.berg", "b.chen"],
        "actors": [
            {"id": "a1", "name": "Anna Berg", "type": "PERSON", "role": "minister", "affiliation": "a2",
             "mentions": [{**span(text, "Anna Berg"), "kind": "name"}, {**span(text, "She"), "kind": "pronoun"}]},
            {"id": "a2", "name": "EU", "type": "STATE", "mentions": [span(text, "🇪🇺")]},  # a mention without kind
            {"id": "a3", "name": "officials", "type": "GROUP", "mentions": [{**span(text, "Officials"), "kind": "nominal"}]},
            {"id": "a4", "name": "Nobody", "type": "ORGANIZATION", "mentions": []},
        ],
        "quotes": [
            {"id": "q1", "type": "direct",
             "content": [span(text, "We will not accept it"), span(text, "not now")],
             "cue": span(text, "said"), "speaker": "a1", "speaker_mention": span(text, "Anna Berg")},
            {"id": "q2", "type": "indirect", "content": [span(text, "talks must go on")],
             "cue": span(text, "added"), "speaker": "a1", "speaker_mention": span(text, "She")},
            {"id": "q3", "type": "mixed", "content": [span(text, "the summit was useful")],
             "cue": None, "speaker": None, "speaker_mention": None},
        ],
        "targets": [
            {"id": "t1", "label": "the plan", "kind": "proposal", "mentions": [span(text, "it")]},
            {"id": "t2", "label": "the EU", "kind": "actor", "actor": "a2", "mentions": []},
            {"id": "t3", "label": "the summit", "kind": "event", "mentions": [span(text, "the summit")]},
        ],
        "stances": [
            {"id": "s1", "holder": "a1", "target": "t1", "polarity": "oppose",
             "evidence": {"quotes": ["q1"], "spans": [span(text, "will not accept")]}},
            {"id": "s2", "holder": "a3", "target": "t3", "polarity": "support", "evidence": {"quotes": [], "spans": []}},
            {"id": "s3", "holder": "a1", "target": "t2", "polarity": "neutral", "evidence": {"quotes": ["q2"], "spans": []}},
        ],
    }


def empty_document(doc_id: str, split: str, **meta: Any) -> dict[str, Any]:
    """No annotation at all and almost no metadata."""
    return {"id": doc_id, "schema_version": "1.0", "text": "Nothing was said.", "meta": {**meta, "split": split},
            "annotators": [], "actors": [], "quotes": [], "targets": [], "stances": []}


def fixture_records() -> list[dict[str, Any]]:
    """Three splits, in split order, every layer, empty layers, a document without licence."""
    return [
        full_document("doc-1", "train"),
        empty_document("doc-2", "train", title="Seed article", source="Bloomberg", license="all rights reserved",
                       attribution="Bloomberg News"),
        full_document("doc-3", "train"),
        full_document("doc-4", "validation"),
        empty_document("doc-5", "test"),  # no licence recorded
        full_document("doc-6", "test"),
    ]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = write_jsonl(tmp_path / "corpus.jsonl", fixture_records())
    load_documents([path])  # the fixture itself must be valid
    return path


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One publish shared by the read-only tests: (corpus file, dataset folder)."""
    base = tmp_path_factory.mktemp("published")
    corpus = write_jsonl(base / "corpus.jsonl", fixture_records())
    guidelines = base / "guidelines.md"
    guidelines.write_text("# Guidelines\n", encoding="utf-8")
    agreement = base / "agree.json"
    agreement.write_text(json.dumps({"quotes": {"f1": 0.8125, "n": 12}, "stances": {"kappa": 0.61}}), encoding="utf-8")
    out = base / "dataset"
    code = main(["publish", str(corpus), str(out), "--jsonl", "--guidelines", str(guidelines),
                 "--agreement", str(agreement), "--repo-id", "someone/whosaidwhat-test", "--author", "A. Berg"])
    assert code == 0
    return corpus, out


def front_matter(folder: Path) -> dict[str, Any]:
    text = (folder / "README.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def canonical_bytes(records: list[dict[str, Any]], path: Path) -> bytes:
    """What our writer makes of these records: the reference for 'identical'."""
    docs = [parse_document(r)[0] for r in records]
    write_documents(path, docs)
    return path.read_bytes()


# --------------------------------------------------------------------------- features and rows


def test_features_nest_lists_of_records_with_class_labels() -> None:
    features = corpus_features()
    for layer in ("actors", "quotes", "targets", "stances"):
        assert isinstance(features[layer], List) and isinstance(features[layer].feature, dict), layer
    actor = features["actors"].feature
    assert isinstance(actor["mentions"], List) and isinstance(actor["mentions"].feature, dict)
    assert actor["type"].names == list(ACTOR_TYPES)
    assert actor["mentions"].feature["kind"].names == list(MENTION_KINDS)
    assert features["quotes"].feature["type"].names == list(QUOTE_TYPES)
    assert features["targets"].feature["kind"].names == list(TARGET_KINDS)
    assert features["stances"].feature["polarity"].names == list(POLARITIES)
    assert isinstance(features["quotes"].feature["content"], List)


def test_rows_encode_and_decode_every_field() -> None:
    records = [full_document("d1", "train"), empty_document("d2", "test")]
    docs = [parse_document(r)[0] for r in records]
    dataset = Dataset.from_list([document_to_row(d) for d in docs], features=corpus_features())
    row = dataset[0]
    assert row["actors"][0]["type"] == ACTOR_TYPES.index("PERSON")  # stored as a ClassLabel integer
    assert row["actors"][1]["mentions"][0]["kind"] is None  # a mention without kind is a null label
    assert row["quotes"][2]["cue"] is None and row["quotes"][2]["speaker"] is None
    assert row["meta"]["license_url"] is None and json.loads(row["meta_extra"])["license_url"] == 25
    assert dataset[1]["meta_extra"] is None and dataset[1]["actors"] == []
    labels = LabelDecoder(dataset.features)
    for doc, decoded in zip(docs, dataset):
        assert row_to_record(decoded, labels) == doc.to_dict()


def test_label_out_of_range_is_an_error() -> None:
    labels = LabelDecoder(corpus_features())
    with pytest.raises(ValueError, match="actor type label 9"):
        labels.name_of(labels.actor_type, 9, "actor type")


# --------------------------------------------------------------------------- publish and load back


def test_folder_loads_offline_with_declared_features(published: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = published
    assert sorted(p.name for p in (out / "data").iterdir()) == [
        "test-00000-of-00001.parquet", "train-00000-of-00001.parquet", "validation-00000-of-00001.parquet"]
    dataset = load_dataset(str(out), cache_dir=str(tmp_path / "cache"))
    assert list(dataset) == ["train", "validation", "test"]
    assert {name: split.num_rows for name, split in dataset.items()} == {"train": 3, "validation": 1, "test": 2}
    for split in dataset.values():
        assert split.features == corpus_features()
    polarity = dataset["train"].features["stances"].feature["polarity"]
    assert isinstance(polarity, ClassLabel)
    assert polarity.int2str(dataset["train"][0]["stances"][0]["polarity"]) == "oppose"


def test_load_hf_gives_back_the_corpus_byte_for_byte(published: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, out = published
    back = tmp_path / "back.jsonl"
    assert main(["load-hf", str(out), str(back)]) == 0
    # The fixture is in split order with metadata keys in declared order, so the
    # canonical serialisation of the input is the exact expected output.
    assert back.read_bytes() == canonical_bytes(fixture_records(), tmp_path / "expected.jsonl")
    assert [json.loads(line) for line in back.read_text().splitlines()] == [
        parse_document(r)[0].to_dict() for r in fixture_records()]


def test_load_hf_one_split(published: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = published
    back = tmp_path / "test.jsonl"
    assert main(["load-hf", str(out), str(back), "--split", "test"]) == 0
    assert [json.loads(line)["id"] for line in back.read_text().splitlines()] == ["doc-5", "doc-6"]
    assert main(["load-hf", str(out), str(back), "--split", "dev"]) == 2


def test_optional_jsonl_is_our_format_per_split(published: tuple[Path, Path]) -> None:
    _, out = published
    test_docs = load_documents([out / "jsonl" / "test.jsonl"])
    assert [d.id for d in test_docs] == ["doc-5", "doc-6"]


def test_metadata_order_is_not_needed_for_identity(tmp_path: Path) -> None:
    """Meta keys in another order come back as the same JSON value (key order is not data)."""
    record = full_document("x", "train")
    record["meta"] = dict(reversed(list(record["meta"].items())))
    corpus = write_jsonl(tmp_path / "c.jsonl", [record])
    assert main(["publish", str(corpus), str(tmp_path / "out")]) == 0
    assert main(["load-hf", str(tmp_path / "out"), str(tmp_path / "back.jsonl")]) == 0
    assert json.loads((tmp_path / "back.jsonl").read_text()) == parse_document(record)[0].to_dict()


# --------------------------------------------------------------------------- the card


def test_card_front_matter(published: tuple[Path, Path]) -> None:
    _, out = published
    meta = front_matter(out)
    # Texts under CC BY 2.5, "all rights reserved" and no licence: no single Hub licence is honest.
    assert meta["license"] == "other" and meta["license_name"] == "mixed-per-document"
    assert meta["license_link"] == "LICENSE.md" and (out / "LICENSE.md").is_file()
    assert meta["language"] == ["en"] and meta["pretty_name"]
    assert meta["size_categories"] == ["n<1K"]
    assert meta["task_categories"] == ["token-classification", "text-classification"]
    assert {"named-entity-recognition", "coreference-resolution"} <= set(meta["task_ids"])
    assert {"quotation-attribution", "stance-detection"} <= set(meta["tags"])
    for key in ("annotations_creators", "language_creators", "source_datasets"):
        assert meta[key]
    assert meta["configs"] == [{"config_name": "default", "data_files": [
        {"split": "train", "path": "data/train-*.parquet"},
        {"split": "validation", "path": "data/validation-*.parquet"},
        {"split": "test", "path": "data/test-*.parquet"}]}]
    splits = {s["name"]: s["num_examples"] for s in meta["dataset_info"]["splits"]}
    assert splits == {"train": 3, "validation": 1, "test": 2}


def test_card_parses_with_the_hub_and_datasets_parsers(published: tuple[Path, Path]) -> None:
    _, out = published
    checked = check_card(out, features=corpus_features(), split_sizes={"train": 3, "validation": 1, "test": 2})
    assert checked.features == corpus_features()
    assert checked.data_files["test"] == ["data/test-00000-of-00001.parquet"]


def test_card_body(published: tuple[Path, Path]) -> None:
    corpus, out = published
    body = (out / "README.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    for heading in ("## Loading", "## Dataset structure", "## Splits", "## Annotation scheme", "## Statistics",
                    "## Agreement", "## Source texts and licences", "## Citation"):
        assert heading in body
    assert "[guidelines.md](guidelines.md)" in body and (out / "guidelines.md").read_text() == "# Guidelines\n"
    assert "every document names its split in `meta.split`" in body
    # Statistics per split come from corpus.stats: the train column's quotes count.
    train = [d for d in load_documents([corpus]) if d.meta["split"] == "train"]
    assert corpus_stats(train).quotes == 6
    assert "| quotes | 6 | 3 | 3 | 12 |" in body and "| actor types: GROUP | 2 | 1 | 1 | 4 |" in body
    # Agreement figures from the report, and the report itself alongside.
    assert "`quotes.f1` | 0.812" in body and "`stances.kappa` | 0.610" in body
    assert json.loads((out / "agreement.json").read_text())["stances"]["kappa"] == 0.61
    # Every Wikinews article credited with title and URL, the licence linked, the change stated.
    assert "https://creativecommons.org/licenses/by/2.5/" in body and "Changes made:" in body
    for doc_id in ("doc-1", "doc-3", "doc-4", "doc-6"):
        assert f"Minister rejects plan ({doc_id})" in body
    assert WIKINEWS_URL in body
    assert "### No licence recorded (1 document)" in body and "`doc-5`" in body
    assert "@misc{" in body and "A. Berg" in body and "someone/whosaidwhat-test" in body


def test_card_without_agreement_says_so(corpus: Path, tmp_path: Path) -> None:
    assert main(["publish", str(corpus), str(tmp_path / "out")]) == 0
    body = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "No inter-annotator agreement figures are available" in body
    assert not (tmp_path / "out" / "agreement.json").exists()


def test_single_licence_is_claimed_when_every_text_has_it(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "c.jsonl", [full_document("a", "train"), full_document("b", "test")])
    assert main(["publish", str(corpus), str(tmp_path / "out")]) == 0
    meta = front_matter(tmp_path / "out")
    assert meta["license"] == "cc-by-2.5" and "license_name" not in meta


def test_hub_vocabularies() -> None:
    assert hub_license_id("CC BY 2.5") == "cc-by-2.5" and hub_license_id("CC0") == "cc0-1.0"
    assert hub_license_id("all rights reserved") is None
    assert [size_category(n) for n in (0, 999, 1000, 20_000)] == ["n<1K", "n<1K", "1K<n<10K", "10K<n<100K"]


@pytest.mark.parametrize(
    "corrupt, message",
    [
        (lambda text: text.replace("license: other", "license: [other", 1), "YAML front matter cannot be parsed"),
        (lambda text: text.replace("path: data/test-*.parquet", "path: data/tests-*.parquet"), "no file in the folder matches"),
        (lambda text: text.replace("num_examples: 2", "num_examples: 5"), "split sizes"),
        (lambda text: text.replace("'1': oppose", "'1': against"), "features"),
        (lambda text: text.replace("license_name: mixed-per-document\n", ""), "license_name"),
        (lambda text: text.replace("  - split: validation\n    path: data/validation-*.parquet\n", ""), "differ"),
    ],
)
def test_a_bad_card_is_a_clear_error(published: tuple[Path, Path], tmp_path: Path, corrupt: Any, message: str) -> None:
    _, out = published
    folder = tmp_path / "copy"
    folder.mkdir()
    for path in out.rglob("*"):
        if path.is_file():
            (folder / path.relative_to(out)).parent.mkdir(parents=True, exist_ok=True)
            (folder / path.relative_to(out)).write_bytes(path.read_bytes())
    readme = folder / "README.md"
    corrupted = corrupt(readme.read_text(encoding="utf-8"))
    assert corrupted != readme.read_text(encoding="utf-8")
    readme.write_text(corrupted, encoding="utf-8")
    with pytest.raises(CardError, match=message):
        check_card(folder, features=corpus_features(), split_sizes={"train": 3, "validation": 1, "test": 2})


def test_load_hf_refuses_a_folder_with_a_bad_card(published: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = published
    folder = tmp_path / "copy"
    (folder / "data").mkdir(parents=True)
    for path in (out / "data").iterdir():
        (folder / "data" / path.name).write_bytes(path.read_bytes())
    (folder / "README.md").write_text("---\nconfigs: [\n---\n", encoding="utf-8")
    assert main(["load-hf", str(folder), str(tmp_path / "x.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "README.md" in err and "cannot be parsed" in err and "Traceback" not in err
    assert not (tmp_path / "x.jsonl").exists()


def test_generated_card_failing_the_check_leaves_nothing(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    real = hf_card.build_card
    monkeypatch.setattr(hf_card, "build_card", lambda inputs: real(inputs).replace("configs:", "configs: [", 1))
    out = tmp_path / "out"
    assert main(["publish", str(corpus), str(out)]) == 2
    assert "generated dataset card is not valid" in capsys.readouterr().err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl"]  # no staging folder left behind


# --------------------------------------------------------------------------- splits


def unsplit_records(count: int) -> list[dict[str, Any]]:
    records = []
    for i in range(count):
        record = empty_document(f"doc-{i:02d}", "x", language="en", license="CC0")
        del record["meta"]["split"]
        records.append(record)
    return records


def published_split(folder: Path) -> dict[str, list[str]]:
    return {split["name"]: split["num_examples"] for split in front_matter(folder)["dataset_info"]["splits"]}


def test_seeded_split_is_document_level_reproducible_and_order_independent(tmp_path: Path) -> None:
    records = unsplit_records(20)
    first = write_jsonl(tmp_path / "a.jsonl", records)
    reversed_input = write_jsonl(tmp_path / "b.jsonl", list(reversed(records)))
    assignments = []
    for name, corpus, seed in (("one", first, "7"), ("two", reversed_input, "7"), ("three", first, "8")):
        assert main(["publish", str(corpus), str(tmp_path / name), "--seed", seed, "--jsonl"]) == 0
        assignments.append({split: sorted(d.id for d in load_documents([tmp_path / name / "jsonl" / f"{split}.jsonl"]))
                            for split in ("train", "validation", "test")})
    assert assignments[0] == assignments[1]  # the input order does not matter
    assert assignments[0] != assignments[2]  # the seed does
    assert {k: len(v) for k, v in assignments[0].items()} == {"train": 16, "validation": 2, "test": 2}
    body = (tmp_path / "one" / "README.md").read_text(encoding="utf-8")
    assert "random.Random(7)" in body and "train 80%, validation 10%, test 10%" in body


def test_custom_ratios_and_empty_splits_left_out(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "c.jsonl", unsplit_records(4))
    assert main(["publish", str(corpus), str(tmp_path / "out"), "--split-ratios", "train=3,test=1"]) == 0
    assert published_split(tmp_path / "out") == {"train": 3, "test": 1}
    assert main(["publish", str(corpus), str(tmp_path / "bad"), "--split-ratios", "train=x"]) == 2
    assert main(["publish", str(corpus), str(tmp_path / "bad"), "--split-ratios", "tr-ain=1"]) == 2
    assert not (tmp_path / "bad").exists()


def test_partial_meta_split(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = unsplit_records(6)
    records[0]["meta"]["split"] = "test"
    corpus = write_jsonl(tmp_path / "c.jsonl", records)
    assert main(["publish", str(corpus), str(tmp_path / "strict"), "--split-by", "meta"]) == 2
    assert "5 document(s) have no meta.split: doc-01" in capsys.readouterr().err
    assert main(["publish", str(corpus), str(tmp_path / "auto")]) == 0
    assert "only 1 of 6 documents have meta.split" in capsys.readouterr().err
    assert "1 of the 6 documents name a split" in (tmp_path / "auto" / "README.md").read_text(encoding="utf-8")


def test_meta_split_names_datasets_cannot_use_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = write_jsonl(tmp_path / "c.jsonl", [empty_document("a", "dev-1"), empty_document("b", "train")])
    assert main(["publish", str(corpus), str(tmp_path / "out")]) == 2
    assert "'dev-1'" in capsys.readouterr().err


# --------------------------------------------------------------------------- bad input


def test_invalid_corpus_is_refused_with_the_validator_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = fixture_records()
    records[3]["quotes"][0]["content"][0]["text"] = "We will not"
    corpus = write_jsonl(tmp_path / "bad.jsonl", records)
    assert main(["publish", str(corpus), str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"{corpus}:4: doc-4: quotes[0].content[0]: text 'We will not' does not match" in err
    assert not (tmp_path / "out").exists()


def test_non_empty_outdir_needs_overwrite(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["publish", str(corpus), str(out)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert (out / "keep.txt").read_text() == "mine" and len(list(out.iterdir())) == 1
    assert main(["publish", str(corpus), str(out), "--overwrite"]) == 0
    assert not (out / "keep.txt").exists() and (out / "README.md").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "out"]


def test_empty_outdir_is_used(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    assert main(["publish", str(corpus), str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "README.md").is_file()


def test_outdir_holding_the_corpus_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = write_jsonl(tmp_path / "c.jsonl", fixture_records())
    assert main(["publish", str(corpus), str(tmp_path), "--overwrite"]) == 2
    assert "contains the input" in capsys.readouterr().err
    assert corpus.is_file()


def test_load_hf_source_that_is_neither_folder_nor_repo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load-hf", str(tmp_path / "no such folder"), str(tmp_path / "x.jsonl")]) == 2
    assert "neither a folder nor a Hub dataset id" in capsys.readouterr().err


def test_load_hf_from_the_hub_offline_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.environ.get("HF_DATASETS_OFFLINE") != "1" or os.environ.get("HF_HUB_OFFLINE") != "1":
        pytest.skip("runs only offline (HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1), as the test suite does")
    code = main(["load-hf", "someone/no-such-dataset-xyz", str(tmp_path / "x.jsonl"), "--cache-dir", str(tmp_path / "cache")])
    assert code == 2
    err = capsys.readouterr().err
    assert "cannot load someone/no-such-dataset-xyz" in err and "Traceback" not in err


# --------------------------------------------------------------------------- push


def test_push_needs_repo_id_and_token(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    out = tmp_path / "out"
    assert main(["publish", str(corpus), str(out), "--push"]) == 2
    assert "--push needs --repo-id" in capsys.readouterr().err
    # An existing dataset folder stays exactly as it was.
    assert main(["publish", str(corpus), str(out)]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert main(["publish", str(corpus), str(out), "--overwrite", "--push", "--repo-id", "someone/x"]) == 2
    assert "HF_TOKEN" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert main(["publish", str(corpus), str(tmp_path / "o2"), "--private"]) == 2


def test_push_in_offline_mode_is_refused_before_writing(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from huggingface_hub import constants

    monkeypatch.setenv("HF_TOKEN", "hf_not_a_real_token")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert main(["publish", str(corpus), str(tmp_path / "out"), "--push", "--repo-id", "someone/x"]) == 2
    assert "offline mode" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def closed_port() -> int:
    """A localhost port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_push_without_network_fails_cleanly_and_keeps_the_folder(corpus: Path, tmp_path: Path) -> None:
    # huggingface_hub reads its endpoint and offline switch at import: a fresh process.
    env = {**os.environ, "HF_ENDPOINT": f"http://127.0.0.1:{closed_port()}", "HF_HUB_OFFLINE": "0",
           "HF_TOKEN": "hf_not_a_real_token", "HF_HOME": str(tmp_path / "hf-home"), "HF_HUB_DISABLE_TELEMETRY": "1"}
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "whosaidwhat", "publish", str(corpus), str(out), "--push", "--repo-id", "someone/x"],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert "the upload to someone/x failed" in result.stderr
    assert "Traceback" not in result.stderr
    assert f"{out} is complete" in result.stderr
    check_card(out, features=corpus_features(), split_sizes={"train": 3, "validation": 1, "test": 2})


# --------------------------------------------------------------------------- the shipped gold corpus


@pytest.mark.skipif(not GOLD_PATH.exists(), reason="corpus/gold.jsonl is not written yet")
def test_gold_corpus_round_trip(tmp_path: Path) -> None:
    out, back = tmp_path / "gold", tmp_path / "back.jsonl"
    assert main(["publish", str(GOLD_PATH), str(out)]) == 0
    assert main(["load-hf", str(out), str(back)]) == 0
    # The shipped corpus's card reports its own agreement before adjudication without being asked.
    pooled = json.loads((GOLD_PATH.parent / "passes" / "agreement-pooled.json").read_text(encoding="utf-8"))
    assert json.loads((out / "agreement.json").read_text(encoding="utf-8")) == pooled
    body = (out / "README.md").read_text(encoding="utf-8")
    assert "No inter-annotator agreement figures" not in body and "f1.quote attribution" in body
    original = {d.id: d.to_dict() for d in load_documents([GOLD_PATH])}
    returned = [d.to_dict() for d in load_documents([back])]
    assert {d["id"]: d for d in returned} == original and len(returned) == len(original)
    if not all(d["meta"].get("split") for d in original.values()):
        return  # a seeded split: documents are regrouped, the order per meta.split means nothing
    # Within each split the documents keep their corpus order.
    for split in {d["meta"].get("split") for d in original.values()}:
        assert [d["id"] for d in returned if d["meta"].get("split") == split] == [
            i for i, d in original.items() if d["meta"].get("split") == split]


# --------------------------------------------------------------------------- properties

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@given(st.dictionaries(st.sampled_from(META_FIELDS) | st.text(max_size=8), JSON_VALUES, max_size=8))
def test_any_metadata_survives_meta_and_meta_extra(meta: dict[str, Any]) -> None:
    struct, extra = split_meta(meta)
    assert set(struct) == set(META_FIELDS) and all(v is None or isinstance(v, str) for v in struct.values())
    assert join_meta(struct, extra) == meta


@given(st.integers(0, 500), st.dictionaries(st.sampled_from(["train", "validation", "test", "extra"]),
                                            st.floats(0.01, 10), min_size=1))
def test_allocation_adds_up_and_follows_the_ratios(count: int, weights: dict[str, float]) -> None:
    total = sum(weights.values())
    ratios = {name: w / total for name, w in weights.items()}
    sizes = allocate(count, ratios)
    assert sum(sizes.values()) == count
    assert all(abs(sizes[name] - count * ratio) < 1 for name, ratio in ratios.items())
