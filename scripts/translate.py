"""Fill Dutch msgstrs from a Python dict file: ``python scripts/translate.py APP FILE``.

FILE holds ``T = {"English": "Nederlands", ...}``; entries already translated are kept.
"""

import runpy
import sys

import polib

path = f"{sys.argv[1]}/locale/nl/LC_MESSAGES/django.po"
table = runpy.run_path(sys.argv[2])["T"]
po = polib.pofile(path)
filled = 0
for entry in po:
    if entry.msgid in table and not entry.msgstr:
        entry.msgstr = table[entry.msgid]
        filled += 1
po.save(path)
missing = [e.msgid for e in po if not e.msgstr and not e.msgid_plural]
print(f"filled {filled}; still missing {len(missing)}")
for m in missing:
    print("  ", repr(m))
