"""The generated case families, one module per class of rule (parse and common: the rules every kind shares);
each breaks one rule of a valid base document (:mod:`.documents`) at a time and states its expectation by hand."""

from __future__ import annotations

from ..builder import Corpus
from . import (
    capabilities,
    common,
    core,
    edges,
    fidelity,
    lookalikes,
    parse,
    payload,
    progress,
    realistic,
    result,
    roundtrip,
    textforms,
    worker,
)
from .documents import BASE
from .members import field_cases


def generate(c: Corpus) -> None:
    """Every family, in a fixed order (the order of files and cases is part of the canonical form).

    A class module offers ``fields()``, its members for the families every member gets (:mod:`.members`), and
    ``cases(c)``, the families of its own rules; parse and common take the kind.
    """
    for kind in BASE:
        parse.cases(c, kind)
        common.cases(c, kind)
        textforms.cases(c, kind)
    for f in core.fields() + result.fields() + progress.fields() + worker.fields() + common.fields() + payload.fields():
        field_cases(c, f)
    core.cases(c)
    payload.cases(c)
    result.cases(c)
    progress.cases(c)
    worker.cases(c)
    capabilities.cases(c)
    roundtrip.cases(c)
    realistic.cases(c)
    lookalikes.cases(c)
    fidelity.cases(c)
    edges.cases(c)
