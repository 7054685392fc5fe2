"""Blocklist matching: whole words, any case, accents, and simple disguises."""

import pytest

from moderation.blocklist import find


@pytest.mark.parametrize(
    "text",
    [
        "This is spam.",
        "SPAM!",
        "Spam, again",
        "sp4m",
        "$pam",
        "5p@m",
        "spaaaaam",
        "sssppaamm",
        "s.p.a.m",
        "s-p-a-m",
        "s_p_a_m",
        "s*p*a*m",
        "spåm",
        "ｓｐａｍ",  # full-width letters
        "spams",  # plurals
        "sp4m5",
    ],
)
def test_a_blocked_word_is_found_through_disguises(text):
    assert find(text, ["spam"]) == ["spam"]


@pytest.mark.parametrize(
    "text", ["spammer", "aspam", "spa m", "spat", "s p a m", "spamsy", "spammy", ""]
)
def test_only_whole_words_match(text):
    assert find(text, ["spam"]) == []


def test_phrases_match_across_any_separator_between_words():
    assert find("please BUY --- n0w!!", ["buy now"]) == ["buy now"]
    assert find("buying nowhere", ["buy now"]) == []


def test_matching_is_unicode_aware_for_other_alphabets():
    assert find("Это ПРОВОКАЦИЯ, не верьте", ["провокация"]) == ["провокация"]
    assert find("провокационный текст", ["провокация"]) == []
    assert find("Straße", ["strasse"]) == ["strasse"]  # case folding turns ß into ss


def test_plurals_of_a_blocked_word_are_found():
    assert find("Typical garbage from clueless idiots.", ["idiot"]) == ["idiot"]
    assert find("You people are morons", ["moron"]) == ["moron"]
    assert find("A moronic idea", ["moron"]) == []


def test_several_phrases_are_reported_in_list_order():
    assert find("idiot and moron", ["moron", "idiot", "fool"]) == ["moron", "idiot"]
