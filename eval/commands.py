"""Subcommands `score` and `compare`."""

from __future__ import annotations

import argparse
import sys

from .config import ScoreConfig
from .report import FORMATS


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument(
        "--match",
        default="cov0.5",
        metavar="CRITERION",
        help="quote match used for attribution, cue and type: exact, covT (character coverage >= T) or tokT "
        "(token overlap >= T); default cov0.5",
    )
    p.add_argument("--thresholds", default="0.3,0.5,0.8", metavar="T,T,...", help="character-coverage thresholds reported for quote detection (default 0.3,0.5,0.8)")
    p.add_argument("--token-thresholds", default="0.5", metavar="T,T,...", help="token-overlap thresholds reported for quote detection (default 0.5)")
    p.add_argument("--no-trim", action="store_true", help="compare spans as written, without trimming whitespace, quotation marks and boundary punctuation")
    p.add_argument("--alignment", choices=("optimal", "greedy"), default="optimal", help="one-to-one matching algorithm (default optimal)")
    p.add_argument("--bootstrap", type=int, default=1000, metavar="N", help="bootstrap resamples for confidence intervals and the paired test; 0 turns intervals off (default 1000)")
    p.add_argument("--seed", type=int, default=12345, help="random seed (default 12345)")
    p.add_argument("--ignore-extra", action="store_true", help="skip prediction documents that are not in the gold file instead of failing")
    p.add_argument("--out", metavar="FILE", help="write the report to FILE (atomically) instead of standard output")
    p.add_argument(
        "--workers", type=int, default=None, metavar="N",
        help="processes that score blocks of documents (default: 2 on two or more cores for gold files of 16 MB or more, "
        "else 1); the figures do not depend on it",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "score",
        help="precision, recall and F1 of predictions against gold, per layer",
        description="Score a prediction file against a gold file: actor mentions (four SemEval-2013 schemes), actor "
        "entities (CEAF-e), quotes (detection at exact and overlap thresholds, tokens, cue, attribution, type) and "
        "stances (triples, polarity). Matching is one-to-one; see eval/README.md for every definition. Gold documents "
        "missing from the predictions count as all missed (with a warning).",
    )
    p.add_argument("gold", metavar="GOLD", help="gold JSON Lines file")
    p.add_argument("pred", metavar="PRED", help="prediction JSON Lines file (text may be omitted)")
    _common(p)
    p.add_argument("--per-document", action="store_true", help="add one row per document")
    p.set_defaults(run=run_score)

    p = subparsers.add_parser(
        "compare",
        help="does system A beat system B? per-layer differences with p-values",
        description="Score two prediction files against the same gold file and report, for every figure, A, B, the "
        "difference with its bootstrap interval, a paired-bootstrap p-value and an approximate-randomisation p-value.",
    )
    p.add_argument("gold", metavar="GOLD")
    p.add_argument("a", metavar="A", help="predictions of system A")
    p.add_argument("b", metavar="B", help="predictions of system B")
    _common(p)
    p.add_argument("--trials", type=int, default=1000, metavar="N", help="approximate-randomisation trials (default 1000)")
    p.set_defaults(run=run_compare)


def _thresholds(text: str, option: str) -> tuple[float, ...]:
    from ..cli import UsageError

    try:
        values = tuple(float(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise UsageError(f"{option}: expected numbers separated by commas, got {text!r}") from None
    return values


def config_from_args(args: argparse.Namespace) -> ScoreConfig:
    from ..cli import UsageError

    try:
        return ScoreConfig(
            trim=not args.no_trim,
            coverage_thresholds=_thresholds(args.thresholds, "--thresholds"),
            token_thresholds=_thresholds(args.token_thresholds, "--token-thresholds"),
            match=args.match,
            alignment=args.alignment,
            bootstrap=args.bootstrap,
            seed=args.seed,
            per_document=getattr(args, "per_document", False),
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _workers(args: argparse.Namespace) -> int | None:
    from ..cli import UsageError

    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    return args.workers


def _emit(text: str, out: str | None) -> None:
    if out:
        from ..corpus.jsonl import atomic_write_text

        atomic_write_text(out, text)
    else:
        sys.stdout.write(text)


def run_score(args: argparse.Namespace) -> int:
    from .score import score_files

    config = config_from_args(args)
    report = score_files(args.gold, args.pred, config, ignore_extra=args.ignore_extra, workers=_workers(args))
    for warning in report.warnings:
        print(f"whosaidwhat score: warning: {warning}", file=sys.stderr)
    _emit(report.format(args.format), args.out)
    return 0


def run_compare(args: argparse.Namespace) -> int:
    from ..cli import UsageError
    from .compare import compare_files

    config = config_from_args(args)
    if args.trials < 1:
        raise UsageError("--trials must be at least 1")
    report = compare_files(
        args.gold, args.a, args.b, config, ignore_extra=args.ignore_extra, trials=args.trials, workers=_workers(args)
    )
    for warning in report.warnings:
        print(f"whosaidwhat compare: warning: {warning}", file=sys.stderr)
    _emit(report.format(args.format), args.out)
    return 0
