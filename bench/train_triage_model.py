"""Build the triage's learned layer from the development sets (deterministic).

    .venv/bin/python bench/train_triage_model.py    # -> coding/codebooks/reading/triage-model.json

Training data: every `bench/data/triage_dev*.txt` — never a held-out set. The features are those
of `vangnet.reading.triage_model.features` on the standard-spelled text the rules read. The
regularisation C is chosen, and the probability threshold set, by 5-fold cross-validation on
the development sets alone: the threshold is the lowest at which at most FLAG_BUDGET of the
non-acute messages are flagged out of fold (the issue allows 20%; the margin is for unseen
text), and C is the one with the highest out-of-fold recall at that threshold.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.nlp_eval import DATA, _setup, load_triage  # noqa: E402

FLAG_BUDGET = 0.12
WORD_N = 2
CHAR_RANGE = (3, 5)
C_GRID = (0.5, 1.0, 2.0, 4.0, 8.0)
FOLDS = 5


def _documents(texts: list[str]) -> list[tuple[list[str], list[str]]]:
    from vangnet.reading.text import normalise
    from vangnet.reading.triage import rules
    from vangnet.reading.triage_model import features

    speller = rules().speller
    docs = []
    for text in texts:
        found = features(speller.rewrite(normalise(text)).text, WORD_N, CHAR_RANGE)
        docs.append(([f for f, _t in found.words], [f for f, _t in found.chars]))
    return docs


def _identity(items: list[str]) -> list[str]:
    return items


def _fit(docs: list[tuple[list[str], list[str]]], labels: np.ndarray, c: float) -> tuple:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    word = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=1)
    char = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2)
    matrix = hstack(
        [word.fit_transform([d[0] for d in docs]), char.fit_transform([d[1] for d in docs])]
    )
    model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=0)
    model.fit(matrix.tocsr(), labels)
    return word, char, model


def _predict(fitted: tuple, docs: list[tuple[list[str], list[str]]]) -> np.ndarray:
    from scipy.sparse import hstack

    word, char, model = fitted
    matrix = hstack([word.transform([d[0] for d in docs]), char.transform([d[1] for d in docs])])
    return model.predict_proba(matrix.tocsr())[:, 1]


def _threshold(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The lowest threshold flagging at most FLAG_BUDGET of the non-acute messages."""
    negatives = np.sort(probabilities[labels == 0])[::-1]
    allowed = int(np.floor(FLAG_BUDGET * len(negatives)))
    return float(negatives[allowed]) + 1e-6


def _check_same_as_sklearn(data: dict, rows: list, expected: np.ndarray) -> None:
    """The plain-Python scorer the package uses gives scikit-learn's probabilities."""
    from vangnet.reading.text import normalise
    from vangnet.reading.triage import rules
    from vangnet.reading.triage_model import TriageModel

    scorer = TriageModel.from_json(json.loads(json.dumps(data)))
    speller = rules().speller
    got = np.array([scorer.read(speller.rewrite(normalise(t)))[0] for _a, t in rows])
    worst = float(np.abs(got - expected).max())
    assert worst < 1e-3, f"package scorer differs from scikit-learn by {worst}"
    print(f"package scorer = scikit-learn within {worst:.1e} on {len(rows)} messages")


def main() -> None:
    from sklearn.model_selection import StratifiedKFold

    _setup()
    from vangnet.reading.triage import rules
    from vangnet.reading.triage_model import FORMAT, model_path

    splits = sorted(p.stem.removeprefix("triage_") for p in DATA.glob("triage_dev*.txt"))
    assert not any("heldout" in s for s in splits)
    rows = [row for split in splits for row in load_triage(split)]
    labels = np.array([1 if acute else 0 for acute, _text in rows])
    docs = _documents([text for _acute, text in rows])
    folds = list(StratifiedKFold(FOLDS, shuffle=True, random_state=0).split(docs, labels))
    best: tuple[float, float, float] | None = None
    for c in C_GRID:
        out_of_fold = np.zeros(len(docs))
        for train, test in folds:
            fitted = _fit([docs[i] for i in train], labels[train], c)
            out_of_fold[test] = _predict(fitted, [docs[i] for i in test])
        threshold = _threshold(out_of_fold, labels)
        flagged = out_of_fold >= threshold
        recall = float(flagged[labels == 1].mean())
        rate = float(flagged[labels == 0].mean())
        print(
            f"C={c:<4} out-of-fold recall {recall:.3f}, non-acute flagged {rate:.3f}, "
            f"threshold {threshold:.3f}"
        )
        if best is None or recall > best[0]:
            best = (recall, c, threshold)
    assert best is not None
    recall, c, threshold = best
    word, char, model = _fit(docs, labels, c)
    coef = model.coef_[0]
    n_words = len(word.vocabulary_)

    def table(vectorizer, offset: int) -> dict[str, list[float]]:
        return {
            name: [round(float(vectorizer.idf_[i]), 6), round(float(coef[offset + i]), 6)]
            for name, i in sorted(vectorizer.vocabulary_.items())
        }

    data = {
        "format": FORMAT,
        "rules_version": rules().version,
        "trained_on": splits,
        "messages": len(rows),
        "acute": int(labels.sum()),
        "C": c,
        "flag_budget": FLAG_BUDGET,
        "cv_recall": round(recall, 4),
        "threshold": round(threshold, 6),
        "intercept": round(float(model.intercept_[0]), 6),
        "word_n": WORD_N,
        "char_range": list(CHAR_RANGE),
        "words": table(word, 0),
        "chars": table(char, n_words),
    }
    _check_same_as_sklearn(data, rows, _predict((word, char, model), docs))
    path = model_path()
    path.write_text(
        json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(
        f"chose C={c}, threshold {threshold:.4f}; wrote {path} ({path.stat().st_size // 1024} KiB)"
    )


if __name__ == "__main__":
    main()
