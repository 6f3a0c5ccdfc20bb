"""The pure cores: identity checks, the stage machine and the matcher, without a database."""

import pytest

from caravan.referrals import identity, matching, stages


@pytest.mark.parametrize(("country", "number", "problem"), [
    ("TJ", "401234567", None), ("TJ", "40123456", "401234567"), ("IR", "K12345678", None),
    ("IR", "12345678", "K12345678"), ("ZW", "FN123456", None), ("ZW", "123456", "FN123456"),
    ("KZ", "N12345678", None), ("CN", "EA1234567", None), ("BD", "A0123456", None), ("LY", "N1234567", None),
    ("BH", "2345678", None), ("SC", "A123456", None), ("MN", "E1234567", None), ("RU", "751234567", None),
    ("FR", "12AB34567", None), ("FR", "AB", ""),
])
def test_passport_formats_per_nationality(country, number, problem):
    assert identity.passport_problem(country, number) == problem


def test_passport_numbers_are_normalised_and_masked():
    assert identity.normalise_passport(" fn-123 456 ") == "FN123456"
    assert identity.mask_passport("401234567") == "••••••567"
    assert identity.mask_passport("") == ""


@pytest.mark.parametrize(("code", "valid"), [
    ("C18.7", True), ("c50.9", True), ("I25", True), ("U07.1", True), ("Z99.89", True), ("C1", False),
    ("18.7", False), ("C18.", False), ("", False),
])
def test_icd10_codes(code, valid):
    assert identity.icd10_valid(code) is valid


def test_the_pathway_moves_one_step_and_stops_only_early():
    assert stages.allowed("received", "pre_assessment")
    assert not stages.allowed("received", "admitted")
    assert stages.allowed("offers", "declined")
    assert stages.allowed("letter_issued", "withdrawn")
    assert not stages.allowed("admitted", "withdrawn")
    assert not stages.allowed("closed", "follow_up")
    assert stages.next_of("follow_up") == "closed"
    assert stages.next_of("declined") is None


def H(fid, name, *, ready=("oncology",), capacity=2, used=0, languages=(), interpreters=(), accredited=False):
    return matching.Hospital(fid, name, frozenset(ready), capacity, used, frozenset(languages),
                             frozenset(interpreters), accredited)


def test_the_matcher_ranks_and_explains():
    need = matching.Need("oncology", "tg")
    match = matching.rank(need, [
        H(1, "Imam Khomeini", capacity=2, interpreters=["tg"], accredited=True),
        H(2, "Fatemeh Zahra", capacity=1, languages=["tg"]),
        H(3, "Ramsar", capacity=3, used=3, languages=["tg"]),
        H(4, "Khatam", capacity=None),
        H(5, "Chalus", ready=("general_surgery",)),
    ])
    assert [(c.hospital.name, c.eligible, c.score, c.reasons) for c in match.candidates] == [
        ("Imam Khomeini", True, 3.6667, ["capacity_left", "interpreter", "accredited"]),
        ("Fatemeh Zahra", True, 3.5, ["capacity_left", "speaks_language"]),
        ("Chalus", False, 0.0, ["not_ready"]),
        ("Khatam", False, 0.0, ["no_capacity_declared", "no_language"]),
        ("Ramsar", False, 0.0, ["capacity_used_up", "speaks_language"]),
    ]
    assert [c.left for c in match.eligible] == [2, 1]
    assert not match.nobody_ready


def test_the_matcher_says_when_nobody_is_ready():
    match = matching.rank(matching.Need("transplantation", "ar"), [H(1, "Imam Khomeini")])
    assert match.nobody_ready
    assert match.eligible == []
    assert matching.rank(matching.Need("oncology", "ar"), []).nobody_ready
