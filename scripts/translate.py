"""Fill in msgstr values of a catalog: python scripts/translate.py PO 'msgid=msgstr' ...

A small helper for translators working without a PO editor; fuzzy marks on the entries are removed.
Run scripts/messages.sh afterwards to compile.
"""

import re
import sys


def set_translation(text: str, msgid: str, msgstr: str) -> str:
    pattern = re.compile(r'((?:#[^\n]*\n)*)msgid "' + re.escape(msgid) + r'"\nmsgstr "[^"]*"\n')

    def replace(match: re.Match) -> str:
        comments = "".join(
            line + "\n" for line in match.group(1).splitlines() if not line.startswith(("#, fuzzy", "#| "))
        )
        return f'{comments}msgid "{msgid}"\nmsgstr "{msgstr}"\n'

    text, count = pattern.subn(replace, text)
    if count != 1:
        raise SystemExit(f"msgid not found exactly once: {msgid!r}")
    return text


if __name__ == "__main__":
    path, pairs = sys.argv[1], sys.argv[2:]
    with open(path, encoding="utf-8") as handle:
        content = handle.read()
    for pair in pairs:
        msgid, msgstr = pair.split("=", 1)
        content = set_translation(content, msgid, msgstr)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(content)
