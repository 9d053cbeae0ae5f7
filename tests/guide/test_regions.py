from vangnet.guide.regions import Province, provinces_for_postcode


def test_postcode_areas() -> None:
    assert provinces_for_postcode("1012 AB") == (Province.NOORD_HOLLAND,)
    assert provinces_for_postcode("9712cp") == (Province.GRONINGEN,)
    assert provinces_for_postcode("6211") == (Province.LIMBURG,)
    assert Province.GELDERLAND in provinces_for_postcode("3811")  # Amersfoort area borders it
    assert provinces_for_postcode("0123") == ()
    assert provinces_for_postcode("12345") == ()
    assert provinces_for_postcode("") == ()
