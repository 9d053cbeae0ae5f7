from __future__ import annotations

import json
import string
from pathlib import Path

from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from vangnet.guide import regions
from vangnet.guide.forms import DirectoryForm
from vangnet.guide.regions import Province, provinces_for_postcode


def test_postcode_areas() -> None:
    assert provinces_for_postcode("1012 AB") == (Province.NOORD_HOLLAND,)
    assert provinces_for_postcode("9712cp") == (Province.GRONINGEN,)
    assert provinces_for_postcode("6211") == (Province.LIMBURG,)
    assert Province.GELDERLAND in provinces_for_postcode("3811")  # Amersfoort area borders it
    assert provinces_for_postcode("0123") == ()
    assert provinces_for_postcode("12345") == ()
    assert provinces_for_postcode("") == ()


# The browser's table and regions: the static file is what the generator makes, every postcode
# form of one area gives the same region, and a region search is the postcode's search.

STATIC_TABLE = Path(regions.__file__).parent / "static" / regions.STATIC_TABLE


def test_the_static_table_is_the_generators_output() -> None:
    # After a change to the postcode areas: `vangnet write_postcode_regions`.
    assert STATIC_TABLE.read_text(encoding="utf-8") == regions.postcode_regions_json()
    document = json.loads(STATIC_TABLE.read_text(encoding="utf-8"))
    assert sorted(document["areas"]) == [str(area) for area in range(10, 100)]
    assert document["areas"]["21"] == "NH-ZH"
    assert document["areas"]["42"] == "NB-UT-ZH"  # the canonical order, not the table's


def test_regions_are_read_in_any_order_and_written_in_one() -> None:
    assert regions.parse_region("ZH-NH") == regions.parse_region("NH-ZH") == ("NH", "ZH")
    assert regions.parse_region("NH-NH") == ("NH",)
    every = "-".join(reversed([str(p) for p in Province]))
    assert regions.parse_region(every) == tuple(sorted(str(p) for p in Province))
    for bad in ("", "nh", "NH-", "-", "NH--ZH", " NH", "NH ", "XX", "NH,ZH", "NH-ZH-" * 10):
        assert regions.parse_region(bad) is None, bad
    assert regions.region_code(["ZH", "NH", "ZH"]) == "NH-ZH"


def _written(digits: str, letters: str, form: int) -> str:
    return [
        f"{digits}{letters.upper()}",
        f"{digits} {letters.lower()}",
        f" {digits}{letters} ",
        digits,
        f"{digits} ",
    ][form]


@given(
    number=st.integers(1000, 9999),
    letters=st.text(alphabet=string.ascii_letters, min_size=2, max_size=2),
    form=st.integers(0, 4),
)
def test_every_form_of_a_postcode_has_its_areas_region(number: int, letters: str, form: int):
    postcode = _written(str(number), letters, form)
    area_region = regions.postcode_regions()[str(number)[:2]]
    assert regions.region_code(provinces_for_postcode(postcode)) == area_region
    # The server's normalised search is the same for the postcode and for its region ...
    by_postcode = QueryDict(mutable=True)
    by_postcode.update({"need": "talk", "postcode": postcode})
    by_region = QueryDict(f"need=talk&audience=&region={area_region}")
    assert DirectoryForm.variant_of(by_postcode) == DirectoryForm.variant_of(by_region)
    # ... and the canonical address of both is the one the browser asks for.
    assert DirectoryForm.canonical_query(by_postcode) == by_region.urlencode()
    assert DirectoryForm.canonical_query(by_region) == by_region.urlencode()
