"""``python -m conformance.zoo NAME``: serve one zoo member over the persistent adapter protocol.

``--list`` prints the members, one a line: name, mutant, equivalent or hostile, level, rules broken,
description. Hostile members (:mod:`.hostile`) try to earn a certificate without the work.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..adapter_server import serve
from . import VARIANTS
from ._listing import print_listing
from .hostile import HOSTILE
from .hostile import serve as serve_hostile


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m conformance.zoo",
        description="Serve one implementation of the mutant zoo over the persistent adapter protocol "
        "(stdin/stdout), as `vmjob certify --cmd` drives it.",
    )
    parser.add_argument("name", nargs="?", help="the zoo member to serve")
    parser.add_argument("--list", action="store_true", help="list the zoo's members and exit")
    args = parser.parse_args(argv)
    if args.list:
        print_listing(
            [
                *(
                    f"{v.name}\t{'equivalent' if v.equivalent else 'mutant'}\t{v.level}\t{','.join(v.breaks) or '-'}\t"
                    f"{v.description}"
                    for v in VARIANTS.values()
                ),
                *(f"{h.name}\thostile\t{h.level}\t-\t{h.description}" for h in HOSTILE.values()),
            ]
        )
        return 0
    if not args.name:
        parser.error("give a zoo member's NAME, or --list")
    if args.name in HOSTILE:
        return serve_hostile(HOSTILE[args.name])
    variant = VARIANTS.get(args.name)
    if variant is None:
        print(
            f"python -m conformance.zoo: error: {args.name!r} is not in the zoo; --list lists its members",
            file=sys.stderr,
        )
        return 2
    return serve(variant.impl.handler(f"zoo:{variant.name}"))


if __name__ == "__main__":
    sys.exit(main())
