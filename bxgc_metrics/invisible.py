"""Characters that show nothing, and a name as its reader sees it.

Text copied from a web page, an office system or a chat carries characters no screen
shows: a zero-width space, a byte-order mark inside the text, a direction mark, a word
joiner, a soft hyphen. 东城街道 followed by one of them reads as 东城街道 but is another
string, so a name or a figure compared as written would not be the one the reader sees.
The importer removes them from every cell it reads, and the store from every name it is
given, so that both speak of the same 东城街道.
"""

from __future__ import annotations

INVISIBLE = dict.fromkeys(
    [0x00AD, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070), 0xFEFF]
)
"""The characters, as :meth:`str.translate` removes them: the soft hyphen, zero-width
spaces and joiners, direction marks and embeddings, the word joiner and its kin, and the
byte-order mark."""


def as_read(text: str) -> str:
    """``text`` without the characters that show nothing, and trimmed.

    >>> as_read(" 东城\\u200b街道\\ufeff "), as_read("Dongcheng\\u00ad")
    ('东城街道', 'Dongcheng')
    """
    return text.translate(INVISIBLE).strip()
