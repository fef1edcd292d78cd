"""vmjob adapter (ADAPTER.md, persistent protocol) for pydantic v2 models of the protocol (models.py).

A document is read with the kind's model (``model_validate_json``: pydantic's own JSON parser, lax mode);
a job whose ``payload.type`` is a known payload type has its ``payload.data`` read with that payload's
model. A round trip is the model written back as it was read (``model_dump_json(by_alias=True,
exclude_unset=True)``: no defaults injected, unknown members kept by ``extra="allow"``).

Usage: python adapter.py
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from typing import Any

try:
    from models import KINDS, PAYLOADS, Job
    from pydantic import ValidationError
except ImportError as err:
    print(f"vmjob-pydantic-adapter: pydantic is not installed ({err}): pip install -e '.[gallery]'", file=sys.stderr)
    raise SystemExit(2) from None

from conformance.adapter_server import Handler, serve


def pointer(loc: tuple[int | str, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in loc)


def issues(err: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    return [{"pointer": prefix + pointer(e["loc"]), "message": e["msg"]} for e in err.errors()]


def validate(kind: str, data: bytes) -> dict[str, Any]:
    model = KINDS.get(kind)
    if model is None:
        return {"errored": True, "message": f"unknown kind {kind!r}"}
    try:
        doc = model.model_validate_json(data)
    except ValidationError as err:
        return {"valid": False, "errors": issues(err)}
    if isinstance(doc, Job) and doc.payload.type in PAYLOADS:
        try:
            PAYLOADS[doc.payload.type].model_validate(doc.payload.data)
        except ValidationError as err:
            return {"valid": False, "errors": issues(err, "/payload/data")}
    return {"valid": True, "errors": []}


def roundtrip(kind: str, data: bytes) -> str:
    model = KINDS.get(kind)
    if model is None:
        raise ValueError(f"unknown kind {kind!r}")
    try:
        doc = model.model_validate_json(data)
    except ValidationError as err:
        raise ValueError(f"pydantic cannot read it: {err.errors()[0]['msg']}") from None
    return doc.model_dump_json(by_alias=True, exclude_unset=True)


def main() -> int:
    handler = Handler(
        name="pydantic",
        version=version("pydantic"),
        language="Python",
        homepage="https://docs.pydantic.dev",
        validate=validate,
        roundtrip=roundtrip,
    )
    return serve(handler)


if __name__ == "__main__":
    raise SystemExit(main())
