"""The text ``bittts extract`` prints: a Document's blocks, one blank line apart, and a line
``# Title`` where a chapter starts (``##`` for a level 2 chapter, and so on). When the chapter's
first block is a heading with the chapter's title, the marker takes that heading's place;
otherwise it comes before the block. docs/cli.md describes the format.
"""

from __future__ import annotations

from .model import Document


def extracted_text(document: Document) -> str:
    """``document`` as ``bittts extract`` prints it (ending with a line break). Linear."""
    text = document.text
    chapters = sorted(document.chapters, key=lambda c: c.start)
    lines: list[str] = []
    k = 0
    for block in document.blocks:
        block_text = text[block.start : block.end]
        starting = []
        while k < len(chapters) and chapters[k].start < block.end:
            starting.append(chapters[k])
            k += 1
        replaced = False
        for chapter in starting:
            lines.append("#" * max(1, min(6, chapter.level)) + " " + chapter.title)
            if not replaced and block.kind == "heading" and block_text == chapter.title:
                replaced = True
        if not replaced:
            lines.append(block_text)
    return "\n\n".join(lines) + "\n" if lines else ""
