"""Fill in msgstr values of a gettext catalog without a PO editor.

    python scripts/translate.py PO 'msgid=msgstr' ['context|msgid=msgstr' ...]

Entries are matched by their whole msgid (wrapped lines are joined) and, with "context|", by msgctxt;
fuzzy marks on those entries are removed. Run scripts/messages.sh afterwards to compile.
"""

import re
import sys

QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _field(lines: list[str], keyword: str) -> str | None:
    """The joined value of ``keyword`` (msgid, msgctxt) in one entry's lines, or None."""
    value, inside = None, False
    for line in lines:
        if line.startswith(keyword + " "):
            value, inside = "".join(QUOTED.findall(line[len(keyword) :])), True
        elif inside and line.startswith('"'):
            value += "".join(QUOTED.findall(line))
        else:
            inside = False
    return value


def set_translation(text: str, key: str, msgstr: str) -> str:
    context, _, msgid = key.rpartition("|")
    entries = text.split("\n\n")
    found = 0
    for index, entry in enumerate(entries):
        lines = entry.split("\n")
        if _field(lines, "msgid") != msgid or (_field(lines, "msgctxt") or "") != context:
            continue
        found += 1
        kept = [line for line in lines if not line.startswith(("#, fuzzy", "#| "))]
        start = next(i for i, line in enumerate(kept) if line.startswith("msgstr "))
        end = start + 1
        while end < len(kept) and kept[end].startswith('"'):
            end += 1
        escaped = msgstr.replace("\\", "\\\\").replace('"', '\\"')
        entries[index] = "\n".join([*kept[:start], f'msgstr "{escaped}"', *kept[end:]])
    if found != 1:
        raise SystemExit(f"msgid found {found} times, expected once: {key!r}")
    return "\n\n".join(entries)


if __name__ == "__main__":
    path, pairs = sys.argv[1], sys.argv[2:]
    with open(path, encoding="utf-8") as handle:
        content = handle.read()
    for pair in pairs:
        key, msgstr = pair.split("=", 1)
        content = set_translation(content, key, msgstr)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(content)
