"""The conformance badge: a flat, shields.io-like SVG, and a shields.io endpoint JSON for a hosted badge.

``vmjob required | conformant 712/712`` in green, ``not conformant 690/712`` in red, ``incomplete 300/712``
in grey for a run that left cases unanswered (interrupted, declined, cut short). A partial claim is named on
the badge: ``conformant (worker only) 341/341``, ``conformant (5/7 classes) 1890/1890``.
Text widths are estimated from Verdana's advance widths, as shields does,
so the badge needs no font at build time.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .util import clean, score, short_claim, state

COLOURS = {"brightgreen": "#4c1", "red": "#e05d44", "lightgrey": "#9f9f9f"}

# Approximate advance widths of Verdana 11px, in pixels.
_NARROW = set("ijlI.,:;|!'() ")
_WIDE = set("mwMW%@")


def _width(text: str) -> float:
    total = 0.0
    for ch in text:
        if ch in _NARROW:
            total += 3.9
        elif ch in _WIDE:
            total += 10.0
        elif ch.isupper() or ch.isdigit():
            total += 7.4
        else:
            total += 6.4
    return total


def badge_endpoint(report: dict[str, Any]) -> dict[str, Any]:
    """``{"schemaVersion": 1, "label", "message", "color"}``, as shields.io's endpoint badge reads it."""
    passed, run = score(report)
    scope = short_claim(report)
    scope = f" ({scope})" if scope else ""
    message, colour = {
        "conformant": (f"conformant{scope} {passed}/{run}", "brightgreen"),
        "incomplete": (f"incomplete{scope} {passed}/{run}", "lightgrey"),
        "failed": (f"not conformant{scope} {passed}/{run}", "red"),
    }[state(report)]
    return {"schemaVersion": 1, "label": f"vmjob {report['level']}", "message": message, "color": colour}


def render_badge_svg(report: dict[str, Any]) -> str:
    b = badge_endpoint(report)
    label, message = clean(b["label"]), clean(b["message"])
    lw, mw = round(_width(label) + 10), round(_width(message) + 10)
    width = lw + mw
    fill = COLOURS[b["color"]]
    title = escape(f"{label}: {message}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{lw}" height="20" fill="#555"/>'
        f'<rect x="{lw}" width="{mw}" height="20" fill="{fill}"/>'
        f'<rect width="{width}" height="20" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{lw / 2:.1f}" y="15" fill="#010101" fill-opacity=".3">{escape(label)}</text>'
        f'<text x="{lw / 2:.1f}" y="14">{escape(label)}</text>'
        f'<text x="{lw + mw / 2:.1f}" y="15" fill="#010101" fill-opacity=".3">{escape(message)}</text>'
        f'<text x="{lw + mw / 2:.1f}" y="14">{escape(message)}</text>'
        "</g></svg>\n"
    )
