"""An extractor as a shell command: documents as JSON Lines on stdin, predictions on stdout.

Run it with
    whosaidwhat extract --extractor-cmd "python examples/cmd_extractor.py" corpus/gold.jsonl out/cmd.jsonl
    whosaidwhat benchmark --extractor-cmd "python examples/cmd_extractor.py"

It uses nothing but the standard library: every “curly-quoted” passage of three words or more
becomes an unattributed direct quote.  One output line per input line, same ids, same
order; the text may be left out (it is taken from the input).
"""

import json
import re
import sys

QUOTED = re.compile(r"“([^”\n]+)”")


def annotate(document: dict) -> dict:
    quotes = []
    for match in QUOTED.finditer(document["text"]):
        start, end = match.span(1)
        content = match.group(1)
        # Spans never end with the punctuation that separates them from the sentence.
        while content and content[-1] in ",.;: ":
            content, end = content[:-1], end - 1
        if len(content.split()) >= 3:
            quotes.append({
                "id": f"q{len(quotes) + 1}", "type": "direct",
                "content": [{"start": start, "end": end, "text": content}],
                "cue": None, "speaker": None, "speaker_mention": None,
            })
    return {"id": document["id"], "actors": [], "quotes": quotes, "targets": [], "stances": []}


def main() -> int:
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(annotate(json.loads(line)), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
