"""What a person reads in the Markdown the pages write: the text with wording.plain's backslash
escapes and invisible word joiners removed (``force\\.example`` reads ``force.example``). Tests compare with this, so a
name or a reference in a page is found whether or not it was escaped."""

import re

_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>$:&=\"'])")


def read(markdown: str) -> str:
    return _ESCAPED.sub(r"\1", str(markdown)).replace("\u2060", "")
