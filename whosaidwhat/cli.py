"""The `whosaidwhat` command line: one program, one subcommand per job.

Each package contributes its subcommands through a `register(subparsers)`
function in its `commands` module; a subcommand's handler takes the parsed
arguments and returns the exit status.  Errors about the user's input are
`CorpusError` (problems with file, line, document and field) or `UsageError`
(a plain message): both are printed without a traceback and exit with 1 or 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from typing import Sequence

from . import __version__

# Modules that define subcommands, in the order their commands are listed.
COMMAND_MODULES: tuple[str, ...] = (
    "whosaidwhat.corpus.commands",      # validate, stats
    "whosaidwhat.corpus.texts",         # import-texts
    "whosaidwhat.annotate.anchor",      # anchor
    "whosaidwhat.annotate.commands",    # extract, benchmark
    "whosaidwhat.eval.commands",        # score, compare
    "whosaidwhat.eval.agreement",       # agree
    "whosaidwhat.annotate.adjudicate",  # adjudicate
    "whosaidwhat.annotate.formats.commands",  # convert
    "whosaidwhat.corpus.hf",            # publish, load-hf
)


class UsageError(Exception):
    """A request that cannot be carried out as given (bad option combination, missing file...)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="whosaidwhat",
        description="Who said what, and where do they stand? Corpus, annotation and scoring "
        "tools for actors, quotes and stances in news text.",
    )
    parser.add_argument("--version", action="version", version=f"whosaidwhat {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from .corpus.problems import CorpusError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except CorpusError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"whosaidwhat {args.command}: {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"whosaidwhat {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"whosaidwhat {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `whosaidwhat stats ... | head` closes the pipe early; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - last line of defence: a message, not a traceback
        if os.environ.get("WHOSAIDWHAT_DEBUG"):
            traceback.print_exc()
        print(
            f"whosaidwhat {args.command}: internal error: {type(exc).__name__}: {exc} "
            "(set WHOSAIDWHAT_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
