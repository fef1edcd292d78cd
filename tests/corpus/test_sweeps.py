"""The sweeping case families (textforms, lookalikes, fidelity) cover their whole kind of input: every
character, path form, fraction digit and array they claim to sweep is in the shipped corpus, with the
verdict its rule gives (the reference's agreement with each case is tested case by case in test_cases)."""

from __future__ import annotations

import json
import unicodedata

from conformance.corpus import Case, load_corpus
from conformance.corpus.families import core, payload, worker
from conformance.corpus.families.fidelity import TEXTS
from conformance.corpus.families.lookalikes import DIGITS, PATH_FORMS, PATHS, PATTERNED
from conformance.corpus.families.textforms import OTHER_SPACE

CASES = {c.id: c for c in load_corpus()}


def _case(ident: str) -> Case:
    assert ident in CASES, f"{ident} is not in the shipped corpus (run `vmjob corpus generate`)"
    return CASES[ident]


def test_every_non_json_space_around_a_job_is_invalid_json() -> None:
    assert "\x0c" in OTHER_SPACE and "\u00a0" in OTHER_SPACE and " " not in OTHER_SPACE
    for ch in OTHER_SPACE:
        assert ch.isspace() or unicodedata.category(ch) == "Cf"
        for where in ("after", "between") + (("before",) if ch != "\ufeff" else ()):
            case = _case(f"job.parse.syntax.space-u{ord(ch):04x}-{where}")
            assert (case.valid, case.rule) == (False, "parse.syntax")


def test_every_raw_control_character_is_invalid_in_every_kind() -> None:
    for kind in ("job", "result", "progress", "worker"):
        for cp in range(0x20):
            assert _case(f"{kind}.parse.syntax.raw-control-u{cp:04x}").valid is False


def test_every_path_member_meets_every_path_form() -> None:
    for name, ptrs in PATHS.items():
        for ptr in ptrs:
            where = ptr[1:].replace("/", ".").replace("_", "-")
            for form, value, verdict in PATH_FORMS:
                rule = "payload.path.absolute" if verdict == "absolute" else "payload.path"
                case = _case(f"job.{rule}.{name}.{where}.form-{form}")
                assert case.valid is (verdict == "valid")
                if not case.valid:
                    assert case.pointer == "/payload/data" + ptr
                assert case.data is not None and json.loads(case.data)["payload"]["data"] is not None
                assert json.dumps(value, ensure_ascii=False) in case.data.decode("utf-8")


def test_the_deadline_is_compared_at_every_fraction_digit() -> None:
    for n in range(1, 10):
        assert _case(f"job.core.execution.deadline.after-created.fraction-{n}-after").warnings == ()
        for side in ("equal", "before"):
            case = _case(f"job.core.execution.deadline.after-created.fraction-{n}-{side}")
            assert case.warnings == ("/execution/deadline",)
    assert _case("job.core.execution.deadline.after-created.no-warning-null").warnings == ()


def test_constrained_strings_refuse_a_final_newline_and_other_digits() -> None:
    for kind, ptr, rule, value, _base in PATTERNED:
        where = ptr[1:].replace("/", ".").replace("_", "-")
        assert _case(f"{kind}.{rule.replace('_', '-')}.{where}.lf-after").valid is False
        if any(ch.isdigit() for ch in value):
            for script in DIGITS:
                assert _case(f"{kind}.{rule.replace('_', '-')}.{where}.digits-{script}").valid is False


def test_every_member_spelt_in_another_case_is_another_member() -> None:
    folded = [c for c in CASES.values() if ".case-title-beside" in c.id]
    assert len(folded) > 150
    assert all(c.valid for c in folded)
    assert _case("job.core.kind.kind.case-title-instead").valid is False


def test_round_trips_keep_every_text_form_and_every_array_order() -> None:
    for kind in ("job", "result", "progress", "worker"):
        for name, _text in TEXTS:
            assert _case(f"{kind}.roundtrip.preserve.text-{name}-free").mode == "roundtrip"
    arrays = [f for f in core.fields() + worker.fields() + payload.fields() if f.items == "string"]
    assert arrays
    for f in arrays:
        assert f"{f.kind}.roundtrip.preserve.{f.qname('array-order')}" in CASES
