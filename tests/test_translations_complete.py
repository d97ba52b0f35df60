"""Every interface message exists in Dutch and French: a message left untranslated or
marked fuzzy shows English (or a guess) to a city's staff and in its documents."""

from __future__ import annotations

from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def entries(po: Path) -> list[list[str]]:
    """The catalogue's entries as their lines, without obsolete ones (``#~``)."""
    blocks = po.read_text(encoding="utf-8").split("\n\n")
    return [
        block.splitlines()
        for block in blocks
        if block.strip() and not block.lstrip().startswith("#~")
    ]


def text_of(lines: list[str], keyword: str) -> str | None:
    """The joined string of ``msgstr`` (or ``msgstr[n]``) lines, None when absent."""
    parts, inside = [], False
    for line in lines:
        if line.startswith(keyword + " "):
            inside = True
            parts.append(line.split(" ", 1)[1].strip().strip('"'))
        elif inside and line.startswith('"'):
            parts.append(line.strip().strip('"'))
        else:
            inside = False
    return "".join(parts) if parts else None


def problems(po: Path) -> list[str]:
    found = []
    for lines in entries(po):
        msgid = text_of(lines, "msgid")
        if not msgid:  # the header
            continue
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            found.append(f"fuzzy: {msgid}")
        translations = [
            text_of(lines, keyword)
            for keyword in ("msgstr", "msgstr[0]", "msgstr[1]")
            if text_of(lines, keyword) is not None
        ]
        if not translations or not all(translations):
            found.append(f"untranslated: {msgid}")
    return found


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_message_is_translated(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert problems(po) == []


def test_the_check_finds_an_untranslated_and_a_fuzzy_message(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n'
        'msgid "Close the day"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Release"\nmsgstr "Vrijgeven"\n\n'
        'msgid "Team"\nmsgstr "Team"\n\n'
        '#~ msgid "Old"\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    assert problems(po) == ["untranslated: Close the day", "fuzzy: Release"]
