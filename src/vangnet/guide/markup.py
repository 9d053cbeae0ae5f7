"""The small markup of content pages: safe to edit in the admin, rendered to escaped HTML.

Blocks are separated by blank lines: '## ' and '### ' start headings, '- ' list items,
'1. ' numbered steps, '> ' a highlighted note; anything else is a paragraph.
Inline: **bold** and [text](target), where target is https://…, tel:…, mailto:…,
page:<address> (another content page) or route:<name> (a page of this site).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

LINK_RE = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
BOLD_RE = re.compile(r"\*\*([^*\n]+)\*\*")
ORDERED_RE = re.compile(r"^\d{1,2}\.\s+")
PLACEHOLDER_RE = re.compile("\x00(\\d+)\x00")
ROUTES = frozenset(
    {
        "guide:home",
        "guide:directory",
        "guide:parent_check",
        "guide:young_check",
        "guide:audience_parents",
        "guide:audience_young",
        "guide:audience_professionals",
        "chat_public:chat",
    }
)

Resolver = Callable[[str], str | None]


def default_resolver(target: str) -> str | None:
    """The address a link target stands for, or None when it is not allowed."""
    if target.startswith(("https://", "tel:", "mailto:")):
        return target
    if target.startswith("page:") and re.fullmatch(r"[-a-z0-9]+", target[5:]):
        return reverse("guide:page", kwargs={"slug": target[5:]})
    if target.startswith("route:") and target[6:] in ROUTES:
        try:
            return reverse(target[6:])
        except NoReverseMatch:
            return None
    return None


def _inline(text: str, resolve: Resolver) -> str:
    """Escaped text with its links and bold; bold may span a link ("**Call [112](tel:112).**")."""
    links: list[str] = []

    def hold(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        href = resolve(target)
        if href is None:
            links.append(_bold(escape(label)))
        else:
            external = ' rel="noreferrer"' if href.startswith("https://") else ""
            links.append(f'<a href="{escape(href)}"{external}>{_bold(escape(label))}</a>')
        return f"\x00{len(links) - 1}\x00"

    # Links are set aside as placeholders (NUL cannot come from the escaped text), so that
    # bold is found across them, then put back.
    held = LINK_RE.sub(hold, text.replace("\x00", ""))
    return PLACEHOLDER_RE.sub(lambda m: links[int(m.group(1))], _bold(escape(held)))


def _bold(escaped: str) -> str:
    return BOLD_RE.sub(r"<strong>\1</strong>", escaped)


def _starts_list(line: str) -> bool:
    return line.startswith("- ") or ORDERED_RE.match(line) is not None


def _blocks(text: str) -> Iterator[list[str]]:
    block: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip().startswith(("## ", "### ")):
            # A heading is a block of its own, even without a blank line after it.
            if block:
                yield block
            yield [line.strip()]
            block = []
        elif line.strip():
            if block and _starts_list(line.strip()) and not _starts_list(block[0]):
                # A list straight under a paragraph line ("It goes like this:") is a list of
                # its own, not more words of the paragraph.
                yield block
                block = []
            block.append(line.strip())
        elif block:
            yield block
            block = []
    if block:
        yield block


def render(text: str, resolve: Resolver = default_resolver) -> SafeString:
    html: list[str] = []
    for block in _blocks(text):
        first = block[0]
        if first.startswith("### "):
            html.append(f"<h3>{_inline(' '.join(block)[4:], resolve)}</h3>")
        elif first.startswith("## "):
            html.append(f"<h2>{_inline(' '.join(block)[3:], resolve)}</h2>")
        elif first.startswith("> "):
            body = " ".join(line.removeprefix("> ").removeprefix(">") for line in block)
            html.append(f'<p class="callout">{_inline(body, resolve)}</p>')
        elif first.startswith("- "):
            html.append(
                _list(
                    "ul", block, lambda line: line[2:] if line.startswith("- ") else None, resolve
                )
            )
        elif ORDERED_RE.match(first):
            html.append(
                _list(
                    "ol",
                    block,
                    lambda line: (
                        ORDERED_RE.sub("", line, count=1) if ORDERED_RE.match(line) else None
                    ),
                    resolve,
                )
            )
        else:
            html.append(f"<p>{_inline(' '.join(block), resolve)}</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - every piece of text above is escaped


def _list(
    tag: str, block: list[str], item_text: Callable[[str], str | None], resolve: Resolver
) -> str:
    """List items; a line that starts no new item continues the one before."""
    items: list[str] = []
    for line in block:
        text = item_text(line)
        if text is None and items:
            items[-1] += " " + line
        else:
            items.append(text if text is not None else line)
    inner = "".join(f"<li>{_inline(item, resolve)}</li>" for item in items)
    return f"<{tag}>{inner}</{tag}>"
