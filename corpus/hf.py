"""Work in progress: this module's subcommands are being written."""

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    return None
