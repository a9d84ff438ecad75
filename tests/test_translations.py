"""The Chinese catalogue is complete, and the compiled .mo says what the .po says."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def po_entries(path: Path):
    """(msgid, msgstr) pairs of a .po file; plural entries give their first form."""
    entries, key, current, field = [], None, [], None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith(("msgid ", "msgstr ", "msgstr[0] ", "msgid_plural ")):
            if field in ("msgstr", "msgstr[0]"):
                entries.append((key, "".join(current)))
            field, _, rest = line.partition(" ")
            if field == "msgid":
                key = None
            current = [ast.literal_eval(rest)]
            if field == "msgid_plural":
                field = "msgid_plural"
        elif line.startswith('"'):
            current.append(ast.literal_eval(line))
        else:
            if field in ("msgstr", "msgstr[0]"):
                entries.append((key, "".join(current)))
                field = None
            continue
        if field == "msgid":
            key = "".join(current)
    return [(k, v) for k, v in entries if k]


def test_every_ui_string_has_a_chinese_translation():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 150
    assert [msgid for msgid, msgstr in entries if not msgstr] == []


def test_compiled_catalogue_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for msgid, msgstr in po_entries(LOCALE / "django.po"):
        assert catalogue.gettext(msgid) == msgstr or catalogue.ngettext(msgid, msgid, 1) == msgstr
