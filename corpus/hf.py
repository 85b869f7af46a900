"""`whosaidwhat publish` and `whosaidwhat load-hf`: the corpus as a Hugging Face dataset and back.

`publish` validates a corpus, splits it, and writes a folder that
`datasets.load_dataset(folder)` loads with its declared features — Parquet per
split under ``data/`` and a dataset card README.md — then optionally uploads it
to the Hub.  Dataset loading scripts are not supported by `datasets` ≥ 4, so
the folder holds data files and a card only.

The folder is built in a temporary sibling directory, checked (the card parsed
with the Hub's and datasets' own parsers, the data loaded back and compared
document by document with the input), and only then renamed into place: a
failed publish never leaves a half-built folder, and a failed upload leaves the
finished folder as it is.

`datasets` and `huggingface_hub` are imported inside the handlers: every
`whosaidwhat` command registers its parser at start-up, and the other commands
should not pay for importing them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whosaidwhat.cli import UsageError

from . import CORPUS_DIR, GOLD_PATH
from .jsonl import expand_paths, write_documents
from .model import Document
from .parse import parse_document
from .problems import CorpusError, Problem
from .validate import check_document, validate_files

if TYPE_CHECKING:
    from datasets import DatasetDict

DEFAULT_PRETTY_NAME = "whosaidwhat: actors, quotes and stances in news text"
TOKEN_VARIABLE = "HF_TOKEN"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "publish",
        help="write the corpus as a Hugging Face dataset folder (Parquet + dataset card), optionally push it",
        description="Validate CORPUS, split it (by meta.split when every document has one, else a seeded "
        "document-level split), and write OUTDIR: data/{split}-00000-of-00001.parquet with explicit features, "
        "a dataset card README.md (checked offline) and LICENSE.md. datasets.load_dataset(OUTDIR) loads it. "
        f"With --push, upload OUTDIR to the Hub with the token in ${TOKEN_VARIABLE}.",
    )
    p.add_argument("corpus", nargs="+", metavar="CORPUS", help="corpus JSON Lines file(s), or directories of *.jsonl files")
    p.add_argument("outdir", metavar="OUTDIR", help="the dataset folder to write (must be absent or empty, unless --overwrite)")
    p.add_argument("--overwrite", action="store_true", help="replace OUTDIR if it exists and is not empty")
    p.add_argument("--jsonl", action="store_true", help="also write jsonl/{split}.jsonl in the whosaidwhat format")
    p.add_argument("--split-by", choices=("auto", "meta", "seed"), default="auto",
                   help="meta: use meta.split (every document must have one); seed: seeded document-level split; "
                   "auto (default): meta when every document has a split, else seed")
    p.add_argument("--split-ratios", default="train=0.8,validation=0.1,test=0.1", metavar="NAME=R,...",
                   help="ratios of the seeded split (default: %(default)s; bare numbers mean train,validation,test)")
    p.add_argument("--seed", type=int, default=None, help="seed of the seeded split (default: 13)")
    p.add_argument("--agreement", metavar="FILE.json",
                   help="agreement report of `whosaidwhat agree --format json`, shown in the card (default for the shipped "
                   "gold corpus: corpus/passes/agreement-pooled.json, the agreement of all double-annotated documents "
                   "before adjudication)")
    p.add_argument("--guidelines", metavar="FILE", help="annotation guidelines to include and link (default: ./guidelines.md if it exists)")
    p.add_argument("--pretty-name", default=DEFAULT_PRETTY_NAME, help="the dataset's display name (default: %(default)s)")
    p.add_argument("--language", action="append", default=[], metavar="CODE",
                   help="language code(s) for the card when no document has meta.language")
    p.add_argument("--annotations-creators", default="expert-generated",
                   help="who made the annotation, in the Hub's vocabulary (default: %(default)s)")
    p.add_argument("--annotation-license", metavar="LICENCE", help="licence of the annotation layers, stated in the card (e.g. cc-by-4.0)")
    p.add_argument("--author", action="append", default=[], metavar="NAME", help="author for the citation (repeatable)")
    p.add_argument("--repo-id", metavar="ORG/NAME", help="the Hub dataset repository (named in the card; required by --push)")
    p.add_argument("--push", action="store_true", help=f"upload OUTDIR to --repo-id with the token in ${TOKEN_VARIABLE}")
    p.add_argument("--private", action="store_true", help="create the Hub repository as private (with --push)")
    p.set_defaults(run=run_publish)

    p = subparsers.add_parser(
        "load-hf",
        help="convert a published dataset (folder or Hub repository) back to whosaidwhat JSON Lines",
        description="Load PATH_OR_REPO with datasets.load_dataset (a local folder written by `publish`, or "
        "ORG/NAME on the Hub) and write its documents as whosaidwhat JSON Lines, splits in order "
        "(train, validation, test, then others) and documents in their order within each split. "
        "The documents are validated before anything is written.",
    )
    p.add_argument("source", metavar="PATH_OR_REPO", help="dataset folder, or Hub dataset id ORG/NAME")
    p.add_argument("out", metavar="OUT.jsonl", help="the JSON Lines file to write")
    p.add_argument("--split", action="append", default=[], metavar="NAME", help="only this split (repeatable; default: all)")
    p.add_argument("--revision", help="Hub revision (branch, tag or commit) to load")
    p.add_argument("--cache-dir", help="datasets cache for Hub downloads (default: the datasets cache)")
    p.set_defaults(run=run_load_hf)


# ---------------------------------------------------------------------------
# Library functions


@dataclass
class PublishSettings:
    """What `publish_folder` needs besides the documents."""

    split_by: str = "auto"
    split_ratios: dict[str, float] | None = None
    seed: int | None = None
    jsonl: bool = False
    agreement_file: Path | None = None
    guidelines_file: Path | None = None
    pretty_name: str = DEFAULT_PRETTY_NAME
    languages: list[str] = field(default_factory=list)
    annotations_creators: str = "expert-generated"
    annotation_license: str | None = None
    authors: list[str] = field(default_factory=list)
    repo_id: str | None = None
    overwrite: bool = False


@dataclass
class PublishResult:
    outdir: Path
    split_sizes: dict[str, int]
    split_method: str
    files: list[str]


def _quiet_datasets() -> None:
    import datasets

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()


def check_outdir(outdir: Path, inputs: list[Path], *, overwrite: bool) -> None:
    """Refuse an OUTDIR that would destroy something: a file, a non-empty folder without --overwrite, the input."""
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"{outdir} exists and is not a directory")
    if outdir.is_dir() and any(outdir.iterdir()) and not overwrite:
        raise UsageError(f"{outdir} exists and is not empty (use --overwrite to replace it)")
    resolved = outdir.resolve()
    for path in inputs:
        if resolved == path.resolve() or resolved in path.resolve().parents:
            raise UsageError(f"{outdir} contains the input {path}; choose another output folder")
    if resolved in Path.cwd().resolve().parents or resolved == Path.cwd().resolve():
        raise UsageError(f"{outdir} is the current directory or one of its parents; choose another output folder")


def read_agreement(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read the agreement report {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"the agreement report {path} is not JSON ({exc}); write it with `whosaidwhat agree --format json`") from None


def build_dataset_dict(splits: dict[str, list[Document]]) -> "DatasetDict":
    """A `DatasetDict` with one row per document and the declared features."""
    from datasets import Dataset, DatasetDict

    from .hf_features import corpus_features, document_to_row

    features = corpus_features()
    return DatasetDict(
        {name: Dataset.from_list([document_to_row(d) for d in docs], features=features) for name, docs in splits.items()}
    )


def publish_folder(documents: list[Document], outdir: Path, settings: PublishSettings) -> PublishResult:
    """Write the dataset folder for `documents` at `outdir` atomically (see the module docstring)."""
    from .hf_card import (
        AGREEMENT_FILE, ANNOTATIONS_CREATORS, DATA_DIR, GUIDELINES_FILE, LICENSE_FILE, CardError, CardInputs,
        build_card, check_card, license_file,
    )
    from .hf_features import corpus_features
    from .hf_splits import DEFAULT_SEED, SplitError, plan_splits

    check_outdir(outdir, [], overwrite=settings.overwrite)
    if settings.annotations_creators not in ANNOTATIONS_CREATORS:
        raise UsageError(f"--annotations-creators must be one of {', '.join(ANNOTATIONS_CREATORS)}")
    try:
        plan = plan_splits(documents, split_by=settings.split_by, ratios=settings.split_ratios,
                           seed=DEFAULT_SEED if settings.seed is None else settings.seed)
    except SplitError as exc:
        raise UsageError(f"cannot split the corpus: {exc}") from None
    agreement = read_agreement(settings.agreement_file) if settings.agreement_file else None
    _quiet_datasets()

    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.publish-", dir=outdir.parent))
    try:
        dataset = build_dataset_dict(plan.splits)
        (staging / DATA_DIR).mkdir()
        split_num_bytes: dict[str, int] = {}
        for name, split in dataset.items():
            split.to_parquet(str(staging / DATA_DIR / f"{name}-00000-of-00001.parquet"))
            split_num_bytes[name] = split.data.nbytes
        if settings.jsonl:
            for name, docs in plan.splits.items():
                write_documents(staging / "jsonl" / f"{name}.jsonl", docs)
        if settings.guidelines_file:
            shutil.copyfile(settings.guidelines_file, staging / GUIDELINES_FILE)
        if settings.agreement_file:
            shutil.copyfile(settings.agreement_file, staging / AGREEMENT_FILE)
        download_size = sum(p.stat().st_size for p in (staging / DATA_DIR).iterdir())
        inputs = CardInputs(
            plan=plan,
            features=corpus_features(),
            split_num_bytes=split_num_bytes,
            download_size=download_size,
            pretty_name=settings.pretty_name,
            repo_id=settings.repo_id,
            annotations_creators=settings.annotations_creators,
            annotation_license=settings.annotation_license,
            authors=settings.authors or ["whosaidwhat contributors"],
            guidelines_included=settings.guidelines_file is not None,
            agreement=agreement,
            jsonl_included=settings.jsonl,
            languages=settings.languages,
        )
        (staging / LICENSE_FILE).write_text(license_file(documents, settings.annotation_license), encoding="utf-8")
        (staging / "README.md").write_text(build_card(inputs), encoding="utf-8")
        try:
            check_card(staging, features=corpus_features(), split_sizes=plan.sizes)
        except CardError as exc:
            raise UsageError(f"the generated dataset card is not valid: {exc}".replace(str(staging), str(outdir))) from None
        _verify_round_trip(staging, plan.splits)
        _move_into_place(staging, outdir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    files = sorted(p.relative_to(outdir).as_posix() for p in outdir.rglob("*") if p.is_file())
    return PublishResult(outdir, plan.sizes, plan.method, files)


def _verify_round_trip(folder: Path, splits: dict[str, list[Document]]) -> None:
    """Load the folder as a user would and insist every document comes back as it went in.

    A mismatch is a bug of this module, not of the input: it surfaces as an internal error.
    """
    loaded = load_hf_documents(str(folder))
    if list(loaded) != list(splits):
        raise RuntimeError(f"internal check failed: the folder loads with splits {list(loaded)}, expected {list(splits)}")
    for name, docs in splits.items():
        back = loaded[name]
        if len(back) != len(docs):
            raise RuntimeError(f"internal check failed: split {name} loads {len(back)} documents, expected {len(docs)}")
        for original, reloaded in zip(docs, back):
            if original.to_dict() != reloaded.to_dict():
                raise RuntimeError(f"internal check failed: document {original.id} does not survive the round trip")


def _move_into_place(staging: Path, outdir: Path) -> None:
    """Rename the finished folder to `outdir`, replacing an old one only once the new one is complete."""
    if not outdir.exists():
        os.rename(staging, outdir)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.old-", dir=outdir.parent))
    aside.rmdir()  # only its unique name is wanted: rename() needs the target free
    os.rename(outdir, aside)
    try:
        os.rename(staging, outdir)
    except BaseException:
        os.rename(aside, outdir)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def load_hf_documents(
    source: str, *, splits: list[str] | None = None, revision: str | None = None, cache_dir: str | None = None
) -> dict[str, list[Document]]:
    """The documents of a published dataset, per split, validated; raise UsageError/CorpusError otherwise."""
    from datasets import DatasetDict, load_dataset

    from .hf_card import CardError, check_card
    from .hf_features import REQUIRED_COLUMNS, LabelDecoder, row_to_record

    _quiet_datasets()
    local = Path(source)
    if local.is_dir():
        if (local / "README.md").is_file():
            try:
                check_card(local)
            except CardError as exc:
                raise UsageError(str(exc)) from None
    elif not _is_repo_id(source):
        raise UsageError(f"{source} is neither a folder nor a Hub dataset id (ORG/NAME)")

    temporary_cache = tempfile.TemporaryDirectory(prefix="whosaidwhat-hf-") if local.is_dir() and not cache_dir else None
    try:
        try:
            # A local folder is read through a throwaway cache: it is converted once,
            # and the user's datasets cache should not fill up with copies of it.
            loaded = load_dataset(
                source, revision=revision, cache_dir=temporary_cache.name if temporary_cache else cache_dir
            )
        except Exception as exc:  # load_dataset raises many types (missing files, offline, not found, bad data)
            message = " ".join(str(exc).split()) or type(exc).__name__
            raise UsageError(f"cannot load {source}: {message}") from None
        if not isinstance(loaded, DatasetDict):
            raise UsageError(f"cannot load {source}: expected splits, got {type(loaded).__name__}")
        wanted = splits or list(loaded)
        unknown = [s for s in wanted if s not in loaded]
        if unknown:
            raise UsageError(f"{source} has no split {', '.join(unknown)} (it has {', '.join(loaded)})")
        from .hf_splits import order_splits

        out: dict[str, list[Document]] = {}
        problems: list[Problem] = []
        first_seen: dict[str, str] = {}
        for name in (order_splits(wanted) if not splits else wanted):
            dataset = loaded[name]
            missing = [c for c in REQUIRED_COLUMNS if c not in dataset.column_names]
            if missing:
                raise UsageError(f"{source} is not a whosaidwhat dataset: split {name} lacks {', '.join(missing)}")
            try:
                labels = LabelDecoder(dataset.features)
            except (KeyError, ValueError) as exc:
                raise UsageError(f"{source} is not a whosaidwhat dataset: unexpected features ({exc})") from None
            where = f"{source}[{name}]"
            documents: list[Document] = []
            for row_number, row in enumerate(dataset, start=1):
                try:
                    record = row_to_record(row, labels)
                except (KeyError, TypeError, ValueError) as exc:
                    problems.append(Problem(where, row_number, row.get("id"), "row", f"cannot be read: {exc}"))
                    continue
                document, found = parse_document(record)
                if document is not None:
                    found = found + check_document(document)
                doc_id = document.id if document else record.get("id")
                problems.extend(Problem(where, row_number, doc_id, path, msg) for path, msg in found)
                if document is None:
                    continue
                if document.id in first_seen:
                    problems.append(Problem(where, row_number, document.id, "id", f"duplicate document id (first in {first_seen[document.id]})"))
                first_seen.setdefault(document.id, where)
                documents.append(document)
            out[name] = documents
        if problems:
            raise CorpusError(problems)
        return out
    finally:
        if temporary_cache is not None:
            temporary_cache.cleanup()


def _is_repo_id(text: str) -> bool:
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    try:
        validate_repo_id(text)
    except HFValidationError:
        return False
    return True


class PushError(Exception):
    """The upload to the Hub did not happen; the message says why."""


def push_folder(folder: Path, repo_id: str, *, private: bool, token: str) -> str:
    """Create the dataset repository if needed and upload `folder`; return the commit URL."""
    from huggingface_hub import HfApi

    api = HfApi(token=token)
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        commit = api.upload_folder(
            repo_id=repo_id,
            repo_type="dataset",
            folder_path=str(folder),
            commit_message="Publish with whosaidwhat",
            # Splits that no longer exist must not linger next to the new files.
            delete_patterns=["data/*.parquet", "jsonl/*.jsonl"],
        )
    except Exception as exc:  # network, HTTP and offline-mode errors come from several libraries
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise PushError(f"{type(exc).__name__}: {message}") from None
    return str(getattr(commit, "commit_url", commit))


def _push_preconditions(args: argparse.Namespace) -> str | None:
    """Check --push/--repo-id/--private and the token before anything is written; return the token."""
    if args.private and not args.push:
        raise UsageError("--private only applies with --push")
    if args.repo_id and not _is_repo_id(args.repo_id):
        raise UsageError(f"--repo-id {args.repo_id!r} is not a valid Hub id (ORG/NAME)")
    if not args.push:
        return None
    if not args.repo_id:
        raise UsageError("--push needs --repo-id ORG/NAME")
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise UsageError(f"--push needs a Hugging Face token in ${TOKEN_VARIABLE} (a write token from "
                         "https://huggingface.co/settings/tokens); nothing was written")
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        raise UsageError("--push is impossible in offline mode (HF_HUB_OFFLINE is set); nothing was written")
    return token


# ---------------------------------------------------------------------------
# Command handlers


POOLED_AGREEMENT_PATH = CORPUS_DIR / "passes" / "agreement-pooled.json"


def _is_shipped_gold(files: list[Path]) -> bool:
    return len(files) == 1 and files[0].resolve() == GOLD_PATH.resolve()


def run_publish(args: argparse.Namespace) -> int:
    token = _push_preconditions(args)
    outdir = Path(args.outdir)
    files = expand_paths(args.corpus)
    check_outdir(outdir, files, overwrite=args.overwrite)

    from .hf_splits import SplitError, parse_ratios

    try:
        ratios = parse_ratios(args.split_ratios)
    except SplitError as exc:
        raise UsageError(f"--split-ratios: {exc}") from None
    guidelines = Path(args.guidelines) if args.guidelines else Path("guidelines.md")
    if args.guidelines and not guidelines.is_file():
        raise UsageError(f"--guidelines {guidelines}: no such file")
    if args.agreement and not Path(args.agreement).is_file():
        raise UsageError(f"--agreement {args.agreement}: no such file")
    if not args.agreement and _is_shipped_gold(files) and POOLED_AGREEMENT_PATH.is_file():
        args.agreement = str(POOLED_AGREEMENT_PATH)  # the shipped corpus's own agreement before adjudication

    report = validate_files(files)
    if report.problems:
        raise CorpusError(report.problems)
    if not report.documents:
        raise UsageError("the corpus has no documents")

    settings = PublishSettings(
        split_by=args.split_by,
        split_ratios=ratios,
        seed=args.seed,
        jsonl=args.jsonl,
        agreement_file=Path(args.agreement) if args.agreement else None,
        guidelines_file=guidelines if guidelines.is_file() else None,
        pretty_name=args.pretty_name,
        languages=args.language,
        annotations_creators=args.annotations_creators,
        annotation_license=args.annotation_license,
        authors=args.author,
        repo_id=args.repo_id,
        overwrite=args.overwrite,
    )
    if settings.split_by == "auto":
        with_split = sum(1 for d in report.documents if d.meta.get("split"))
        if 0 < with_split < len(report.documents):
            print(f"whosaidwhat publish: warning: only {with_split} of {len(report.documents)} documents have "
                  "meta.split; using a seeded split instead (--split-by meta to insist on meta.split)", file=sys.stderr)
    if settings.guidelines_file is None:
        print("whosaidwhat publish: warning: no guidelines.md found; the card will say the guidelines are not "
              "included (use --guidelines FILE)", file=sys.stderr)
    unlicensed = [d.id for d in report.documents if not isinstance(d.meta.get("license"), str)]
    if unlicensed:
        print(f"whosaidwhat publish: warning: {len(unlicensed)} document(s) have no meta.license; the card "
              "marks their terms as unknown", file=sys.stderr)

    result = publish_folder(report.documents, outdir, settings)
    sizes = ", ".join(f"{name} {size}" for name, size in result.split_sizes.items())
    how = "from meta.split" if result.split_method == "meta" else "seeded document-level split"
    print(f"wrote {outdir}: {sum(result.split_sizes.values())} document(s) ({sizes}; {how}), {len(result.files)} file(s)")

    if token is not None:
        try:
            url = push_folder(outdir, args.repo_id, private=args.private, token=token)
        except PushError as exc:
            print(f"whosaidwhat publish: error: the upload to {args.repo_id} failed: {exc}", file=sys.stderr)
            print(f"whosaidwhat publish: {outdir} is complete; push it again when the Hub is reachable", file=sys.stderr)
            return 1
        print(f"pushed to https://huggingface.co/datasets/{args.repo_id} ({url})")
    return 0


def run_load_hf(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.is_dir():
        raise UsageError(f"{out} is a directory; give a file name such as corpus.jsonl")
    splits = load_hf_documents(args.source, splits=args.split or None, revision=args.revision, cache_dir=args.cache_dir)
    documents = [d for docs in splits.values() for d in docs]
    write_documents(out, documents)
    sizes = ", ".join(f"{name} {len(docs)}" for name, docs in splits.items())
    print(f"wrote {out}: {len(documents)} document(s) ({sizes})")
    return 0
