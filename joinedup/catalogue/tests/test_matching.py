import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from joinedup.catalogue.evaluation import evaluate, read_labelled
from joinedup.catalogue.matching import DROPPED_G_WEIGHT, NeedMatcher, ServiceText
from joinedup.catalogue.selectors import need_match
from joinedup.catalogue.text import demutations, fold, stem, terms, within_distance

HERE = Path(__file__).parent
# Regression floors for the held-out test set, a little below what was measured.
TEST_TOP1 = 0.90
TEST_TOP3 = 0.97


def test_labelled_set_is_large_and_names_real_services(db):
    from joinedup.catalogue.models import Service

    rows = read_labelled(HERE / "need_phrasings.csv")
    assert len(rows) >= 150
    codes = set(Service.objects.values_list("code", flat=True))
    assert {expected for _text, expected in rows} <= codes
    assert len({expected for _text, expected in rows}) >= 80  # spread over the catalogue
    # Residents' phrasings, not the catalogue's own keywords read back.
    keywords = {k.lower() for s in Service.objects.all() for k in s.keywords + s.keywords_cy}
    copied = [text for text, _expected in rows if text.lower() in keywords]
    assert len(copied) <= len(rows) // 10, copied


def test_accuracy_on_the_labelled_set_meets_the_aim(db):
    result = evaluate(read_labelled(HERE / "need_phrasings.csv"))
    assert result.top1_rate >= 0.90, result.misses
    assert result.top3_rate >= 0.98, result.misses


def test_held_out_phrasings_do_not_regress(db):
    # Written after the keywords were tuned and never tuned against: the honest figure
    # (docs/benchmarks.md). This only guards against a regression.
    result = evaluate(read_labelled(HERE / "need_phrasings_holdout.csv"))
    assert result.total == 50
    assert result.top1_rate >= 0.94
    assert result.top3_rate >= 0.96


def test_validation_phrasings_do_not_regress(db):
    # Written before the second round of matcher work and held out from it; its misses
    # were studied in the third round, so it is a tuning set now (docs/benchmarks.md).
    from joinedup.catalogue.models import Service

    rows = read_labelled(HERE / "need_phrasings_validation.csv")
    assert len(rows) == 172
    assert {expected for _text, expected in rows} <= set(
        Service.objects.values_list("code", flat=True)
    )
    result = evaluate(rows)
    assert result.top1_rate >= 0.97, result.misses
    assert result.top3_rate >= 0.99, result.misses


def test_test_phrasings_are_held_out_and_do_not_regress(db):
    # Written before the third round of matcher work and never looked at phrase by
    # phrase while tuning: the honest figure (docs/benchmarks.md). This only guards
    # against a regression; the thresholds are below the measured figures.
    from joinedup.catalogue.models import Service

    with open(HERE / "need_phrasings_test.csv", encoding="utf-8", newline="") as handle:
        languages = [row["language"] for row in csv.DictReader(handle)]
    rows = read_labelled(HERE / "need_phrasings_test.csv")
    assert len(rows) == 232
    assert languages.count("cy") >= 25
    assert set(languages) == {"en", "cy"}
    assert {expected for _text, expected in rows} <= set(
        Service.objects.values_list("code", flat=True)
    )
    # None of it repeats a phrasing of the other three sets.
    earlier = {
        text.lower()
        for name in ("need_phrasings", "need_phrasings_holdout", "need_phrasings_validation")
        for text, _expected in read_labelled(HERE / f"{name}.csv")
    }
    assert not {text.lower() for text, _expected in rows} & earlier
    result = evaluate(rows)
    assert result.top1_rate >= TEST_TOP1
    assert result.top3_rate >= TEST_TOP3


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my bins weren't emptied", "missed-bin"),
        ("huge hole in the road", "potholes"),
        ("car dumped outside for weeks", "abandoned-vehicles"),
        ("potohle", "potholes"),  # a typing slip
        ("the streetlamp is off", "street-lights"),  # a compound word
        ("mae fy min heb ei gasglu", "missed-bin"),  # Welsh, with a mutation (bin → min)
        ("TWLL YN Y FFORDD", "potholes"),
        ("someone broke into my van", "report-crime"),  # an irregular past form
        ("old mattress thrown over the wall", "fly-tipping"),
        # The council's repairs when the home is the council's, else a housing
        # association's.
        ("damp in my council flat", "council-home-repairs"),
        ("damp in my flat", "housing-repair"),
    ],
)
def test_examples(db, text, expected):
    assert need_match(text=text)[0].service.code == expected


def test_confidence_is_low_when_the_need_is_unclear(db):
    unclear = need_match(text="rubbish")
    assert unclear[0].confidence < 0.45
    assert not unclear[0].confident
    clear = need_match(text="huge hole in the road")
    assert clear[0].confidence >= 0.9
    assert clear[0].confident
    assert [m.confidence for m in clear] == sorted((m.confidence for m in clear), reverse=True)


def test_nothing_matches_nonsense_or_nothing(db):
    assert need_match(text="qqqq zzzz") == []
    assert need_match(text="") == []
    assert need_match(text="the and of") == []


def test_evaluate_command_prints_accuracy(db, capsys):
    call_command("catalogue_evaluate", str(HERE / "need_phrasings.csv"))
    out = capsys.readouterr().out
    assert out.startswith("need_phrasings.csv: 191 phrasings, top-1 ")
    assert "top-3 " in out


def test_evaluate_command_reports_all_four_sets_by_default(db, capsys):
    call_command("catalogue_evaluate")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "need_phrasings.csv",
        "need_phrasings_holdout.csv",
        "need_phrasings_validation.csv",
        "need_phrasings_test.csv",
    ]


def test_evaluate_command_rejects_a_missing_file(db):
    with pytest.raises(CommandError, match="no such file"):
        call_command("catalogue_evaluate", str(HERE / "no_such_phrasings.csv"))


def test_text_helpers():
    assert fold("Sŵn\u2019s Café") == "swns cafe"
    assert fold("wagio'r bin") == "wagio r bin"
    assert stem("emptied") == stem("empty") == "empty"
    assert stem("dumped") == stem("dumping") == "dump"
    assert stem("biniau") == "bin"
    assert terms("My bins weren't emptied", "any") == ["bin", "empty"]
    assert "twll" in demutations("nhwll")
    assert "bin" in demutations("fin")
    assert within_distance("potohle", "pothole", 1)
    assert not within_distance("pothole", "potato", 1)
    # Irregular past forms meet the catalogue's form of the word.
    assert stem("broke") == stem("broken")
    assert stem("threw") == stem("thrown") == stem("throw")
    # A time word is dropped ("for weeks") unless it follows a question word.
    assert terms("car left for weeks", "any") == ["car", "left"]
    assert terms("which week is recycling", "any") == ["week", "recycl"]
    assert terms("pa wythnos", "cy") == [stem("wythnos")]
    assert terms("ers wythnos", "cy") == []
    # A child's age reads as a child; an adult's does not.
    assert "child" in terms("school for my 4 year old", "any")
    assert "child" in terms("my 10yr old son", "any")
    assert "child" not in terms("my 85 year old mum", "any")


def test_a_dropped_g_is_read_as_the_word():
    matcher = NeedMatcher(
        [
            ServiceText("parking", ("Parking permits",), (), ()),
            ServiceText("parks", ("Parks",), (), ()),
            ServiceText("leaks", ("Leaking roof",), (), ()),
        ],
        [],
    )
    assert matcher.expand("parkin") == {"park": DROPPED_G_WEIGHT}
    assert matcher.match("leakin")[0].code == "leaks"
    # Only for a word the catalogue does not know already.
    assert matcher.expand("park") == {"park": 1.0}


def test_matcher_uses_synonyms_at_a_lower_weight():
    matcher = NeedMatcher(
        [
            ServiceText("a", ("Refuse collection",), (), ()),
            ServiceText("b", ("Rubbish tip",), (), ()),
        ],
        [["refuse", "rubbish"]],
    )
    ranked = matcher.match("rubbish")
    assert [m.code for m in ranked] == ["b", "a"]
    assert ranked[0].score > ranked[1].score > 0
