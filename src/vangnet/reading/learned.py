"""The second layer: models trained on the organisation's own confirmed codings.

`vangnet train-suggestions` fits one scikit-learn pipeline per question (TF-IDF over the
transcript, logistic regression), compares it with the rules by cross-validation on the same
folds, and switches the model on only for questions where it agreed with the counsellors more
often than the rules did. A missing model, or one trained for another codebook version or
scikit-learn version, means the rules alone; `model_status()` says so to the administrator.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from vangnet.coding.codebook import UNKNOWN, Codebook
from vangnet.reading.suggestions import Suggestions, Turn, suggest

log = logging.getLogger(__name__)
MIN_EXAMPLES = 30
FOLDS = 5


def model_path() -> Path:
    return Path(settings.DATA_DIR) / "reading" / "suggestion-models.joblib"


def _document(turns: Sequence[Turn], key: str) -> str:
    speaker = "counsellor" if key == "outcome" else "visitor"
    return "\n".join(t.text for t in turns if t.speaker == speaker)


@dataclass(frozen=True)
class Loaded:
    models: dict[str, Any]  # question -> {"pipeline", "binarizer" (multi only)}
    problem: str  # "" when the models are in use


@cache
def _load(path: str, version: str) -> Loaded:
    import joblib
    import sklearn

    if not Path(path).exists():
        return Loaded({}, _("No trained suggestion model: suggestions come from the rules alone."))
    try:
        bundle = joblib.load(path)
    except Exception as error:  # a damaged file must not stop a chat from being read
        log.warning("suggestion model unreadable: %s", type(error).__name__)
        return Loaded({}, _("The suggestion model cannot be read: the rules are used alone."))
    if bundle.get("codebook_version") != version:
        return Loaded(
            {},
            _(
                "The suggestion model was trained for codebook %(model)s, not %(current)s: "
                "the rules are used alone until `vangnet train-suggestions` runs again."
            )
            % {"model": bundle.get("codebook_version"), "current": version},
        )
    if bundle.get("sklearn_version") != sklearn.__version__:
        return Loaded(
            {},
            _(
                "The suggestion model was made with another scikit-learn version: the rules "
                "are used alone until `vangnet train-suggestions` runs again."
            ),
        )
    enabled = {k: v for k, v in bundle["questions"].items() if v.get("enabled")}
    return Loaded(enabled, "")


def loaded(book: Codebook) -> Loaded:
    return _load(str(model_path()), book.version)


def model_status(book: Codebook) -> str:
    return loaded(book).problem


def suggest_with_models(turns: Sequence[Turn], book: Codebook) -> Suggestions:
    result = suggest(turns, book)
    for key, entry in loaded(book).models.items():
        question = book.question(key)
        document = _document(turns, key)
        if not document.strip():
            continue
        pipeline = entry["pipeline"]
        if question.is_multi:
            labels = entry["binarizer"].inverse_transform(pipeline.predict([document]))[0]
            codes: str | list[str] = sorted(labels) or [UNKNOWN]
            confidence = 0.7
        else:
            probabilities = pipeline.predict_proba([document])[0]
            best = int(probabilities.argmax())
            codes = str(pipeline.classes_[best])
            confidence = round(float(probabilities[best]), 2)
        same = codes == result.codes[key]
        result.codes[key] = codes
        result.confidence[key] = confidence
        result.source[key] = "model"
        if not same:
            result.evidence[key] = []  # the rules' words do not support the model's code
    return result


# -- training ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    turns: list[Turn]
    answers: dict[str, Any]


def _pipeline(multi: bool) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    vectoriser = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
    )
    classifier = LogisticRegression(max_iter=1000, class_weight="balanced")
    return make_pipeline(vectoriser, OneVsRestClassifier(classifier) if multi else classifier)


def _agree(question_multi: bool, got: Any, expected: Any) -> bool:
    if question_multi:
        return set(got) == set(expected)
    return bool(got == expected)


def train(examples: Sequence[Example], book: Codebook) -> dict[str, dict[str, Any]]:
    """Fit, cross-validate against the rules, and return the bundle's `questions` part."""
    from sklearn.model_selection import KFold
    from sklearn.preprocessing import MultiLabelBinarizer

    report: dict[str, dict[str, Any]] = {}
    rule_codes = [suggest(e.turns, book).codes for e in examples]
    for question in book.questions:
        key = question.key
        documents = [_document(e.turns, key) for e in examples]
        targets = [e.answers[key] for e in examples]
        entry: dict[str, Any] = {"examples": len(examples), "enabled": False}
        distinct = {tuple(sorted(t)) if question.is_multi else t for t in targets}
        if len(examples) < MIN_EXAMPLES or len(distinct) < 2:
            entry["reason"] = "too few examples or only one answer"
            report[key] = entry
            continue
        model_hits = rule_hits = 0
        folds = KFold(n_splits=min(FOLDS, len(examples)), shuffle=True, random_state=7)
        for train_index, test_index in folds.split(documents):
            pipeline = _pipeline(question.is_multi)
            train_docs = [documents[i] for i in train_index]
            if question.is_multi:
                binarizer = MultiLabelBinarizer()
                matrix = binarizer.fit_transform([list(targets[i]) for i in train_index])
                if matrix.shape[1] < 2 or (matrix.sum(axis=0) == 0).any():
                    continue
                try:
                    pipeline.fit(train_docs, matrix)
                except ValueError:
                    continue
                predicted = [
                    sorted(x) or [UNKNOWN]
                    for x in binarizer.inverse_transform(
                        pipeline.predict([documents[i] for i in test_index])
                    )
                ]
            else:
                if len({targets[i] for i in train_index}) < 2:
                    continue
                pipeline.fit(train_docs, [targets[i] for i in train_index])
                predicted = list(pipeline.predict([documents[i] for i in test_index]))
            for i, got in zip(test_index, predicted, strict=True):
                model_hits += _agree(question.is_multi, got, targets[i])
                rule_hits += _agree(question.is_multi, rule_codes[i][key], targets[i])
        entry["model_agreement"] = round(model_hits / len(examples), 3)
        entry["rules_agreement"] = round(rule_hits / len(examples), 3)
        if model_hits > rule_hits:
            pipeline = _pipeline(question.is_multi)
            if question.is_multi:
                binarizer = MultiLabelBinarizer()
                pipeline.fit(documents, binarizer.fit_transform([list(t) for t in targets]))
                entry["binarizer"] = binarizer
            else:
                pipeline.fit(documents, targets)
            entry["pipeline"] = pipeline
            entry["enabled"] = True
        report[key] = entry
    return report


def save(questions: dict[str, dict[str, Any]], book: Codebook) -> Path:
    import joblib
    import sklearn

    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(
        {
            "codebook_version": book.version,
            "sklearn_version": sklearn.__version__,
            "questions": questions,
        },
        path,
    )
    _load.cache_clear()
    return path
