"""The dataset card (README.md) of a published corpus: YAML metadata, body, offline check.

The YAML front matter is produced with huggingface_hub's `DatasetCardData` and
with datasets' own writers for ``configs`` and ``dataset_info``, and the card is
checked by parsing it back with huggingface_hub's `DatasetCard` and datasets'
`MetadataConfigs` / `DatasetInfosDict` — the parsers the Hub and
`load_dataset` use — so that a card that would break loading is caught before
anything is published.
"""

from __future__ import annotations

import fnmatch
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from datasets import Features
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCard, DatasetCardData

from .hf_features import CLASS_LABELS, META_FIELDS
from .hf_splits import SplitPlan
from .model import Document
from .stats import CorpusStats, corpus_stats

CONFIG_NAME = "default"
DATA_DIR = "data"
LICENSE_FILE = "LICENSE.md"
GUIDELINES_FILE = "guidelines.md"
AGREEMENT_FILE = "agreement.json"
MIXED_LICENSE_NAME = "mixed-per-document"

ANNOTATIONS_CREATORS: tuple[str, ...] = (
    "crowdsourced", "expert-generated", "found", "machine-generated", "no-annotation", "other",
)
"""The Hub's vocabulary for ``annotations_creators``."""

TASK_CATEGORIES = ["token-classification", "text-classification"]
# Actor mentions are entity spans (NER) grouped into entities (coreference);
# stance polarity is a three-way classification of (holder, target) pairs.
TASK_IDS = ["named-entity-recognition", "coreference-resolution", "multi-class-classification"]
TAGS = [
    "quotation-attribution",
    "quote-extraction",
    "speaker-attribution",
    "stance-detection",
    "actor-extraction",
    "discourse-network-analysis",
    "news",
    "standoff-annotation",
]

HUB_LICENSES: dict[str, str] = {
    "cc-by-2.0": "https://creativecommons.org/licenses/by/2.0/",
    "cc-by-2.5": "https://creativecommons.org/licenses/by/2.5/",
    "cc-by-3.0": "https://creativecommons.org/licenses/by/3.0/",
    "cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa-3.0": "https://creativecommons.org/licenses/by-sa/3.0/",
    "cc-by-sa-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc-by-nc-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "cc-by-nc-sa-4.0": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "cc-by-nd-4.0": "https://creativecommons.org/licenses/by-nd/4.0/",
    "cc0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "mit": "https://opensource.org/license/mit",
    "apache-2.0": "https://www.apache.org/licenses/LICENSE-2.0",
}
"""Hub licence identifiers this tool recognises in ``meta.license``, with the licence text."""


class CardError(ValueError):
    """The dataset card cannot be parsed or does not describe the data files."""


def hub_license_id(name: str | None) -> str | None:
    """The Hub identifier for a licence as sources write it ("CC BY 2.5" → "cc-by-2.5"), if known."""
    if not name:
        return None
    slug = re.sub(r"[\s_]+", "-", name.strip().lower())
    slug = {"cc0": "cc0-1.0", "cc-zero": "cc0-1.0"}.get(slug, slug)
    return slug if slug in HUB_LICENSES else None


def size_category(count: int) -> str:
    """The Hub's ``size_categories`` bucket for `count` rows."""
    bounds = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
              (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B")]
    for bound, name in bounds:
        if count < bound:
            return name
    return "n>1B"


def md(text: Any) -> str:
    """Text safe inside Markdown prose and table cells."""
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", str(text)).replace("\n", " ")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)'’”]")


def md_with_links(text: str) -> str:
    """Like `md`, but URLs become autolinks (escaping them would break them)."""
    out, last = [], 0
    for match in URL.finditer(text):
        out.append(md(text[last : match.start()]))
        out.append(f"<{match.group(0)}>")
        last = match.end()
    out.append(md(text[last:]))
    return "".join(out)


def md_table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


@dataclass
class CardInputs:
    """Everything the card says that is not in the documents themselves."""

    plan: SplitPlan
    features: Features
    split_num_bytes: dict[str, int]
    download_size: int
    pretty_name: str
    repo_id: str | None = None
    annotations_creators: str = "expert-generated"
    annotation_license: str | None = None
    authors: list[str] = field(default_factory=lambda: ["whosaidwhat contributors"])
    year: int = field(default_factory=lambda: date.today().year)
    languages: list[str] = field(default_factory=list)  # used when no document has meta.language
    guidelines_included: bool = False
    agreement: Any = None  # the decoded `whosaidwhat agree --format json` output, if any
    jsonl_included: bool = False


# ---------------------------------------------------------------------------
# Licences


@dataclass
class LicenceGroup:
    """The documents that carry one licence, as `meta.license` spells it."""

    name: str | None
    url: str | None
    documents: list[Document] = field(default_factory=list)

    @property
    def hub_id(self) -> str | None:
        return hub_license_id(self.name)


def licence_groups(documents: list[Document]) -> list[LicenceGroup]:
    groups: dict[str | None, LicenceGroup] = {}
    for doc in documents:
        name = doc.meta.get("license") if isinstance(doc.meta.get("license"), str) else None
        group = groups.setdefault(name, LicenceGroup(name, None))
        url = doc.meta.get("license_url")
        if group.url is None and isinstance(url, str):
            group.url = url
        group.documents.append(doc)
    for group in groups.values():
        if group.url is None and group.hub_id:
            group.url = HUB_LICENSES[group.hub_id]
    # Most documents first; documents without a licence last, where the warning is.
    return sorted(groups.values(), key=lambda g: (g.name is None, -len(g.documents), g.name or ""))


def top_level_license(groups: list[LicenceGroup], annotation_license: str | None) -> dict[str, str]:
    """The card's ``license`` (plus ``license_name``/``license_link`` when it is ``other``).

    A single Hub licence is claimed only when every text carries it and the
    annotations are not declared under a different one; a corpus that mixes
    licences (or has texts without a recognised one) is ``other``, pointing to
    LICENSE.md, which lists the licence of every document.
    """
    ids = {g.hub_id for g in groups}
    annotation_id = hub_license_id(annotation_license) if annotation_license else None
    if len(ids) == 1 and None not in ids and (annotation_license is None or annotation_id in ids):
        return {"license": next(iter(ids))}
    return {"license": "other", "license_name": MIXED_LICENSE_NAME, "license_link": LICENSE_FILE}


def _attribution(doc: Document) -> str:
    """A credit line: title, author or source, URL and date, as far as the metadata records them."""

    def text(key: str) -> str | None:
        value = doc.meta.get(key)
        return value if isinstance(value, str) and value else None

    title, url, published, attribution = text("title"), text("url"), text("date"), text("attribution")
    credit = attribution or text("source")
    parts = []
    if title and not (attribution and title in attribution):
        parts.append(f"“{md(title)}”")
    if credit:
        parts.append(md_with_links(credit))
    if url and not (attribution and url in attribution):
        parts.append(f"<{url}>")
    line = ", ".join(parts) or "no title, source or URL recorded"
    if published:
        line += f" ({md(published)})"
    return f"- `{doc.id}`: {line}"


def _changes(group: LicenceGroup) -> str:
    recorded = {d.meta["changes"] for d in group.documents if isinstance(d.meta.get("changes"), str)}
    if len(recorded) == 1 and all(isinstance(d.meta.get("changes"), str) for d in group.documents):
        return f"Changes made: {md(next(iter(recorded)))}"
    note = " Where a document records its changes in `meta.changes`, that is what was done to it." if recorded else ""
    return ("Changes made: the texts were taken from their source as plain text (layout, links and images "
            "removed) and annotated with actors, quotes, targets and stances (standoff annotation: the text is "
            "otherwise kept character for character, as the offsets refer to it)." + note)


def licences_markdown(documents: list[Document], annotation_license: str | None) -> str:
    """The source texts, their licences and a credit line for each article."""
    groups = licence_groups(documents)
    out = [
        "Each row carries the licence of its text in `meta.license` (with `meta.license_url` and "
        "`meta.attribution` where the source gives them). "
        + ("The texts come under different licences, listed below with every article credited."
           if len(groups) > 1 else "Every article is credited below."),
        "",
    ]
    if annotation_license:
        url = HUB_LICENSES.get(hub_license_id(annotation_license) or "")
        link = f" (<{url}>)" if url else ""
        out.append(f"The annotations (actors, quotes, targets, stances) are released under {md(annotation_license)}{link}.")
    else:
        out.append("No separate licence has been declared for the annotation layers; ask the publisher before "
                   "reusing them apart from the texts.")
    out.append("")
    for group in groups:
        count = len(group.documents)
        if group.name is None:
            out.append(f"### No licence recorded ({_count(count, 'document')})")
            out.append("")
            out.append("**These documents have no `meta.license`: their terms of reuse are unknown.** "
                       "Check with the publisher before redistributing them.")
        else:
            out.append(f"### {md(group.name)} ({_count(count, 'document')})")
            out.append("")
            if group.url:
                out.append(f"Licence: [{md(group.name)}]({group.url}).")
            else:
                out.append(f"Licence: {md(group.name)} (as recorded in the documents' metadata).")
            if group.hub_id and group.hub_id.startswith("cc-by"):
                out.append("")
                out.append(_changes(group))
        out.append("")
        out.extend(_attribution(doc) for doc in group.documents)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------------------
# Statistics and agreement


def stats_markdown(plan: SplitPlan) -> str:
    """Counts per split and layer (from `corpus.stats`), as a Markdown table."""
    per_split: dict[str, CorpusStats] = {name: corpus_stats(docs) for name, docs in plan.splits.items()}
    per_split["all"] = corpus_stats(d for docs in plan.splits.values() for d in docs)
    dicts = {name: s.to_dict() for name, s in per_split.items()}
    rows: list[list[Any]] = []
    for key, value in dicts["all"].items():
        label = key.replace("_", " ")
        if isinstance(value, dict):
            for sub in value:
                rows.append([f"{label}: {md(sub)}"] + [d[key].get(sub, 0) for d in dicts.values()])
        else:
            rows.append([label] + [d[key] for d in dicts.values()])
    return md_table(["count"] + list(dicts), rows)


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for key, item in value.items():
            out.extend(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, (dict, list)) for v in value):
        return [pair for i, item in enumerate(value) for pair in _flatten(item, f"{prefix}[{i}]")]
    return [(prefix or "value", value)]


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:.3f}"
    if isinstance(value, list):
        return ", ".join(_format_value(v) for v in value)
    return "n/a" if value is None else md(value)


AGREEMENT_ROW_LIMIT = 200


def agreement_markdown(agreement: Any) -> str:
    if agreement is None:
        return ("No inter-annotator agreement figures are available for this release: the corpus was published "
                "without an agreement report (`whosaidwhat agree --format json`).\n")
    rows = _flatten(agreement)
    shown = rows[:AGREEMENT_ROW_LIMIT]
    text = [
        f"Inter-annotator agreement as computed by `whosaidwhat agree` (the full report is [{AGREEMENT_FILE}]({AGREEMENT_FILE})).",
        "",
        md_table(["measure", "value"], [[f"`{md(path)}`", _format_value(v)] for path, v in shown]),
    ]
    if len(rows) > len(shown):
        text += ["", f"({len(rows) - len(shown)} more figures in {AGREEMENT_FILE}.)"]
    return "\n".join(text) + "\n"


# ---------------------------------------------------------------------------
# The card


def data_files(splits: list[str]) -> list[dict[str, str]]:
    return [{"split": name, "path": f"{DATA_DIR}/{name}-*.parquet"} for name in splits]


def card_data(inputs: CardInputs) -> DatasetCardData:
    documents = [d for docs in inputs.plan.splits.values() for d in docs]
    languages = sorted({d.meta["language"] for d in documents if isinstance(d.meta.get("language"), str)})
    languages = languages or list(inputs.languages)
    data = DatasetCardData(
        pretty_name=inputs.pretty_name,
        language=languages or None,
        multilinguality="multilingual" if len(languages) > 1 else "monolingual",
        annotations_creators=[inputs.annotations_creators],
        language_creators=["found"],
        size_categories=[size_category(len(documents))],
        source_datasets=["original"],
        task_categories=TASK_CATEGORIES,
        task_ids=TASK_IDS,
        tags=TAGS,
        **top_level_license(licence_groups(documents), inputs.annotation_license),
    )
    MetadataConfigs({CONFIG_NAME: {"data_files": data_files(list(inputs.plan.splits))}}).to_dataset_card_data(data)
    splits = SplitDict()
    for name, docs in inputs.plan.splits.items():
        splits.add(SplitInfo(name=name, num_bytes=inputs.split_num_bytes.get(name, 0), num_examples=len(docs)))
    info = DatasetInfo(
        features=inputs.features,
        splits=splits,
        download_size=inputs.download_size,
        dataset_size=sum(inputs.split_num_bytes.values()),
    )
    DatasetInfosDict({CONFIG_NAME: info}).to_dataset_card_data(data)
    return data


def _splits_markdown(plan: SplitPlan) -> str:
    sizes = md_table(["split", "documents"], [[name, size] for name, size in plan.sizes.items()])
    if plan.method == "meta":
        how = ("The splits are the corpus's own: every document names its split in `meta.split`, and each "
               "document is in exactly that split.")
    else:
        ratios = ", ".join(f"{name} {ratio:.0%}" for name, ratio in (plan.ratios or {}).items())
        how = (f"The splits were made by `whosaidwhat publish` at the document level (an article is never divided "
               f"between splits): the document ids are sorted, shuffled with Python's `random.Random({plan.seed})`, "
               f"and cut in the ratios {ratios} (largest-remainder rounding; empty splits are left out).")
        if plan.documents_with_meta_split:
            how += (f" {plan.documents_with_meta_split} of the {plan.documents} documents name a split in "
                    "`meta.split`; as not all do, those values were not used for the splits (they are kept in "
                    "the metadata).")
    return how + "\n\n" + sizes + "\n"


def _fields_markdown() -> str:
    span = "`{start, end, text}`"
    rows = [
        ["`id`", "string", "document id, unique in the corpus"],
        ["`schema_version`", "string", "version of the whosaidwhat format (`1.x`)"],
        ["`text`", "string", "the article text; every offset points into it"],
        ["`meta`", "struct of strings", "declared metadata: " + ", ".join(f"`{k}`" for k in META_FIELDS) + " (null when absent)"],
        ["`meta_extra`", "string (JSON)", "any other metadata, as a JSON object (null when there is none)"],
        ["`annotators`", "list of strings", "who annotated the document"],
        ["`actors`", "list of records", f"`id`, `name`, `type` (actor type), `role`, `affiliation` (actor id), `mentions`: list of {span} with `kind` (mention kind)"],
        ["`quotes`", "list of records", f"`id`, `type` (quote type), `content` (list of {span}), `cue` ({span} or null), `speaker` (actor id or null), `speaker_mention` ({span} or null)"],
        ["`targets`", "list of records", f"`id`, `label`, `kind` (target kind), `actor` (actor id or null), `mentions` (list of {span})"],
        ["`stances`", "list of records", f"`id`, `holder` (actor id), `target` (target id), `polarity`, `evidence`: `quotes` (quote ids) and `spans` (list of {span})"],
    ]
    labels = md_table(["label", "names (in ClassLabel order)"],
                      [[what, ", ".join(f"`{n}`" for n in names)] for what, names in CLASS_LABELS.items()])
    return "\n".join([
        "One row is one news article with all its annotation layers, nested as lists of records "
        "(`datasets.List` of dicts).",
        "",
        md_table(["field", "type", "content"], rows),
        "",
        "Closed label sets are `ClassLabel` columns (integers in Parquet; "
        "`dataset.features[...]` names them):",
        "",
        labels,
        "",
        "Encoding notes:",
        "",
        f"- A span {span} is a half-open range `[start, end)` of Python string indices (Unicode code points, "
        "not bytes or UTF-16 units) into `text`, and `text[start:end] == span.text`.",
        "- A mention without a kind has a null `kind` (not -1 and not an extra label).",
        "- Absent values are null: a quote without cue, speaker or speaker mention; an actor without role or "
        "affiliation; a target that is not an actor.",
        "- `meta_extra` holds every metadata entry outside the declared keys (and a declared key whose value "
        "is not a string), so that nothing is lost: `json.loads(row[\"meta_extra\"])`.",
    ]) + "\n"


def _bibtex(inputs: CardInputs) -> str:
    base = inputs.repo_id or inputs.pretty_name
    key = re.sub(r"[^a-z0-9]+", "_", base.lower()).strip("_") + f"_{inputs.year}"
    title = inputs.pretty_name.replace("{", "").replace("}", "")
    lines = [f"@misc{{{key},", f"  title = {{{{{title}}}}},", f"  author = {{{' and '.join(inputs.authors)}}},",
             f"  year = {{{inputs.year}}},"]
    if inputs.repo_id:
        lines.append(f"  howpublished = {{\\url{{https://huggingface.co/datasets/{inputs.repo_id}}}}},")
    lines.append("  note = {Annotated with the whosaidwhat format: actors, quotes and stances in news text}")
    lines.append("}")
    return "\n".join(lines)


def card_body(inputs: CardInputs) -> str:
    documents = [d for docs in inputs.plan.splits.values() for d in docs]
    where = inputs.repo_id or "path/to/this/folder"
    guidelines = (
        f"The full annotation guidelines, with worked examples and how hard cases are decided, are in "
        f"[{GUIDELINES_FILE}]({GUIDELINES_FILE})."
        if inputs.guidelines_included
        else "The annotation guidelines (`guidelines.md` of the whosaidwhat project) were not included in this release."
    )
    jsonl = (
        "\nThe same documents in the whosaidwhat JSON Lines format (one document per line, labels as strings) "
        "are in `jsonl/{split}.jsonl`.\n" if inputs.jsonl_included else ""
    )
    sections = [
        f"# {md(inputs.pretty_name)}",
        "",
        f"News articles annotated with **who said what, and where they stand**: the actors that speak or "
        f"hold positions (with all their mentions, resolved across the text), the quotations they are "
        f"credited with (direct, indirect and mixed, with cue and speaker), and their stances (support, "
        f"oppose, neutral) towards targets, with evidence. {_count(len(documents), 'document')}, standoff annotation "
        f"in the whosaidwhat format (schema 1.x).",
        "",
        "## Loading",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        f'corpus = load_dataset("{where}")',
        'quote_type = corpus["train"].features["quotes"].feature["type"]  # a ClassLabel'
        if "train" in inputs.plan.splits else 'features = next(iter(corpus.values())).features',
        "```",
        "",
        f"Back to whosaidwhat JSON Lines (the same documents, split by split): `whosaidwhat load-hf {where} corpus.jsonl`.",
        jsonl,
        "## Dataset structure",
        "",
        _fields_markdown(),
        "## Splits",
        "",
        _splits_markdown(inputs.plan),
        "## Annotation scheme",
        "",
        "Three layers are annotated:",
        "",
        "- **actors**: people, organisations, states and groups that speak or hold positions; each actor is "
        "one entity with a canonical name, a type, and every mention (by name, description or pronoun);",
        "- **quotes**: direct, indirect and mixed quotations: the content (several spans when the cue "
        "interrupts it), the cue (*said*, *told*, *according to*) and the speaker, resolved to an actor even "
        "when the text says \"he\" (`speaker_mention` is the mention that ties the quote to the speaker);",
        "- **stances**: an actor's position (support, oppose, neutral) towards a target (a proposal, policy, "
        "actor, event or claim), with the quotes and text spans that show it.",
        "",
        guidelines,
        "",
        "## Statistics",
        "",
        "Counts per split and layer (`whosaidwhat stats`):",
        "",
        stats_markdown(inputs.plan),
        "",
        "## Agreement",
        "",
        agreement_markdown(inputs.agreement),
        "## Source texts and licences",
        "",
        licences_markdown(documents, inputs.annotation_license),
        "## Citation",
        "",
        "```bibtex",
        _bibtex(inputs),
        "```",
        "",
    ]
    return "\n".join(sections)


def build_card(inputs: CardInputs) -> str:
    """The full README.md: YAML front matter and body."""
    yaml = card_data(inputs).to_yaml()
    return f"---\n{yaml}\n---\n\n{card_body(inputs)}"


def license_file(documents: list[Document], annotation_license: str | None) -> str:
    return "# Licences\n\n" + licences_markdown(documents, annotation_license)


# ---------------------------------------------------------------------------
# Checking a card offline


REQUIRED_KEYS = (
    "license", "language", "pretty_name", "annotations_creators", "language_creators", "size_categories",
    "source_datasets", "task_categories", "configs", "dataset_info",
)


@dataclass
class CheckedCard:
    card: DatasetCard
    features: Features
    split_sizes: dict[str, int]
    data_files: dict[str, list[str]]  # split -> the folder's files it matches (relative paths)


def check_card(folder: Path, *, features: Features | None = None, split_sizes: dict[str, int] | None = None) -> CheckedCard:
    """Parse `folder`/README.md like the Hub and `load_dataset` do; raise `CardError` if it is unusable.

    Beyond parsing: the required metadata is present (``license_name`` and
    ``license_link`` when the licence is ``other``), the default config's data
    files exist in the folder, its splits are the splits of ``dataset_info``,
    and — when given — the declared features and split sizes are the expected ones.
    """
    readme = folder / "README.md"
    try:
        text = readme.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CardError(f"{readme}: cannot read the dataset card ({exc})") from None
    try:
        card = DatasetCard(text)
    except Exception as exc:  # the YAML parser's own error types vary; all mean the same to the user
        raise CardError(f"{readme}: the YAML front matter cannot be parsed: {' '.join(str(exc).split())}") from None
    data = card.data
    problems = [f"missing `{key}`" for key in REQUIRED_KEYS if not data.get(key)]
    if data.get("license") == "other":
        problems += [f"`license: other` needs `{key}`" for key in ("license_name", "license_link") if not data.get(key)]
        link = data.get("license_link")
        if isinstance(link, str) and link and "://" not in link and not (folder / link).is_file():
            problems.append(f"`license_link` points to {link}, which is not in the folder")
    if problems:
        raise CardError(f"{readme}: " + "; ".join(problems))
    try:
        configs = MetadataConfigs.from_dataset_card_data(data)
        default = configs.get_default_config_name()
        infos = DatasetInfosDict.from_dataset_card_data(data)
    except Exception as exc:  # datasets raises ValueError, TypeError or KeyError for malformed entries
        raise CardError(f"{readme}: `configs`/`dataset_info` rejected by datasets: {' '.join(str(exc).split())}") from None
    if default is None or default not in infos:
        raise CardError(f"{readme}: no default config with a matching `dataset_info` (configs: {', '.join(configs) or 'none'})")
    info = infos[default]
    if info.features is None or not info.splits:
        raise CardError(f"{readme}: `dataset_info` of config {default!r} lacks features or splits")
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    matched: dict[str, list[str]] = {}
    for entry in configs[default].get("data_files") or []:
        if not isinstance(entry, dict):
            raise CardError(f"{readme}: `data_files` of config {default!r} must list one pattern per split")
        patterns = entry["path"] if isinstance(entry["path"], list) else [entry["path"]]
        hits = sorted({f for f in files for pattern in patterns if fnmatch.fnmatchcase(f, pattern)})
        if not hits:
            raise CardError(f"{readme}: split {entry['split']!r}: no file in the folder matches {', '.join(patterns)}")
        matched[entry["split"]] = hits
    declared = {name: info.splits[name].num_examples for name in info.splits}
    if set(matched) != set(declared):
        raise CardError(
            f"{readme}: the splits of `configs` ({', '.join(matched) or 'none'}) and of `dataset_info` "
            f"({', '.join(declared)}) differ"
        )
    if features is not None and info.features != features:
        raise CardError(f"{readme}: the features in `dataset_info` are not the ones the data was written with")
    if split_sizes is not None and declared != split_sizes:
        raise CardError(f"{readme}: `dataset_info` declares split sizes {declared}, the data has {split_sizes}")
    return CheckedCard(card, info.features, declared, matched)
