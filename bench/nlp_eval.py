"""Quality and speed of the chat-reading tools on the project's own Dutch development sets.

    .venv/bin/python bench/nlp_eval.py                       # every feature, dev + held-out
    .venv/bin/python bench/nlp_eval.py --feature triage --split dev --show-errors

Sets live in bench/data/: `*_dev.*` were used to write and tune the word lists, `*_heldout.*`
were written before tuning and are never used to change a rule (report them, do not fix them).
Triage has a second development set, `triage_dev_b.txt` (the first round's held-out set, whose
errors have been seen), and a fresh held-out set written on 2026-12-01 before that round's rule
changes. `--file FILE` evaluates triage on any JSON-lines file of `{"text", "acute"}` rows, e.g.
the counsellors' flag changes exported by `vangnet export-triage-feedback`. `triage_heldout_2.txt`
is a second fresh held-out set, written before the triage's learned layer was built; it is
read only when asked (`--split heldout_2`), and only its totals are reported. `--rules-only`
scores triage with the word lists alone (without the learned layer).
Triage: recall of acute, share of non-acute flagged, p50/p99 ms per message on one core.
Times are CPU time of this process (time.process_time): on a machine shared with other work,
wall-clock time measures the neighbours as much as the code.
Suggestions: exact agreement per codebook question (single: same code; multi: same set).
De-identification: share of identifying strings fully removed, share of other words removed,
messages per second once loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings")
    import tempfile

    os.environ.setdefault("VANGNET_DATA_DIR", tempfile.mkdtemp(prefix="vangnet-nlp-eval-"))
    import django

    django.setup()


def load_triage(split: str) -> list[tuple[bool, str]]:
    if split.endswith(".jsonl"):
        return load_triage_jsonl(Path(split))
    rows = []
    for line in (DATA / f"triage_{split}.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, text = line.split("|", 1)
        rows.append((label == "A", text))
    return rows


def load_triage_jsonl(path: Path) -> list[tuple[bool, str]]:
    """`{"text": ..., "acute": true|false}` per line (what `vangnet export-triage-feedback`
    writes); a line that is not such an object stops the evaluation with its line number."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, acute = row["text"], row["acute"]
        except (ValueError, TypeError, KeyError):
            raise SystemExit(
                f"{path}: line {number}: expected {{'text': ..., 'acute': ...}}"
            ) from None
        if not isinstance(text, str) or not isinstance(acute, bool):
            raise SystemExit(f"{path}: line {number}: 'text' must be text, 'acute' true or false")
        rows.append((acute, text))
    return rows


def eval_triage(split: str, show_errors: bool, rules_only: bool = False) -> dict[str, float]:
    from functools import partial

    from vangnet.reading import triage

    score = partial(triage.score, with_model=not rules_only)

    rows = load_triage(split)
    for _acute, text in rows[:20]:  # warm up the compiled patterns
        score(text)
    timings, tp, fn, fp, tn = [], 0, 0, 0, 0
    for acute, text in rows:
        started = time.process_time()
        result = score(text)
        timings.append((time.process_time() - started) * 1000)
        if acute and result.acute:
            tp += 1
        elif acute:
            fn += 1
            if show_errors:
                print(f"  missed  {result.score:.2f} {text}")
        elif result.acute:
            fp += 1
            if show_errors:
                print(f"  flagged {result.score:.2f} {text}  <- {result.phrase!r}")
        else:
            tn += 1
    long_text = " ".join(text for _a, text in rows)[:4000]
    long_timings = []
    for _ in range(50):
        started = time.process_time()
        score(long_text)
        long_timings.append((time.process_time() - started) * 1000)
    timings.sort()
    return {
        "messages": len(rows),
        "acute": tp + fn,
        "recall_acute": tp / max(tp + fn, 1),
        "non_acute_flagged": fp / max(fp + tn, 1),
        "precision": tp / max(tp + fp, 1),
        "p50_ms": statistics.median(timings),
        "p99_ms": timings[min(len(timings) - 1, int(len(timings) * 0.99))],
        "p99_ms_4000_chars": sorted(long_timings)[int(len(long_timings) * 0.99) - 1],
    }


def load_jsonl(name: str) -> list[dict[str, object]]:
    path = DATA / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def eval_suggestions(split: str, show_errors: bool) -> dict[str, float]:
    from vangnet.coding import codebook
    from vangnet.reading.suggestions import suggest

    book = codebook.current()
    rows = load_jsonl(f"suggest_{split}.jsonl")
    agree: dict[str, int] = {q.key: 0 for q in book.questions}
    for row in rows:
        result = suggest(row["turns"], book)  # type: ignore[arg-type]
        labels = row["codes"]
        assert isinstance(labels, dict)
        for question in book.questions:
            expected = labels.get(question.key, codebook.UNKNOWN)
            got = result.codes[question.key]
            same = (
                set(got) == set(expected if isinstance(expected, list) else [expected])
                if question.is_multi
                else got == expected
            )
            agree[question.key] += int(same)
            if show_errors and not same:
                print(f"  {row['id']} {question.key}: got {got} expected {expected}")
    out: dict[str, float] = {"transcripts": len(rows)}
    for key, count in agree.items():
        out[f"agreement_{key}"] = count / max(len(rows), 1)
    out["agreement_mean"] = statistics.mean(v / max(len(rows), 1) for v in agree.values())
    return out


def load_marked(name: str) -> list[dict[str, object]]:
    """Messages with their identifying strings marked [[like this]]."""
    import re

    rows: list[dict[str, object]] = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(
            {
                "id": f"{name}:{len(rows) + 1}",
                "text": line.replace("[[", "").replace("]]", ""),
                "identifying": re.findall(r"\[\[(.*?)\]\]", line),
            }
        )
    return rows


def eval_deidentify(split: str, show_errors: bool) -> dict[str, float]:
    from vangnet.reading.deidentify import deidentifier

    engine = deidentifier()
    engine.deidentify_transcript(["warm up met Jan uit Utrecht"])
    rows = load_marked(f"deid_{split}.txt")
    found = total = 0
    kept_words = other_words = 0
    started = time.process_time()
    outputs = [engine.deidentify_transcript([str(row["text"])]) for row in rows]
    elapsed = time.process_time() - started
    for row, result in zip(rows, outputs, strict=True):
        text = str(row["text"])
        spans = result.messages[0].spans
        covered = [False] * len(text)
        for span in spans:
            for i in range(span.start, span.end):
                covered[i] = True
        identifying = row["identifying"]
        assert isinstance(identifying, list)
        marked = [False] * len(text)
        for item in identifying:
            start = text.find(item)
            if start < 0:
                raise SystemExit(f"{row['id']}: {item!r} not in text")
            total += 1
            for i in range(start, start + len(item)):
                marked[i] = True
            ok = all(covered[start : start + len(item)])
            found += int(ok)
            if show_errors and not ok:
                print(f"  kept    {row['id']} {item!r}: {result.messages[0].text}")
        for word_start, word_end in _word_spans(text):
            if any(marked[word_start:word_end]):
                continue
            other_words += 1
            if any(covered[word_start:word_end]):
                if show_errors:
                    print(f"  removed {row['id']} {text[word_start:word_end]!r}")
            else:
                kept_words += 1
    return {
        "messages": len(rows),
        "identifying_strings": total,
        "identifying_removed": found / max(total, 1),
        "other_words": other_words,
        "other_words_removed": 1 - kept_words / max(other_words, 1),
        "messages_per_second": len(rows) / elapsed,
    }


def _word_spans(text: str) -> list[tuple[int, int]]:
    import re

    return [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]


def _shown(figures: dict[str, float]) -> str:
    return ", ".join(
        f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()
    )


SPLITS = ["dev", "dev_b", "dev_c", "dev_d", "dev_e", "heldout"]
FEATURES = {"triage": eval_triage, "suggest": eval_suggestions, "deidentify": eval_deidentify}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feature", choices=sorted(FEATURES), action="append")
    parser.add_argument(
        "--split",
        choices=[*SPLITS, "heldout_2"],
        action="append",
        help="default: all but heldout_2 (triage's second fresh held-out set; totals only)",
    )
    parser.add_argument(
        "--rules-only", action="store_true", help="triage: the word lists without the model"
    )
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument(
        "--file", type=Path, help="triage only: a JSON-lines file of {text, acute} rows"
    )
    args = parser.parse_args()
    _setup()
    if args.file is not None:
        figures = eval_triage(str(args.file.resolve()), args.show_errors, args.rules_only)
        print("triage      " + args.file.name + " " + _shown(figures))
        return
    for feature in args.feature or list(FEATURES):
        for split in args.split or SPLITS:
            if split in ("dev_b", "dev_c", "dev_d", "dev_e", "heldout_2") and feature != "triage":
                continue
            if feature == "triage":
                figures = eval_triage(split, args.show_errors, args.rules_only)
            else:
                figures = FEATURES[feature](split, args.show_errors)
            print(f"{feature:<11} {split:<8} {_shown(figures)}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
