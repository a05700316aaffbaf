"""One free text in, what the text features read out: clean text, sentiment, theme, excerpt.

Texts arrive as the data layer stored them (survey comments, CRM notes, ticket texts), so
they may be empty, very long, hold bytes that were not valid UTF-8 (replacement characters
or lone surrogates once decoded), control characters, or be in another language. None of
that raises: every text comes out as one of

- **no text** (:func:`clean_text` gives None): empty or blank, or nothing but symbols and
  digits once cleaned; it is not counted anywhere;
- **neutral** (sentiment 0, no theme): a text that is not English enough for the English
  lexicon (:func:`is_english`), so its words would be scored by accident; it still counts
  as a text the customer wrote;
- **scored**: its first :data:`MAX_SCORED_CHARS` characters get the VADER compound score
  (-1 to 1, from the lexicon that ships inside the ``vaderSentiment`` wheel: no download)
  and the theme whose fitted keywords it holds most (:func:`assign_theme`).

Sentiment is a pure function of the text, so it cannot leak time; the themes are fitted
settings (:mod:`features.catalogue.themes`) carried by the model like the usage norms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib.metadata import version

import numpy as np
import pandas as pd

MAX_SCORED_CHARS = 2_000
"""Only this many characters of a text are scored (VADER's cost grows with the length; the
start of a long text says what it is about)."""

EXCERPT_CHARS = 80
"""Examples quoted in explanations are cut to this many characters (at a word, with an ellipsis)."""

NEGATIVE_BELOW = -0.05
POSITIVE_ABOVE = 0.05
"""VADER's own conventions: compound <= -0.05 is negative, >= 0.05 positive, between neutral."""

OTHER_LANGUAGES: dict[str, frozenset[str]] = {
    language: frozenset(words.split())
    for language, words in {
        "de": "der die das und ist nicht ein eine zu mit auf für sich dem den des von wir sie es "
        "sehr auch wie aber alles noch nur bei ich wird sind haben kein keine leider",
        "es": "el la los las de que en un una es por con para no muy pero lo se su al del como "
        "está son más",
        "fr": "le la les de des et est un une pas que qui pour dans avec ne sur au aux du très "
        "mais nous vous il elle ce cette",
        "pt": "os as de que do da em um uma não para com muito mas por foi está são",
        "it": "il lo la gli le di che un una non per con molto ma del della sono",
        "nl": "de het een en van is niet dat op te met voor zijn maar ook wij heel",
    }.items()
}
"""The commonest short words of six other languages: a text holding more of one of them than
of English stop words is not English (see :func:`is_english`)."""

SCORER_VERSION = (
    f"vader-{version('vaderSentiment')}|chars-{MAX_SCORED_CHARS}|"
    f"neg-{NEGATIVE_BELOW}|pos-{POSITIVE_ABOVE}|lang-1|excerpt-{EXCERPT_CHARS}"
)
"""What the text scoring depends on; part of the feature-set version."""

_WORD = re.compile(r"[^\W\d_]{2,}")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")
_DIGITS = re.compile(r"\+?\d[\d ().-]{5,}\d")
_REDACTED = "[…]"


def clean_text(raw: object) -> str | None:
    """``raw`` as one line of valid text, or None when it holds no words.

    Anything not a string (None, NaN, bytes) is None; bytes are not decoded here (the data
    layer has decoded every text it keeps). Lone surrogates and U+FFFD (what undecodable
    bytes became), control and format characters become spaces; runs of blanks one space.
    """
    if not isinstance(raw, str):
        return None
    text = "".join(" " if c == "\ufffd" or unicodedata.category(c)[0] == "C" else c for c in raw)
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text if _WORD.search(text) else None


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` (letters only, two or more): what themes are made of."""
    return _WORD.findall(text.lower())


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _english_stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def is_english(text: str) -> bool:
    """Whether ``text`` reads as English, so that the English lexicon may score it.

    Not when fewer than half of its letters are Latin (Japanese, Cyrillic, Arabic, ...), or
    when it holds more of the commonest words of German, Spanish, French, Portuguese,
    Italian or Dutch (:data:`OTHER_LANGUAGES`) than English stop words (scikit-learn's). A
    text with neither (``Great!``) counts as English. A heuristic, not a language model:
    it is there so that a foreign text's words are not read as English ones (``no`` in
    ``No funciona`` would score negative) and such texts come out neutral.
    """
    found = words(text)
    if not found:
        return False
    letters = "".join(found)
    latin = sum(c.isascii() or "LATIN" in unicodedata.name(c, "") for c in letters)
    if latin < len(letters) / 2:
        return False
    english = sum(w in _english_stop_words() for w in found)
    other = max(sum(w in known for w in found) for known in OTHER_LANGUAGES.values())
    return other <= english


def sentiment(text: str) -> float:
    """VADER's compound score of ``text`` (-1 to 1), 0 for a text that is not English."""
    text = text[:MAX_SCORED_CHARS]
    if not is_english(text):
        return 0.0
    return float(_analyzer().polarity_scores(text)["compound"])


def polarity(score: float) -> int:
    """-1 negative, 0 neutral, 1 positive (VADER's thresholds)."""
    return -1 if score <= NEGATIVE_BELOW else 1 if score >= POSITIVE_ABOVE else 0


def assign_theme(text: str, themes: Mapping[str, Sequence[str]]) -> str | None:
    """The theme whose keywords ``text`` holds most, or None (no keyword, or not English).

    A theme's keywords are ordered, most characteristic first; the k-th of n weighs
    ``(n - k) / n``, so one strong keyword beats a weak one. Ties go to the first theme.
    """
    if not themes:
        return None
    head = text[:MAX_SCORED_CHARS]
    if not is_english(head):
        return None
    present = set(words(head))
    best, best_score = None, 0.0
    for label, keywords in themes.items():
        n = len(keywords)
        score = sum((n - k) / n for k, word in enumerate(keywords) if word in present)
        if score > best_score:
            best, best_score = label, score
    return best


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` cut to ``limit`` characters at a word, e-mail addresses and long numbers
    (phones, cards, accounts) replaced by ``[…]``, template brackets and quotes softened."""
    text = _DIGITS.sub(_REDACTED, _EMAIL.sub(_REDACTED, text))
    text = text.translate(str.maketrans({"{": "(", "}": ")", "'": "\u2019"}))
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def score_texts(texts: pd.Series, themes: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """One row per text of ``texts`` (same index): ``text`` (clean, None for no text),
    ``sentiment``, ``polarity``, ``theme`` and ``excerpt``; each distinct text scored once."""
    codes, distinct = pd.factorize(texts, use_na_sentinel=True)
    rows = [_score_one(value, themes) for value in distinct]
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    out = {}
    for name, values, dtype in zip(
        ("text", "sentiment", "polarity", "theme", "excerpt"),
        columns,
        (object, np.float64, np.int8, object, object),
        strict=True,
    ):
        table = np.array([*values, None if dtype is object else 0], dtype=dtype)
        out[name] = table[np.where(codes < 0, len(distinct), codes)]
    return pd.DataFrame(out, index=texts.index)


def _score_one(raw: object, themes: Mapping[str, Sequence[str]]) -> tuple:
    text = clean_text(raw)
    if text is None:
        return None, 0.0, 0, None, None
    score = sentiment(text)
    return text, score, polarity(score), assign_theme(text, themes), excerpt(text)
