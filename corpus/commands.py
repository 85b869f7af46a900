"""Subcommands about corpus files: `validate` and `stats`."""

from __future__ import annotations

import argparse
import json
import sys

from .jsonl import expand_paths
from .problems import CorpusError
from .stats import format_stats_table, stats_by_split
from .validate import validate_files


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "validate",
        help="check corpus files against the format (shape, offsets, ids, references)",
        description="Check JSON Lines corpus files: schema and enumerated values, offsets in range, "
        "span text equal to the document text it covers, unique ids, resolvable references, UTF-8. "
        "Every problem is printed as file:line: document-id: field: message; exit status 1 if any.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="JSON Lines files, or directories of *.jsonl files")
    p.add_argument("--prediction", action="store_true", help="the files are an extractor's predictions: text may be omitted")
    p.set_defaults(run=run_validate)

    p = subparsers.add_parser(
        "stats",
        help="count documents, actors, mentions, quotes, targets and stances",
        description="Print counts per layer, actor type, mention kind, quote type, target kind and polarity, "
        "per split (meta.split) and overall. The files are validated first.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="JSON Lines files, or directories of *.jsonl files")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run_stats)


def run_validate(args: argparse.Namespace) -> int:
    report = validate_files(args.files, prediction=args.prediction)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.problems:
        print(f"{len(report.problems)} problem(s) in {len(report.files)} file(s)", file=sys.stderr)
        return 1
    print(f"ok: {len(report.documents)} document(s) in {len(report.files)} file(s)")
    return 0


def run_stats(args: argparse.Namespace) -> int:
    report = validate_files(expand_paths(args.files))
    if report.problems:
        raise CorpusError(report.problems)
    by_split = stats_by_split(report.documents)
    if args.format == "json":
        print(json.dumps({k: v.to_dict() for k, v in by_split.items()}, indent=2))
    else:
        print(format_stats_table(by_split))
    return 0
