"""Free text made inert inside Markdown: the one escape for anything a user or a file
supplied, wherever it is rendered (the app, the Markdown report, CDS Hooks cards)."""

from __future__ import annotations

import re

# Backslash-escaped: emphasis, code, links and images, HTML, headings, tables, strikethrough,
# LaTeX, and e-mail autolinks ('@').
MARKDOWN_SPECIALS = "\\`*_{}[]<>#|~$!@"
_MARKDOWN_ESCAPES = str.maketrans({character: "\\" + character for character in MARKDOWN_SPECIALS})
# Streamlit reads :material/icon:, :emoji: and :streamlit: in the text itself, where a backslash
# does not reach, and GFM links bare https:// and www. addresses: a zero-width space after
# such a colon and after 'www' leaves the text as it reads but breaks every one of them.
WORD_BREAK = "\u200b"
_GLUED = re.compile(r":(?=\S)|(?i:\bwww)(?=\.)")


def escape_markdown(text: str) -> str:
    """Text shown literally inside Markdown, on one line: each control character or line
    break becomes a space, and nothing in it is read as markup (emphasis, links, images,
    HTML, LaTeX, tables, icons or emoji)."""
    flat = "".join(character if character.isprintable() else " " for character in text)
    return _GLUED.sub(lambda glued: glued.group() + WORD_BREAK, flat.translate(_MARKDOWN_ESCAPES))
