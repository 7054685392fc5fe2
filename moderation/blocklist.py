"""Whole-word blocklist matching that sees through simple disguises.

Both the phrase and the comment are folded the same way: Unicode NFKD with combining marks
dropped (so "spåm" and full-width letters match "spam") and case-folded. Each letter of the
phrase then becomes a small pattern that also accepts its l33t look-alikes, repeats of
itself ("spaaam") and dots, dashes, underscores or asterisks inserted between letters
("s.p.a.m", "s-p-a-m"). Words of a phrase may be separated by any run of non-letters.
Matches are whole words, plurals included: "spam" matches "spams" but not "spammer" or
"aspam". \\w is Unicode-aware, so phrases in any alphabet work.
"""

import re
import unicodedata
from functools import lru_cache

# Characters commonly typed in place of a letter.
LOOKALIKES = {
    "a": "4@",
    "b": "8",
    "e": "3",
    "g": "9",
    "i": "1!|",
    "l": "1|",
    "o": "0",
    "s": "5$",
    "t": "7+",
    "z": "2",
}
# An English plural ending, so "idiot" also holds "idiots" (but not "idiotic").
PLURAL = r"(?:[e3]?[s5$])?"
# What may be slipped in between the letters of a word.
FILLER = r"[.\-_*·]*"


def fold(text):
    """Case-fold and strip accents, keeping every other character (and so every boundary)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def _letter(ch):
    chars = ch + LOOKALIKES.get(ch, "")
    return f"[{re.escape(chars)}]+" if len(chars) > 1 else f"{re.escape(ch)}+"


@lru_cache(maxsize=1024)
def compile_phrase(phrase):
    """A regular expression matching the phrase as whole words, disguises included."""
    words = fold(phrase).split()
    parts = [FILLER.join(_letter(ch) for ch in word) for word in words]
    body = r"[\W_]+".join(parts) + PLURAL
    # Look-arounds instead of \b: l33t characters such as "$" or "@" are not word characters.
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])")


def find(text, phrases):
    """The phrases (in the order given) that occur in text."""
    folded = fold(text)
    return [p for p in phrases if p.strip() and compile_phrase(p).search(folded)]
