"""Known data sets, known answers: every CKM figure with its denominator."""

from __future__ import annotations

import pytest
from django.utils import translation

from vangnet.monitor import figures
from vangnet.monitor.tallies import Filters

V = {"role": "victim_self", "victim_exploited": "yes", "date": "2020-03-10"}


def ckm(year=2020, min_cell=1, filters=None):
    result = figures.monitor(year=year, min_cell=min_cell, filters=filters)
    return {s.figure_id: s for s in result.ckm}, result


def test_the_2020_ckm_table(load_rows):
    # 283 contacts: 250 victims. Forms over all contacts: 259 / 12 / 11 / 1.
    load_rows(
        [
            (1, {**V, "exploitation_forms": "labour", "victim_age_band": "18_23"}),
            (11, {**V, "exploitation_forms": "criminal", "victim_age_band": "18_23"}),
            (12, {**V, "exploitation_forms": "sexual;criminal", "victim_age_band": "15_17"}),
            # 226 sexual-only victims: 40 under 12/12-14 share, parents, social media, images.
            (
                36,
                {
                    **V,
                    "exploitation_forms": "sexual",
                    "victim_age_band": "12_14",
                    "perpetrator_relation": "parent_stepparent;network_group",
                    "duration": "over_2_years",
                    "first_helper_contact": "yes",
                },
            ),
            (
                14,
                {
                    **V,
                    "exploitation_forms": "sexual",
                    "victim_age_band": "12_14",
                    "perpetrator_relation": "parent_stepparent",
                    "duration": "1_2_years",
                    "first_helper_contact": "yes",
                },
            ),
            (
                62,
                {
                    **V,
                    "exploitation_forms": "sexual",
                    "victim_age_band": "15_17",
                    "recruitment_channel": "social_media;via_friends",
                    "coercion_means": "threat_share_images",
                    "first_helper_contact": "yes",
                },
            ),
            (
                52,
                {
                    **V,
                    "exploitation_forms": "sexual",
                    "victim_age_band": "15_17",
                    "recruitment_channel": "street_public",
                    "first_helper_contact": "no",
                },
            ),
            (
                50,
                {
                    **V,
                    "exploitation_forms": "sexual",
                    "victim_age_band": "unknown",
                    "first_helper_contact": "yes",
                },
            ),
            (12, {**V, "exploitation_forms": "sexual", "victim_age_band": "24_plus"}),
            # 33 contacts by others about someone else, all sexual exploitation.
            (
                33,
                {
                    "date": "2020-07-01",
                    "role": "parent_carer",
                    "victim_exploited": "suspected",
                    "exploitation_forms": "sexual",
                    "victim_age_band": "12_14",
                },
            ),
            # Another year and a not-exploited young person must not count in 2020's victims.
            (5, {**V, "date": "2019-05-05", "exploitation_forms": "sexual"}),
        ]
    )
    shown, _result = ckm()

    def check(figure_id, count, denominator=None):
        figure = shown[figure_id]
        assert figure.numerator.count == count, figure_id
        assert not figure.numerator.hidden
        if denominator is not None:
            assert figure.denominator.count == denominator, figure_id

    check("contacts", 283)
    check("victims", 250, 283)
    check("forms_sexual_only", 259, 283)
    check("forms_sexual_criminal", 12, 283)
    check("forms_criminal_only", 11, 283)
    check("forms_labour", 1, 283)
    check("first_time", 36 + 14 + 62 + 50, 250)
    # Age known for 200 victims: minors 36+14+62+52+12 = 176; under 15: 50.
    check("minors", 176, 200)
    check("under_15", 50, 200)
    check("parent", 50, 250)
    check("parent_over_2y", 36, 50)
    # Recruitment known for 62 + 52 victims; social media for 62 (the multi-choice combination).
    check("social_media", 62, 114)
    check("nude_images", 62, 250)
    # The percentage is of the published (perturbed) counts: near 250 / 283 = 88.3%.
    victims = shown["victims"]
    assert victims.percent == 100 * victims.numerator.published / victims.denominator.published
    assert abs(victims.percent - 88.3) < 2.5
    assert shown["first_time"].denominator_label == figures.DEN_VICTIMS
    assert shown["minors"].denominator_label == figures.DEN_KNOWN


def test_small_counts_are_hidden_and_cannot_be_worked_out(load_rows):
    load_rows(
        [
            (40, {**V, "exploitation_forms": "sexual", "victim_age_band": "15_17"}),
            (3, {**V, "exploitation_forms": "criminal", "victim_age_band": "15_17"}),
            (20, {**V, "exploitation_forms": "sexual;criminal", "victim_age_band": "18_23"}),
            (15, {**V, "role": "parent_carer", "exploitation_forms": "sexual"}),
        ]
    )
    shown, result = ckm(min_cell=10)
    assert str(shown["forms_criminal_only"].numerator) == "<10"
    assert shown["forms_criminal_only"].percent is None
    # The forms split adds up to all contacts: a second category must be hidden too.
    split = [shown[f"forms_{cat}"] for cat, _label in figures.FORMS_CKM]
    hidden_nonzero = [s for s in split if s.numerator.hidden and s.numerator.count > 0]
    assert len(hidden_nonzero) >= 2
    # In every single-choice distribution, no single hidden count above zero.
    for dist in result.distributions:
        if dist.multi:
            continue
        cells = [row.shown.numerator for row in dist.rows]
        assert sum(c.hidden and c.count > 0 for c in cells) != 1, dist.key
    # The months add up to the quarter: with March alone in Q1, nothing leaks either.
    for row in result.trend:
        assert row.figures[0].numerator.hidden or row.figures[0].numerator.count >= 10


def test_a_filter_hides_counts_that_differ_by_a_few_from_the_unfiltered_view(load_rows):
    load_rows(
        [
            (30, {**V, "exploitation_forms": "sexual", "channel": "chat"}),
            (4, {**V, "exploitation_forms": "sexual", "channel": "phone"}),
        ]
    )
    shown, _result = ckm(min_cell=10, filters=Filters(channels=("chat",)))
    # 34 unfiltered minus 30 filtered would reveal the 4 phone contacts.
    assert shown["contacts"].numerator.hidden
    unfiltered, _result = ckm(min_cell=10)
    assert unfiltered["contacts"].numerator.count == 34
    assert not unfiltered["contacts"].numerator.hidden


def test_filters_count_only_matching_contacts(load_rows):
    load_rows(
        [
            (30, {**V, "exploitation_forms": "sexual", "victim_age_band": "15_17"}),
            (20, {**V, "exploitation_forms": "criminal", "victim_age_band": "18_23"}),
        ]
    )
    shown, _result = ckm(filters=Filters(forms=("criminal",)))
    assert shown["contacts"].numerator.count == 20
    shown, _result = ckm(filters=Filters(age_bands=("15_17",)))
    assert shown["forms_sexual_only"].numerator.count == 30


def test_contacts_of_an_older_codebook_are_counted_with_the_same_codes(load_rows):
    load_rows(
        [
            (12, {**V, "exploitation_forms": "sexual", "codebook_version": "2026.1"}),
            (13, {**V, "exploitation_forms": "sexual", "codebook_version": "2026.2"}),
        ]
    )
    shown, _result = ckm()
    assert shown["forms_sexual_only"].numerator.count == 25


@pytest.mark.parametrize("granularity", ["month", "quarter", "year"])
def test_trend_buckets(load_rows, granularity):
    load_rows([(12, {**V, "date": "2020-02-01"}), (15, {**V, "date": "2020-11-30"})])
    with translation.override("en"):
        result = figures.monitor(year=2020, granularity=granularity, min_cell=1)
    counts = {row.label: row.figures[0].numerator.count for row in result.trend}
    expected = {
        "month": {"2020-02": 12, "2020-11": 15},
        "quarter": {"2020 Q1": 12, "2020 Q4": 15},
        "year": {"2020": 27},
    }[granularity]
    assert {k: v for k, v in counts.items() if v} == expected


def test_the_2020_table_at_the_default_threshold_hides_only_what_it_must(load_rows):
    test_the_2020_ckm_table(load_rows)
    shown, _result = ckm(min_cell=10)
    hidden = {figure_id for figure_id, s in shown.items() if s.numerator.hidden}
    # Labour (1) is below 10; criminal only (11) is hidden too, or 283 - 259 - 12 - 11 = 1.
    assert hidden == {
        "forms_labour",
        "forms_criminal_only",
        "forms_other_combination",
        "forms_unknown_none",
    }
    assert abs(shown["first_time"].percent - 64.8) < 3


def test_quarters_are_named_in_dutch(load_rows):
    load_rows([(12, {**V, "date": "2020-02-01"})])
    with translation.override("nl"):
        result = figures.monitor(year=2020, granularity="quarter", min_cell=1)
    assert [row.label for row in result.trend][0] == "2020 K1"


def test_one_count_in_two_tables_is_shown_alike(load_rows):
    """The answer "form unknown" and the CKM's "form unknown or none" count the same contacts:
    the same published number, or hidden in both (issue 15: 22 in one, "<10" in the other)."""
    load_rows(
        [
            (40, {**V, "exploitation_forms": "sexual"}),
            (22, {**V, "exploitation_forms": "unknown"}),
            (3, {**V, "exploitation_forms": "labour"}),
            (12, {**V, "exploitation_forms": "criminal"}),
        ]
    )
    for min_cell in (10, 23):
        shown, result = ckm(min_cell=min_cell)
        ckm_unknown = shown["forms_unknown_none"].numerator
        forms = next(d for d in result.distributions if d.key == "exploitation_forms")
        answer_unknown = next(r for r in forms.rows if r.code == "unknown").shown.numerator
        assert str(ckm_unknown) == str(answer_unknown)
        assert ckm_unknown.hidden == answer_unknown.hidden
