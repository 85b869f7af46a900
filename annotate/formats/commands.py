"""``whosaidwhat convert``: between our JSON Lines and the annotation tools' formats."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from whosaidwhat.corpus.jsonl import load_documents, write_documents
from whosaidwhat.corpus.model import Document
from whosaidwhat.corpus.problems import CorpusError, Problem

from . import brat, dna, doccano, labelstudio, spacy_docbin
from .report import ConversionReport

OURS = "whosaidwhat"
READERS: dict[str, str] = {
    OURS: "JSON Lines corpus file",
    "labelstudio": "Label Studio JSON export (a list of tasks)",
    "brat": "directory of .txt/.ann pairs (or one .ann file)",
    "doccano": "doccano relation JSONL",
    "spacy": "spaCy DocBin (.spacy)",
}
WRITERS: dict[str, str] = {
    OURS: "JSON Lines corpus file",
    "labelstudio": "Label Studio tasks JSON with predictions",
    "labelstudio-config": "Label Studio labeling config (XML); IN may be left out",
    "brat": "directory of .txt/.ann/.json files and annotation.conf",
    "doccano": "doccano relation JSONL",
    "spacy": "spaCy DocBin (.spacy)",
    "dna": "DNA event-list CSV (export only)",
}


def _usage_error(message: str) -> Exception:
    from whosaidwhat.cli import UsageError  # the CLI module imports this one lazily, never the reverse at import

    return UsageError(message)


def register(subparsers: argparse._SubParsersAction) -> None:
    formats = "\n".join(
        f"  {name:<19} " + "; ".join(f"{verb}: {table[name]}" for verb, table in (("from", READERS), ("to", WRITERS))
                                      if name in table)
        for name in WRITERS if name != OURS
    )
    p = subparsers.add_parser(
        "convert",
        help="convert between the corpus format and Label Studio, brat, doccano, spaCy and DNA",
        description="Convert annotation between whosaidwhat JSON Lines and another format; one side is always "
        "whosaidwhat (the default for the side not given). What the target format cannot hold is printed "
        "as a warning, never dropped silently.\n\nformats:\n" + formats,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--from", dest="source", choices=sorted(READERS), help="format of IN (default: whosaidwhat)")
    p.add_argument("--to", dest="target", choices=sorted(WRITERS), help="format of OUT (default: whosaidwhat)")
    p.add_argument("input", nargs="?", metavar="IN", help="input path (not needed for labelstudio-config)")
    p.add_argument("output", metavar="OUT", help="output path")
    p.add_argument("--mapping", metavar="MAPPING", help="brat only: 'default', 'attribution' (PARC/PolNeAR-style) "
                   "or a mapping JSON file (default: default)")
    p.add_argument("--model-version", metavar="NAME", help="labelstudio only: the predictions' model_version "
                   "(default: the documents' annotators)")
    p.set_defaults(run=run_convert)


def _read(fmt: str, path: str, report: ConversionReport, mapping: str | None) -> list[Document]:
    if fmt == OURS:
        documents = load_documents([path])
        report.documents = len(documents)
        return documents
    if fmt != "brat" and not Path(path).is_file():
        raise CorpusError([Problem(path, None, None, "file", "no such file")])
    readers: dict[str, Callable[[], list[Document]]] = {
        "labelstudio": lambda: labelstudio.read_tasks(path, report),
        "brat": lambda: brat.read_directory(path, report, brat.load_mapping(mapping)),
        "doccano": lambda: doccano.read_jsonl(path, report),
        "spacy": lambda: spacy_docbin.read_docbin(path, report),
    }
    documents = readers[fmt]()
    seen: set[str] = set()
    duplicates = [d.id for d in documents if d.id in seen or seen.add(d.id)]  # type: ignore[func-returns-value]
    if duplicates:
        raise CorpusError([Problem(path, None, d, "id", "two documents of the input have this id") for d in duplicates])
    return documents


def _write(fmt: str, path: str, documents: list[Document], report: ConversionReport, args: argparse.Namespace) -> None:
    if fmt == OURS:
        report.documents = write_documents(path, documents)
    elif fmt == "labelstudio":
        labelstudio.write_tasks(path, documents, report, model_version=args.model_version)
    elif fmt == "brat":
        brat.write_directory(path, documents, report, brat.load_mapping(args.mapping))
    elif fmt == "doccano":
        doccano.write_jsonl(path, documents, report)
    elif fmt == "spacy":
        spacy_docbin.write_docbin(path, documents, report)
    elif fmt == "dna":
        dna.write_csv(path, documents, report)


def run_convert(args: argparse.Namespace) -> int:
    source, target = args.source or OURS, args.target or OURS
    if args.source is None and args.target is None:
        raise _usage_error("say what to convert: --from FORMAT (into whosaidwhat) or --to FORMAT (from whosaidwhat)")
    if OURS not in (source, target) or source == target:
        raise _usage_error(f"one side must be whosaidwhat and the other not (got --from {source} --to {target}); "
                           "convert in two steps through whosaidwhat")
    if args.mapping is not None and "brat" not in (source, target):
        raise _usage_error("--mapping applies to brat only")
    if args.model_version is not None and target != "labelstudio":
        raise _usage_error("--model-version applies to --to labelstudio only")
    if target == "labelstudio-config":
        labelstudio.write_config(args.output)
        print(f"wrote the Label Studio labeling config to {args.output}")
        return 0
    if args.input is None:
        raise _usage_error("expected IN and OUT")
    inp, out = args.input, args.output
    report = ConversionReport(source, target)
    documents = _read(source, inp, report, args.mapping)
    report.documents = 0
    _write(target, out, documents, report, args)
    if source != OURS:
        report.documents = len(documents)
    for warning in report.warnings:
        print(f"{'warning' if warning.dropped else 'note'}: {warning}", file=sys.stderr)
    print(report.summary(out))
    return 0
