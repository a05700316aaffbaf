"""Text features: sentiment and themes of survey comments, CRM notes and ticket texts.

Dates are relative to AS_OF = 2025-07-01 00:00.
"""

from __future__ import annotations

import random

import pandas as pd
import pytest

from features.catalogue import CHURN_V1, FeatureConfig, build_features, render
from features.catalogue.norms import fit_feature_settings
from features.catalogue.text import (
    EXCERPT_CHARS,
    clean_text,
    excerpt,
    is_english,
    score_texts,
    sentiment,
)
from features.catalogue.themes import MIN_TEXTS, fit_themes

AS_OF = pd.Timestamp("2025-07-01")
POINTS = pd.DataFrame({"account_id": ["A1", "A2"], "as_of": [AS_OF, AS_OF]})
THEMES = FeatureConfig(
    text_themes={"invoice": ("invoice", "charged", "refund"), "outage": ("outage", "bugs")}
)
ACCOUNTS = [{"account_id": "A1"}, {"account_id": "A2"}]

NEGATIVE = "Charged twice this month, the invoice is wrong and finance is angry."
POSITIVE = "Great support, quick and helpful answers."


def _survey(account: str, when: str, comment: object, recorded: str | None = None) -> dict:
    return {
        "account_id": account,
        "responded_at": when,
        "kind": "nps",
        "score": 5,
        "comment": comment,
        "recorded_at": recorded,
    }


def _note(account: str, when: str, note: object, recorded: str | None = None) -> dict:
    row = {"account_id": account, "timestamp": when, "kind": "call", "note": note}
    return row | {"recorded_at": recorded}


def _texts(make_source, surveys, interactions, config=THEMES, quotes=False) -> pd.DataFrame:
    source = make_source({"accounts": ACCOUNTS, "surveys": surveys, "interactions": interactions})
    return build_features(source, POINTS, config=config, quotes=quotes).set_index("account_id")


def test_text_features_count_and_average_the_texts_of_their_window(make_source):
    frame = _texts(
        make_source,
        [_survey("A1", "2025-06-20", NEGATIVE), _survey("A1", "2025-01-10", POSITIVE)],
        [
            _note("A1", "2025-06-01", "Another outage, bugs everywhere, awful week."),  # 30 d
            _note("A1", "2025-04-02", POSITIVE),  # 90 d: in
            _note("A1", "2025-04-01 12:00", NEGATIVE),  # 90.5 d: out of the 90 days
            _note("A2", "2025-06-30", "Routine check-in."),  # neutral
        ],
    )
    a1, a2 = frame.loc["A1"], frame.loc["A2"]
    assert a1.texts_count_90d == 3 and a1.negative_texts_count_90d == 2
    assert a1.positive_texts_count_90d == 1
    assert a1.negative_texts_share_90d == pytest.approx(2 / 3)
    in_90 = [NEGATIVE, "Another outage, bugs everywhere, awful week.", POSITIVE]
    assert a1.texts_sentiment_avg_90d == pytest.approx(sum(map(sentiment, in_90)) / 3)
    year = [*in_90, NEGATIVE, POSITIVE]
    assert a1.texts_sentiment_avg_365d == pytest.approx(sum(map(sentiment, year)) / 5)
    assert a1.text_theme_invoice_share_90d == pytest.approx(1 / 3)
    assert a1.text_theme_outage_share_90d == pytest.approx(1 / 3)
    assert (a2.texts_count_90d, a2.negative_texts_count_90d, a2.texts_sentiment_avg_90d) == (
        1,
        0,
        0,
    )
    assert a2.text_theme_invoice_share_90d == 0


def test_text_features_see_only_texts_recorded_before_as_of(make_source):
    late = [_survey("A1", "2025-06-20", NEGATIVE, recorded="2025-07-01 00:00")]
    frame = _texts(make_source, late, [_note("A1", "2025-06-30 23:59", NEGATIVE)])
    a1 = frame.loc["A1"]
    assert a1.texts_count_90d == 1 and a1.negative_texts_count_90d == 1  # the note only
    on_time = [_survey("A1", "2025-06-20", NEGATIVE, recorded="2025-06-30 23:59")]
    assert _texts(make_source, on_time, []).loc["A1"].texts_count_90d == 1


def test_text_features_are_absent_without_text_columns(make_source):
    source = make_source(
        {"accounts": ACCOUNTS, "surveys": [_survey("A1", "2025-06-20", None)]},
        absent={"surveys": ("comment",)},
    )
    frame = build_features(source, POINTS, config=THEMES)
    assert "nps_latest" in frame and "texts_count_90d" not in frame
    assert not any(c.startswith("text_theme_") for c in frame)


BAD_TEXTS = {
    "empty": ("", "no text"),
    "blank": (" \t\n ", "no text"),
    "only symbols and digits": ("!!! 123 ???", "no text"),
    "control characters only": ("\x00\x07\x1b", "no text"),
    "replacement characters (undecodable bytes)": ("\ufffd\ufffd", "no text"),
    "very long": ("awful terrible broken " * 20_000, "negative"),
    "mojibake around English": ("\ufffdcharged twice, awful\ufffd invoice", "negative"),
    "German": ("Das Produkt ist leider sehr schlecht und langsam.", "neutral"),
    "Spanish": ("No funciona, muy malo.", "neutral"),
    "Japanese": ("製品の動作がとても遅いです。", "neutral"),
}


@pytest.mark.parametrize("text, expected", BAD_TEXTS.values(), ids=BAD_TEXTS.keys())
def test_text_features_take_bad_input_as_no_text_or_neutral(make_source, text, expected):
    frame = _texts(make_source, [], [_note("A1", "2025-06-30", text)], quotes=True).loc["A1"]
    counted = {"no text": 0}.get(expected, 1)
    assert frame.texts_count_90d == counted
    assert frame.negative_texts_count_90d == (expected == "negative")
    if expected == "neutral":
        assert frame.texts_sentiment_avg_90d == 0
        assert frame.text_theme_invoice_share_90d == 0  # a foreign text is about no theme
    if expected == "negative":
        assert len(frame.negative_text_example_90d) <= EXCERPT_CHARS + len("'' (CRM note)")


def test_text_scoring_takes_lone_surrogates_as_what_they_stand_for():
    """Strings read with ``errors='surrogateescape'`` hold them; DuckDB never gives them out."""
    scored = score_texts(
        pd.Series(["\udcff\udcfe", "awful\udcff invoice", None], dtype=object), THEMES.text_themes
    )
    assert pd.isna(scored["text"].iloc[0]) and scored["text"].iloc[1] == "awful invoice"
    assert scored["polarity"].tolist() == [0, -1, 0]
    assert scored["theme"].tolist()[1] == "invoice"


def test_text_clean_text_keeps_words_and_drops_what_is_not_text():
    assert clean_text("  ok\u200b then\x00\n\nbye\ufffd ") == "ok then bye"
    assert clean_text(None) is None and clean_text(float("nan")) is None
    assert clean_text(b"bytes are not decoded here") is None


def test_text_is_english_tells_other_languages_apart():
    assert is_english("Customer evaluating a cheaper tool, usage keeps dropping.")
    assert is_english("Great!")
    assert not is_english("Le support met des jours à répondre.")
    assert not is_english("Alles läuft wie erwartet, danke.")


def test_text_excerpt_cuts_at_a_word_and_redacts_addresses_and_numbers():
    quoted = excerpt("Call Jo at +44 20 7946 0958 or jo@example.com about invoice 123456789 " * 3)
    assert "@" not in quoted and "7946" not in quoted and "123456789" not in quoted
    assert len(quoted) <= EXCERPT_CHARS and quoted.endswith("…")
    assert excerpt("Short {template} text") == "Short (template) text"


def test_text_negative_sentence_quotes_the_theme_and_the_most_negative_example(make_source):
    frame = _texts(
        make_source,
        [_survey("A1", "2025-06-20", NEGATIVE)],
        [_note("A1", "2025-06-25", "Bad week."), _note("A1", "2025-06-26", POSITIVE)],
        quotes=True,
    )
    row = frame.loc["A1"].to_dict()
    assert sentiment(NEGATIVE) < sentiment("Bad week.") < 0
    assert render("negative_texts_count_90d", row) == (
        "2 negative comments or notes in the last 90 days, the most negative about invoice: "
        f"'{NEGATIVE}' (survey comment)"
    )
    assert render("text_theme_invoice_share_90d", row) == (
        f"33% of comments and notes in the last 90 days were about invoice: '{NEGATIVE}' "
        "(survey comment)"
    )
    # without quotes (as in training) the sentence still reads, without an example
    plain = _texts(make_source, [_survey("A1", "2025-06-20", NEGATIVE)], [])
    assert "negative_text_example_90d" not in plain
    assert render("negative_texts_count_90d", plain.loc["A1"].to_dict()) == (
        "1 negative comment or note in the last 90 days"
    )


def test_text_quote_of_equally_negative_texts_is_the_latest(make_source):
    frame = _texts(
        make_source,
        [],
        [_note("A1", "2025-06-01", "Awful week."), _note("A1", "2025-06-10", "Awful day.")],
        quotes=True,
    )
    assert sentiment("Awful week.") == sentiment("Awful day.")
    assert frame.loc["A1"].negative_text_example_90d == "'Awful day.' (CRM note)"


def test_text_ticket_columns_named_in_config_become_texts(make_source):
    source = make_source({"accounts": ACCOUNTS})
    connection = source.backend.con
    connection.execute(
        "CREATE TABLE support_tickets AS SELECT * FROM (VALUES "
        "('A1', 'T1', TIMESTAMP '2025-06-20', 'Refund please', 'We were charged twice, awful.'),"
        "('A1', 'T2', TIMESTAMP '2025-06-21', NULL, NULL)"
        ") AS t(account_id, ticket_id, opened_at, Subject, body)"
    )
    source = type(source).from_duckdb(connection)
    config = FeatureConfig(ticket_text_columns=("subject", "body", "no_such_column"))
    frame = build_features(source, POINTS, config=config, quotes=True).set_index("account_id")
    a1 = frame.loc["A1"]
    assert a1.tickets_count_90d == 2 and a1.texts_count_90d == 1
    assert a1.negative_text_example_90d == (
        "'Refund please. We were charged twice, awful.' (ticket)"
    )
    assert "texts_count_90d" not in build_features(source, POINTS)  # not configured: no texts


TOPICS = {
    "invoice": ("invoice", "charged", "refund", "billing"),
    "outage": ("outage", "downtime", "crash", "bugs"),
    "support": ("support", "ticket", "answer", "agent"),
    "sponsor": ("sponsor", "reorg", "leadership", "replacement"),
    "seats": ("seats", "licenses", "users", "adoption"),
    "dashboard": ("dashboard", "charts", "widgets", "layout"),
    "export": ("export", "spreadsheet", "download", "format"),
    "training": ("training", "webinar", "course", "certification"),
    "integration": ("integration", "salesforce", "connector", "sync"),
    "security": ("security", "password", "login", "permissions"),
}


def _corpus(n: int, seed: int = 0) -> list[str]:
    """``n`` texts, each naming three words of one of ten topics."""
    rng = random.Random(seed)
    texts = []
    for i in range(n):
        words = rng.sample(TOPICS[list(TOPICS)[i % len(TOPICS)]], 3)
        texts.append(f"The {words[0]} and the {words[1]} need a look, also the {words[2]}.")
    return texts


def test_fit_themes_finds_the_recurring_topics_whatever_the_order():
    texts = _corpus(1000)
    themes = fit_themes(texts)
    assert fit_themes(random.Random(3).sample(texts, len(texts))) == themes
    assert sorted(sorted(words) for words in themes.values()) == sorted(
        sorted(words) for words in TOPICS.values()
    )
    assert list(themes) == sorted(themes)


def test_fit_themes_needs_enough_english_texts():
    assert fit_themes(_corpus(MIN_TEXTS - 1)) == {}
    assert fit_themes(["Das Produkt ist leider sehr langsam geworden."] * 1000) == {}


def test_fitted_settings_learn_themes_only_from_texts_known_before_the_cut(make_source):
    known = [_note("A1", "2025-01-01", text) for text in _corpus(500)]
    late = [_note("A1", "2025-01-01", "The mascot parade was chaos.", recorded="2025-06-01")] * 300
    source = make_source({"accounts": ACCOUNTS, "interactions": known})
    with_late = make_source({"accounts": ACCOUNTS, "interactions": known + late})
    cut = pd.Timestamp("2025-02-01").to_pydatetime()
    fitted = fit_feature_settings(FeatureConfig(), source, cut)
    assert fitted.text_themes and fit_feature_settings(FeatureConfig(), with_late, cut) == fitted
    assert "mascot" not in str(fitted.text_themes)
    kept = fit_feature_settings(THEMES, source, cut)  # themes a config holds are kept
    assert kept.text_themes == THEMES.text_themes


def test_text_themes_are_part_of_the_feature_set_version():
    assert CHURN_V1.version(THEMES) != CHURN_V1.version()
    assert CHURN_V1.names(THEMES)[-2:] == (
        "text_theme_invoice_share_90d",
        "text_theme_outage_share_90d",
    )


@pytest.mark.parametrize(
    "themes, message",
    [
        ({"": ("invoice",)}, "empty label"),
        ({"billing": ()}, "non-empty lower-case keywords"),
        ({"billing": ("Invoice",)}, "non-empty lower-case keywords"),
    ],
)
def test_text_themes_config_rejects_bad_themes(themes, message):
    with pytest.raises(ValueError, match=message):
        FeatureConfig(text_themes=themes)
