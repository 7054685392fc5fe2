"""Whole-word blocklist matching that sees through simple disguises.

Both the phrase and the comment are folded the same way: Unicode NFKD with combining marks
dropped (so "spåm" and full-width letters match "spam") and case-folded. Each letter of the
phrase then becomes a small pattern that also accepts its l33t look-alikes, repeats of
itself ("spaaam") and dots, dashes, underscores or asterisks inserted between letters
("s.p.a.m", "s-p-a-m"). Words of a phrase may be separated by any run of non-letters.
Matches are whole words, plurals included: "spam" matches "spams" but not "spammer" or
"aspam". \\w is Unicode-aware, so phrases in any alphabet work.

Neighbouring letters can accept the same characters ("ll", or "i" and "l", which both take
"1" and "|"), so on a long run of such characters a backtracking regular expression tries
every way of sharing the run out between the letters: minutes to hours for one 5,000-character
comment. Text with such a run is checked by matches_linear() instead, which follows the same
rules in a single pass.
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
FILLER_CHARS = ".-_*·"
FILLER = r"[.\-_*·]*"
# Runs of look-alike characters longer than this are checked by matches_linear().
RUN_LIMIT = 32


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
    return [p for p in phrases if p.strip() and _matches(folded, p)]


def _matches(folded, phrase):
    if _long_run(phrase).search(folded):
        return matches_linear(folded, phrase)
    return bool(compile_phrase(phrase).search(folded))


@lru_cache(maxsize=1024)
def _long_run(phrase):
    """Finds a run of characters that several letters of the phrase could share."""
    chars = set(FILLER_CHARS)
    for ch in "".join(fold(phrase).split()):
        chars.update(ch + LOOKALIKES.get(ch, ""))
    return re.compile(f"[{re.escape(''.join(sorted(chars)))}]{{{RUN_LIMIT + 1},}}")


@lru_cache(maxsize=1024)
def _automaton(phrase):
    """compile_phrase()'s pattern as a small automaton: (edges, epsilon edges, final state).

    edges[state] lists (test, next state), where test is a set of characters or None for
    "not a letter or digit" (the pattern's [\\W_]).
    """
    edges, epsilon = [[]], [[]]

    def new_state():
        edges.append([])
        epsilon.append([])
        return len(edges) - 1

    state = 0
    for number, word in enumerate(fold(phrase).split()):
        if number:
            separator = new_state()
            edges[state].append((None, separator))
            edges[separator].append((None, separator))
            state = separator
        for position, ch in enumerate(word):
            if position:
                filler = new_state()
                epsilon[state].append(filler)
                edges[filler].append((set(FILLER_CHARS), filler))
                state = filler
            letter = new_state()
            chars = set(ch + LOOKALIKES.get(ch, ""))
            edges[state].append((chars, letter))
            edges[letter].append((chars, letter))
            state = letter
    final, before_s = new_state(), new_state()
    epsilon[state].append(final)
    edges[state].append((set("s5$"), final))
    edges[state].append((set("e3"), before_s))
    edges[before_s].append((set("s5$"), final))
    return edges, epsilon, final


def matches_linear(folded, phrase):
    """Whether compile_phrase(phrase) would find a match in folded text, in one pass."""
    edges, epsilon, final = _automaton(phrase)

    def closure(states):
        stack, seen = list(states), set(states)
        while stack:
            for target in epsilon[stack.pop()]:
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        return seen

    start = closure({0})
    active = set()
    for index in range(len(folded) + 1):
        if index == 0 or not folded[index - 1].isalnum():
            active |= start
        if final in active and (index == len(folded) or not folded[index].isalnum()):
            return True
        if index == len(folded) or not active:
            continue
        ch = folded[index]
        active = closure(
            {
                target
                for state in active
                for test, target in edges[state]
                if (not ch.isalnum() if test is None else ch in test)
            }
        )
    return False


# Letters from other scripts that look like Latin ones, and typed stand-ins, mapped to one
# Latin letter each (i, l, 1, | and ! all read as "l", so "Adm1n" and "Admln" meet "Admin").
CONFUSABLES = str.maketrans(
    {
        **dict.fromkeys("аαа", "a"),
        **dict.fromkeys("в", "b"),
        **dict.fromkeys("сϲ", "c"),
        **dict.fromkeys("ԁ", "d"),
        **dict.fromkeys("еεё3", "e"),
        **dict.fromkeys("ɡ9", "g"),
        **dict.fromkeys("нһ", "h"),
        **dict.fromkeys("iіιlӏ1|!ℓ", "l"),
        **dict.fromkeys("ј", "j"),
        **dict.fromkeys("кκ", "k"),
        **dict.fromkeys("м", "m"),
        **dict.fromkeys("оο0", "o"),
        **dict.fromkeys("рρ", "p"),
        **dict.fromkeys("ѕ5$", "s"),
        **dict.fromkeys("тτ7+", "t"),
        **dict.fromkeys("уу", "y"),
        **dict.fromkeys("хχ", "x"),
        **dict.fromkeys("ν", "v"),
        **dict.fromkeys("4@", "a"),
        **dict.fromkeys("8", "b"),
        **dict.fromkeys("2", "z"),
    }
)


def skeleton(name):
    """What a name looks like, for spotting impersonation: accents, case, spacing,
    punctuation, invisible and direction-changing characters dropped, look-alike letters from
    other scripts and typed stand-ins read as one Latin letter, "rn" read as "m"."""
    folded = fold(name).translate(CONFUSABLES)
    letters = "".join(ch for ch in folded if ch.isalnum())
    return letters.replace("rn", "m")
