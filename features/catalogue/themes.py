"""Recurring themes of what customers wrote, learned from their own texts at training.

A theme is a short list of keywords, most characteristic first, named by its first one
(``billing``: ``invoice``, ``charged``, ``refund``, ...). :func:`fit_themes` learns them
with scikit-learn: TF-IDF of the English texts' words (English stop words left out) and a
non-negative matrix factorisation into :data:`THEME_COUNT` parts, initialised by NNDSVD
(no random start; ``random_state`` is fixed all the same), on the texts sorted, so the
same texts give the same themes in any order. Each part's top words that belong mostly to
it (:data:`DISTINCTIVE_SHARE`) are its keywords.

Like the usage norms they are fitted once, from texts known before the first
observation point (:func:`features.catalogue.norms.fit_feature_settings`), and carried in
``FeatureConfig.text_themes`` by the model to every later build; a build assigns each text
the theme whose keywords it holds most (:func:`features.catalogue.text.assign_theme`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from features.catalogue.text import clean_text, is_english, words

THEME_COUNT = 10
"""Themes fitted at most (each gets one feature: the share of texts about it)."""

KEYWORDS_PER_THEME = 6
DISTINCTIVE_SHARE = 0.6
"""A word is a theme's keyword only when the theme holds at least this share of the word's
weight over all themes: words every theme uses (``team``, ``month``) say nothing about one."""

MIN_TEXTS = 200
"""Fewer English texts than this before the cut: no themes (too few to find what recurs)."""

MAX_TEXTS = 50_000
"""At most this many texts are fitted on (the latest ones), which bounds the fit to seconds."""

MIN_DOCUMENTS = 5
"""A word must appear in this many texts to be a keyword (names and typos do not recur)."""

SEED = 0


def fit_themes(texts: Iterable[object], count: int = THEME_COUNT) -> dict[str, tuple[str, ...]]:
    """Themes (label -> keywords) of ``texts``, or {} with fewer than :data:`MIN_TEXTS` English texts.

    Labels are each theme's first keyword; a theme whose label another theme already took
    is dropped, as is one with fewer than two keywords. Themes come back sorted by label.
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    cleaned = sorted(t for t in map(clean_text, texts) if t is not None and is_english(t))
    if len(cleaned) < MIN_TEXTS:
        return {}
    vectorizer = TfidfVectorizer(
        tokenizer=words,
        token_pattern=None,
        lowercase=False,
        stop_words=sorted(ENGLISH_STOP_WORDS),
        min_df=MIN_DOCUMENTS,
        max_df=0.5,
        max_features=2_000,
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform(cleaned)
    except ValueError:  # no word left after the stop words and the document limits
        return {}
    vocabulary = vectorizer.get_feature_names_out()
    count = min(count, matrix.shape[1], matrix.shape[0])
    if count < 1:
        return {}
    model = NMF(n_components=count, init="nndsvd", random_state=SEED, max_iter=500)
    with np.errstate(invalid="ignore"):  # a rounding error below 0 in its loss, harmless
        model.fit(matrix)
    themes: dict[str, tuple[str, ...]] = {}
    weights = model.components_
    share = weights / np.maximum(weights.sum(axis=0, keepdims=True), 1e-12)
    for component, owned in zip(weights, share, strict=True):
        order = np.lexsort((vocabulary, -np.round(component, 12)))
        mine = [i for i in order if component[i] > 0 and owned[i] >= DISTINCTIVE_SHARE]
        top = [vocabulary[i] for i in mine[:KEYWORDS_PER_THEME]]
        if len(top) >= 2 and top[0] not in themes:
            themes[str(top[0])] = tuple(str(w) for w in top)
    return dict(sorted(themes.items()))
