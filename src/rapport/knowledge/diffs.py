"""Line differences between two versions of an article, ready for a table."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

Kind = Literal["same", "removed", "added", "gap"]
CONTEXT_LINES = 3


@dataclass(frozen=True)
class DiffLine:
    kind: Kind
    old_number: int | None
    new_number: int | None
    text: str


def line_diff(old: str, new: str, *, context: int = CONTEXT_LINES) -> list[DiffLine]:
    """The changed lines (removed from old, added in new) with a few unchanged lines
    around each change; a "gap" line stands for the unchanged lines left out."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    lines: list[DiffLine] = []
    shown_until = 0  # old line index after the last one shown
    for group in matcher.get_grouped_opcodes(context):
        first_old = group[0][1]
        if first_old > shown_until:
            lines.append(DiffLine("gap", None, None, str(first_old - shown_until)))
        for op, a1, a2, b1, b2 in group:
            lines += _lines_of(op, old_lines, new_lines, a1, a2, b1, b2)
        shown_until = group[-1][2]
    if lines and shown_until < len(old_lines):
        lines.append(DiffLine("gap", None, None, str(len(old_lines) - shown_until)))
    return lines


def _lines_of(op: str, old_lines: list[str], new_lines: list[str],
              a1: int, a2: int, b1: int, b2: int) -> list[DiffLine]:
    if op == "equal":
        return [DiffLine("same", a1 + i + 1, b1 + i + 1, old_lines[a1 + i])
                for i in range(a2 - a1)]
    return ([DiffLine("removed", i + 1, None, old_lines[i]) for i in range(a1, a2)]
            + [DiffLine("added", None, i + 1, new_lines[i]) for i in range(b1, b2)])


def has_changes(lines: list[DiffLine]) -> bool:
    return any(line.kind != "same" for line in lines)
