"""A small, safe Markdown subset for survey texts written by members.

Supported: `*em*` and `_em_`, `**strong**`, links `[label](url)` to `https://`, `http://` and
`mailto:` only, bullet lists (`- ` or `* `), numbered lists (`1. `), a blank line between
paragraphs and a single line break kept as `<br>`. Nothing else is interpreted.

The whole text is HTML-escaped before any of this, so the only markup in the output is the markup
added here; a link's address is escaped text inside a quoted attribute and cannot break out.
A link with any other scheme (`javascript:`, `data:`, relative addresses) stays literal text.

Three renderings, for three kinds of place in a page:

- inline (`render_markdown(text)`, the `md` filter): for legends, labels and other phrasing
  content. Lists and paragraphs become lines separated by `<br>`, list items keeping a visible
  marker ("•" or their number), so a plain one-line text comes out as the text alone.
- block (`render_markdown(text, block=True)`, the `md_block` filter): for intros and help texts
  placed in a `<div>`. Paragraphs become `<p>` and lists `<ul>`/`<ol>`, but a text that is a
  single paragraph stays bare inline text, so it needs no wrapper either.
- plain (`markdown_to_text(text)`, the `md_text` filter): the words without formatting, for
  places that must not hold links or tags: inside another link, a hidden label, a message.

Emphasis never spans lines, and its content cannot hold its own delimiter (strong may hold
single-star emphasis), which keeps every pattern linear in the length of the text.
"""

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

_SPAN = re.compile(
    r"\[(?P<label>[^\[\]\n]+)\]\((?P<url>[^()\[\]\s]+)\)"
    r"|\*\*(?P<strong>[^\s*](?:(?:[^*]|\*(?!\*))*[^\s*])?)\*\*"
    r"|\*(?P<star>[^\s*](?:[^*]*[^\s*])?)\*"
    r"|(?<!\w)_(?P<under>[^\s_](?:[^_]*[^\s_])?)_(?!\w)"
)
# Checked on the escaped address; the scheme letters and "://" are never changed by escaping.
_SAFE_URL = re.compile(r"(?:https?://[^/\s]|mailto:\S)", re.IGNORECASE)
_BULLET = re.compile(r" {0,3}[-*] +(?P<content>\S.*)")
_NUMBERED = re.compile(r" {0,3}(?P<number>\d{1,9})\. +(?P<content>\S.*)")


@dataclass
class _Block:
    kind: str  # "p", "ul" or "ol"
    lines: list[str] = field(default_factory=list)
    start: int = 1  # the first number of a numbered list


def render_markdown(text: str, *, block: bool = False) -> Markup:
    """The text as safe HTML: inline by default, with paragraphs and lists when `block` is set."""
    blocks = _blocks(str(escape(text or "")))
    if not block or (len(blocks) == 1 and blocks[0].kind == "p"):
        return Markup("<br>".join(_inline_lines(blocks)))
    return Markup("\n".join(_block_html(item) for item in blocks))


def markdown_to_text(text: str) -> str:
    """The text without its Markdown: link labels instead of links, lines joined by spaces."""
    lines = _inline_lines(_blocks(str(escape(text or ""))), plain=True)
    return Markup(" ".join(lines)).unescape()


def _blocks(escaped: str) -> list[_Block]:
    blocks: list[_Block] = []
    after_blank = True
    for line in escaped.splitlines():
        if not line.strip():
            after_blank = True
            continue
        bullet, numbered = _BULLET.fullmatch(line), _NUMBERED.fullmatch(line)
        if bullet:
            kind, content = "ul", bullet["content"]
        elif numbered:
            kind, content = "ol", numbered["content"]
        else:
            kind, content = "p", line.strip()
        if after_blank or blocks[-1].kind != kind:
            blocks.append(_Block(kind, start=int(numbered["number"]) if numbered else 1))
        blocks[-1].lines.append(content.strip())
        after_blank = False
    return blocks


def _inline_lines(blocks: list[_Block], plain: bool = False) -> list[str]:
    """Every line of every block, list items with their marker, emphasis and links applied."""
    lines = []
    for item in blocks:
        for index, line in enumerate(item.lines):
            marker = {"p": "", "ul": "• ", "ol": f"{item.start + index}. "}[item.kind]
            lines.append(marker + _spans(line, plain))
    return lines


def _block_html(item: _Block) -> str:
    if item.kind == "p":
        return "<p>" + "<br>".join(_spans(line) for line in item.lines) + "</p>"
    entries = "".join(f"<li>{_spans(line)}</li>" for line in item.lines)
    start = f' start="{item.start}"' if item.kind == "ol" and item.start != 1 else ""
    return f"<{item.kind}{start}>{entries}</{item.kind}>"


def _spans(escaped: str, plain: bool = False) -> str:
    """Emphasis and links in one escaped line; each tag is closed around its own content."""
    parts, position = [], 0
    for match in _SPAN.finditer(escaped):
        parts.append(escaped[position : match.start()])
        position = match.end()
        if match["url"] is not None:
            parts.append(_link(match, plain))
            continue
        tag = "strong" if match["strong"] is not None else "em"
        inner = _spans(match["strong"] or match["star"] or match["under"], plain)
        parts.append(inner if plain else f"<{tag}>{inner}</{tag}>")
    parts.append(escaped[position:])
    return "".join(parts)


def _link(match: re.Match, plain: bool) -> str:
    if not _SAFE_URL.match(match["url"]):
        return match.group(0)
    label = _spans(match["label"], plain)
    return label if plain else f'<a href="{match["url"]}" rel="noopener noreferrer">{label}</a>'
