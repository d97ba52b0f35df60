"""How the permit desk finds a premises by what a clerk types: a trade name, an operator
or an address written any way people write one.

Both sides go through :func:`search_text`, so ``Café`` finds ``cafe``, ``Basiliekstr.``
finds ``Basiliekstraat``, ``Bergensestwg`` finds ``Bergensesteenweg``, ``12 bte 3``, ``12/3``
and ``12 b3`` find ``12 bus 3``. A premises keeps its normalised name, operator and
address in ``search_key`` (see :meth:`gis.models.Premises.save`) so the database can pick
the candidates; :func:`matches` then decides on the words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Written forms of a word, by the word they stand for.
ABBREVIATIONS = {
    "str": "straat",
    "stwg": "steenweg",
    "stw": "steenweg",
    "stwe": "steenweg",
    "ln": "laan",
    "bte": "bus",
    "bt": "bus",
    "boite": "bus",
    "box": "bus",
    "av": "avenue",
    "bd": "boulevard",
    "chee": "chaussee",
    "st": "sint",
}
# Street words Flemish and Dutch names write joined to the name before them
# (``Bergensesteenweg``), which people also type apart or abbreviated at the end.
STREET_WORDS = ("straat", "steenweg", "laan")
STREET_SET = frozenset(STREET_WORDS)
JOINED_ABBREVIATIONS = ("stwg", "stw", "str")
# ``12/3`` is house number 12, box 3; ``12b3`` too.
BOX_SLASH = re.compile(r"^(\d+[a-z]?)/(\w+)$")
BOX_JOINED = re.compile(r"^(\d+)b(\d+)$")
BOX_WORD = re.compile(r"^(b|bus|bte|bt|box)(\d+)$")
PUNCTUATION = re.compile(r"[^\w]+|_")
EDGE_PUNCTUATION = ".,;:()'\"-"


def fold(text: str) -> str:
    """Lower case without accents: ``Café`` → ``cafe``."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def expand(word: str) -> str:
    if word in ABBREVIATIONS:
        return ABBREVIATIONS[word]
    if word.endswith(JOINED_ABBREVIATIONS) and word[0].isalpha():
        for ending in JOINED_ABBREVIATIONS:
            if word.endswith(ending):
                return word[: -len(ending)] + ABBREVIATIONS[ending]
    return word


@functools.lru_cache(maxsize=100_000)
def word_parts(written: str) -> tuple[str, ...]:
    """One word as typed (``Basiliekstr.``, ``12/3``, ``Halle-Lembeek``) as the words it
    stands for. Cached: a layer repeats its street and town names thousands of times."""
    folded = fold(written).strip(EDGE_PUNCTUATION)
    if folded.isdigit():
        return (folded,)
    if folded.isalpha():
        return (expand(folded),)
    box = BOX_SLASH.match(folded) or BOX_JOINED.match(folded)
    if box:
        return (box[1], "bus", box[2])
    box = BOX_WORD.match(folded)
    if box:
        return ("bus", box[2])
    return tuple(expand(word) for word in PUNCTUATION.sub(" ", folded).split())


def search_text(text: str) -> str:
    """The words of ``text`` as the search compares them: folded, punctuation as spaces,
    abbreviations written out, street words joined to the name, box numbers as
    ``bus n`` (``bte 3``, ``/3``, ``b3``), a house number's letter joined to it
    (``12 a`` → ``12a``).

    Each comma-separated part is read on its own and remembered: a layer's addresses
    repeat their ``postcode town`` part, which then costs one lookup per row."""
    if "," not in text:
        return part_text(text)
    return " ".join(filter(None, map(part_text, text.split(","))))


@functools.lru_cache(maxsize=100_000)
def part_text(text: str) -> str:
    return " ".join(joined_words(text_words(text)))


def text_words(text: str) -> list[str]:
    return [part for written in text.split() for part in word_parts(written)]


def joined_words(words: list[str]) -> list[str]:
    """The words with each street word and house-number letter joined to the word before
    it. A word only ever joins the one before it, so the words of two texts one after
    the other join as each text's own, unless the second's first word joins the first's
    last (see :func:`line_texts`)."""
    if not words or (STREET_SET.isdisjoint(words) and min(map(len, words)) > 1):
        return words  # most addresses: nothing to join
    joined: list[str] = []
    for word in words:
        if joined and joins(joined[-1], word):
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def joins(previous: str, word: str) -> bool:
    """A street word joins its name (``bergense steenweg``), a letter its house number
    (``12 a``)."""
    if word in STREET_SET:
        return not previous[0].isdigit()
    return len(word) == 1 and word.isalpha() and previous.isdigit()


def may_join(word: str) -> bool:
    """Whether ``word`` joins some word before it; when not, it never does."""
    return word in STREET_SET or (len(word) == 1 and word.isalpha())


def premises_key(*parts: str) -> str:
    """What a premises is found by, stored in its ``search_key``."""
    return " | ".join(search_text(part) for part in parts if part)


def search_texts(texts: Sequence[str]) -> list[str]:
    """:func:`search_text` of each text, each distinct text read once."""
    found = {text: search_text(text) for text in set(texts)}
    return list(map(found.__getitem__, texts))


def line_texts(streets: Sequence[str], numbers: Sequence[str]) -> list[str]:
    """``search_text(f"{street} {number}")`` for each street and house number, with each
    distinct street and number read once: an address layer repeats a few hundred streets
    and a few thousand house numbers over every row, but hardly ever a whole line. A
    number whose first word joins the street's last (a street word, a lone letter), and
    a street or number holding a comma, are read with the line whole."""
    street_of = {street: part_text(street) for street in set(streets)}
    number_of: dict[str, str] = {}
    whole = {street for street in street_of if "," in street}
    for number in set(numbers):
        number_of[number] = part_text(number)
        if read_with_street(number):
            whole.add(number)
    street_texts = map(street_of.__getitem__, streets)
    number_texts = map(number_of.__getitem__, numbers)
    if all(street_of.values()) and all(number_of.values()):
        lines = list(map("{} {}".format, street_texts, number_texts))  # no test per row
    else:
        lines = [
            f"{street} {number}" if street and number else street or number
            for street, number in zip(street_texts, number_texts, strict=True)
        ]
    if whole:
        for row, (street, number) in enumerate(zip(streets, numbers, strict=True)):
            if street in whole or number in whole:
                lines[row] = search_text(f"{street} {number}")
    return lines


def read_with_street(number: str) -> bool:
    """Whether a house number is read with its street whole: its first word joins the
    street's last (a street word, a lone letter), or it holds a comma."""
    words = text_words(number)
    return "," in number or bool(words) and may_join(words[0])


def address_keys_of_parts(
    streets: Sequence[str], numbers: Sequence[str], places: Sequence[str]
) -> list[str]:
    """``address_texts(line_texts(streets, numbers), places)``, in one pass over the rows
    when every street, number and place has words and none reads with its line whole
    (an address layer, nearly always)."""
    street_of = {street: part_text(street) for street in set(streets)}
    number_of = {number: part_text(number) for number in set(numbers)}
    place_of = {place: search_text(place) for place in set(places)}
    simple = all(street_of.values()) and all(number_of.values()) and all(place_of.values())
    if (
        not simple
        or any("," in street for street in street_of)
        or any(map(read_with_street, number_of))
    ):
        return address_texts(line_texts(streets, numbers), places)
    return list(
        map(
            "{} {} {}".format,
            map(street_of.__getitem__, streets),
            map(number_of.__getitem__, numbers),
            map(place_of.__getitem__, places),
        )
    )


def address_texts(lines: Sequence[str], places: Sequence[str]) -> list[str]:
    """``search_text(f"{line}, {place}")`` from each line's and place's own: the parts
    between commas are read one by one and the empty ones left out, wherever the commas
    are."""
    place_of = {place: search_text(place) for place in set(places)}
    if len(lines) != len(places):
        raise ValueError("as many lines as places are needed")
    if all(place_of.values()) and all(lines):
        return list(map("{} {}".format, lines, map(place_of.__getitem__, places)))
    return [
        f"{line} {place_text}" if line and place_text else line or place_text
        for line, place_text in zip(lines, map(place_of.__getitem__, places), strict=True)
    ]


def premises_keys(
    names: Sequence[str],
    operators: Sequence[str],
    addresses: Sequence[str],
    address_keys: Sequence[str],
) -> list[str]:
    """:func:`premises_key` of many premises at once, the addresses' search texts given
    (``address_keys``); each distinct name and operator read once."""
    if not any(names) and not any(operators):
        return list(address_keys)
    name_keys, operator_keys = search_texts(names), search_texts(operators)
    return [
        " | ".join(key for part, key in ((n, nk), (o, ok), (a, ak)) if part)
        for n, nk, o, ok, a, ak in zip(
            names, name_keys, operators, operator_keys, addresses, address_keys, strict=True
        )
    ]


@dataclass(frozen=True)
class Wanted:
    """A typed search split the way addresses are written: ``street number``, an
    optional box, and the rest (postcode, town)."""

    words: tuple[str, ...]
    street_number: tuple[str, ...]
    box: str
    rest: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Wanted:
        words = tuple(search_text(text).split())
        number = next(
            (i for i, word in enumerate(words) if i and word[0].isdigit()),
            None,
        )
        if number is None:
            return cls(words, (), "", ())
        rest = words[number + 1 :]
        box = ""
        if len(rest) >= 2 and rest[0] == "bus":
            box, rest = rest[1], rest[2:]
        return cls(words, words[: number + 1], box, rest)

    @property
    def longest(self) -> str:
        """The word the database filters candidates by."""
        return max(self.street_number or self.words, key=len)


def phrase_at(words: list[str], phrase: Iterable[str]) -> int:
    """Where ``phrase`` starts in ``words`` as whole words, or -1."""
    wanted = list(phrase)
    for start in range(len(words) - len(wanted) + 1):
        if words[start : start + len(wanted)] == wanted:
            return start
    return -1


def same_number(typed: str, own: str) -> bool:
    """``12`` is the house number of ``12a`` too (typed without its letter); ``12a`` is
    not ``12b``, and ``12`` never ``120``."""
    return own == typed or (
        typed.isdigit() and own[: len(typed)] == typed and own[len(typed) :].isalpha()
    )


def address_match(wanted: Wanted, address: str) -> bool:
    """Street and number as typed; a box typed must be the premises' box, unless the
    premises is the whole building (no box of its own)."""
    words = search_text(address).split()
    *street, number = wanted.street_number
    size = len(wanted.street_number)
    for start in range(len(words) - size + 1):
        if words[start : start + size - 1] == street and same_number(
            number, words[start + size - 1]
        ):
            after = words[start + size :]
            own_box = after[1] if len(after) >= 2 and after[0] == "bus" else ""
            if not wanted.box or not own_box or own_box == wanted.box:
                return True
    return False


def name_match(wanted: Wanted, *names: str) -> bool:
    return any(phrase_at(search_text(name).split(), wanted.words) >= 0 for name in names if name)


def in_place(wanted: Wanted, address: str) -> bool:
    """The postcode and town typed (if any) are in the address."""
    words = set(search_text(address).split())
    return all(word in words for word in wanted.rest)
