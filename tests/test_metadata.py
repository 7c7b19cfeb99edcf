"""Country and year: from the manifest, the file name, the title page, the body; never a wild guess."""

from __future__ import annotations

import pytest

from strategyscan.ingestion import metadata


@pytest.mark.parametrize(
    ("name", "country", "iso3", "year"),
    [
        ("UK_2011_uk-cyber-security-strategy-final.pdf", "United Kingdom", "GBR", 2011),
        ("20211001_Singapore_National Cybersecurity Strategy_ENG.pdf", "Singapore", "SGP", 2021),
        ("AUS_2016_en.pdf", "Australia", "AUS", 2016),
        ("Côte_d\u2019Ivoire_2017.pdf", "Côte d'Ivoire", "CIV", 2017),
        ("20121123_Belgium_National Cybersecurity Strategy_FRN.txt", "Belgium", "BEL", 2012),
        ("Trinidad and Tobago_2012_strategy.pdf", "Trinidad and Tobago", "TTO", 2012),
        ("Korea_2019_National_Cybersecurity_Strategy.pdf", "South Korea", "KOR", 2019),
        ("Russia_2016_doctrine.pdf", "Russia", "RUS", 2016),
        ("national_strategy_final_v2.pdf", "", "", None),
        ("Charte-CYBERSECURITY_2021.pdf", "", "", 2021),
        ("IR7285-2005AnnualReport.pdf", "", "", 2005),
        ("NIST.CSWP.04162018.pdf", "", "", 2018),  # month, day, year
        ("SP800-181.pdf", "", "", None),  # 800 and 181 are no years
        ("report_12345.pdf", "", "", None),
    ],
)
def test_file_names(name, country, iso3, year):
    meta = metadata.from_file_name(name)
    assert (meta.country, meta.iso3, meta.year) == (country, iso3, year)


def test_language_tags_and_words_are_not_countries():
    assert metadata.from_file_name("Strategy_ENG_FRN_ICT_2015.pdf").iso3 == ""


def test_body_needs_a_clear_winner():
    assert metadata.dominant_country("Kenya will act. Kenya leads. Kenya and Uganda cooperate.") == "KEN"
    assert metadata.dominant_country("Kenya and Uganda. Kenya and Uganda. Kenya and Uganda.") == ""
    assert metadata.dominant_country("Only one mention of France.") == ""


def test_first_source_wins_field_by_field():
    a = metadata.Meta("Kenya", "KEN", None, "file name")
    b = metadata.Meta("Uganda", "UGA", 2014, "title page")
    merged = metadata.merge(a, b)
    assert (merged.iso3, merged.year) == ("KEN", 2014)
    assert merged.source == "country: file name; year: title page"


def test_later_sources_are_not_computed_once_fields_are_known():
    calls = []

    def body():
        calls.append(1)
        return metadata.Meta("Chad", "TCD", 2001, "body text")

    metadata.merge(metadata.Meta("Kenya", "KEN", 2014, "manifest"), body)
    assert calls == []


def test_the_front_matter_gives_the_date_printed_inside_the_cover():
    assert metadata.from_front_matter(["Computer Security Division August 2017 U.S. Department"]).year == 2017
    assert metadata.from_front_matter(["", "Publié en mai de 2021"]).year == 2021
    assert metadata.from_front_matter(["Астана, 15 декабря 2017 г."]).year == 2017
    assert metadata.from_front_matter(["Established in 1998, the agency has 40 staff."]).year is None
