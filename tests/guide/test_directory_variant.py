"""A directory search is shared per normalised search (need, audience, region): the quick
check that picks the shared page must agree with the form, and never key on the postcode."""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from vangnet.guide.forms import DirectoryForm
from vangnet.guide.hours import AMSTERDAM, seconds_until_next_minute

# Valid values and near misses (case, spaces, too long, not Dutch, markup) of every field.
NEEDS = st.sampled_from(["", "talk", "care", "danger", "Talk", " talk", "praten", "<b>"])
AUDIENCES = st.sampled_from(["", "parents", "young", "professionals", "ouders", "Parents"])
PROVINCES = st.sampled_from(["", "UT", "GR", "ut", "XX", "UT "])
REGIONS = st.one_of(
    st.sampled_from(["", "NH", "NH-ZH", "ZH-NH", "NH-NH", "nh", "NH-", "-", "XX", " NH", "NH ZH"]),
    st.lists(st.sampled_from(["DR", "GE", "NH", "UT", "ZH", "ZZ", ""]), max_size=14).map("-".join),
)
POSTCODES = st.one_of(
    st.sampled_from(["", "8011AB", "8011 ab", " 1012AB ", "0123", "12345", "1234ABC", "9999ZZ"]),
    st.text(alphabet='0123456789 ABZabz"<>&\x00', max_size=10),
)


@given(
    need=NEEDS,
    audience=AUDIENCES,
    province=PROVINCES,
    region=REGIONS,
    postcode=POSTCODES,
    omit=st.sets(st.sampled_from(["need", "audience", "province", "region", "postcode"])),
)
def test_the_quick_check_agrees_with_the_form(
    need: str, audience: str, province: str, region: str, postcode: str, omit: set[str]
) -> None:
    values = {
        "need": need,
        "audience": audience,
        "province": province,
        "region": region,
        "postcode": postcode,
    }
    query = QueryDict(mutable=True)
    for name, value in values.items():
        if name not in omit:
            query[name] = value
    form = DirectoryForm(query)
    variant = DirectoryForm.variant_of(query)
    assert (variant is not None) == form.is_valid()
    if variant is not None:
        digits = form.cleaned_data["postcode"][:4]
        assert not digits or digits not in variant  # the region, never the postcode
        assert variant.split("|")[3:] == list(form.provinces())
    # The canonical address of a search: only for a valid one, without a postcode, and the
    # same search again (so nginx keeps one copy per search, never one per spelling).
    canonical = DirectoryForm.canonical_query(query)
    assert (canonical is not None) == form.is_valid()
    if canonical is not None:
        assert "postcode" not in canonical
        again = QueryDict(canonical)
        assert DirectoryForm.variant_of(again) == variant
        assert DirectoryForm.canonical_query(again) == canonical
        chosen = form.cleaned_data["province"]
        regional = not chosen and form.provinces()
        assert list(again) == [
            "need",
            "audience",
            *(["province"] if chosen else []),
            *(["region"] if regional else []),
        ]


def test_postcodes_in_one_region_share_a_variant_and_other_regions_do_not() -> None:
    def variant(postcode: str) -> str | None:
        return DirectoryForm.variant_of(QueryDict(f"need=talk&postcode={postcode}"))

    assert variant("8011AB") == variant("8012CD") == variant("8000")
    assert variant("8011AB") != variant("1012AB")


def test_a_shared_search_page_lives_until_the_next_minute_at_most() -> None:
    at = dt.datetime(2026, 12, 1, 8, 59, 15, tzinfo=AMSTERDAM)
    assert seconds_until_next_minute(at) == 45
    assert seconds_until_next_minute(at.replace(second=59)) == 1
    assert seconds_until_next_minute(at.replace(second=0)) == 60
