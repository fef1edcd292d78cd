"""Text from documents and implementations, made safe to show: every character that a terminal would act on,
that would end or reorder a line, or that XML 1.0 forbids, becomes a visible backslash escape (``\\x1b``,
``\\u202e``). One definition for the terminal output of ``vmjob validate`` and for every report format."""

from __future__ import annotations

import re

#: Beyond the C0 controls: DEL and the C1 controls, bidirectional marks and overrides, the Unicode line and
#: paragraph separators, lone surrogates, and the two non-characters XML forbids.
BEYOND_C0 = "\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
_LINE = re.compile(f"[\x00-\x1f{BEYOND_C0}]")
#: The same but tab and newline, for a block of several lines.
_BLOCK = re.compile(f"[\x00-\x08\x0b-\x1f{BEYOND_C0}]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_line(text: str) -> str:
    """``text`` with every unsafe character, line breaks included, shown as an escape."""
    return _LINE.sub(_escape, text)


def escape_block(text: str) -> str:
    """``text`` with every unsafe character shown as an escape, tabs and newlines kept."""
    return _BLOCK.sub(_escape, text)
