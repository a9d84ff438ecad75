"""The Chinese catalogue is complete, and the compiled .mo says what the .po says."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def po_entries(path: Path):
    """(context, msgid, msgstr) of a .po file; plural entries give their first form."""
    entries, key, current, field, context = [], None, [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("msgctxt "):
            context = ast.literal_eval(line.partition(" ")[2])
            continue
        if line.startswith(("msgid ", "msgstr ", "msgstr[0] ", "msgid_plural ")):
            if field in ("msgstr", "msgstr[0]"):
                entries.append((context, key, "".join(current)))
                context = None
            field, _, rest = line.partition(" ")
            if field == "msgid":
                key = None
            current = [ast.literal_eval(rest)]
        elif line.startswith('"'):
            current.append(ast.literal_eval(line))
        else:
            if field in ("msgstr", "msgstr[0]"):
                entries.append((context, key, "".join(current)))
                field, context = None, None
            continue
        if field == "msgid":
            key = "".join(current)
    return [(c, k, v) for c, k, v in entries if k]


def test_every_ui_string_has_a_chinese_translation():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 150
    assert [msgid for _context, msgid, msgstr in entries if not msgstr] == []


def test_compiled_catalogue_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for context, msgid, msgstr in po_entries(LOCALE / "django.po"):
        if context is not None:
            assert catalogue.pgettext(context, msgid) == msgstr
            continue
        assert catalogue.gettext(msgid) == msgstr or catalogue.ngettext(msgid, msgid, 1) == msgstr
