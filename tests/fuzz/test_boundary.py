"""Boundary-seeking generation: every document sits at a rule's edge, is labelled with that rule and the side
it lies on, and the reference confirms the label; both sides of every bound come up; the same seed gives the
same documents; hostile sizes do not crash it."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

import reference
from conformance.fuzz import _boundary, _gen
from conformance.fuzz._mutate import Mutant, agrees, set_at, sites
from conformance.fuzz._schemas import kind_root

OPERATORS = {
    "integer-edge", "length-edge", "charset-edge", "semver-edge", "pattern-edge", "calendar-edge", "path-edge",
    "tricky-name", "look-alike-member", "number-edge", "ordering-edge", "instant-edge", "operation-edge",
}  # fmt: skip


def _sweep(seed: str, rounds: int) -> tuple[list[Mutant], int]:
    """Every plan of ``rounds`` documents per kind applied once: (confirmed mutants, discarded count)."""
    rng = random.Random(seed)
    confirmed: list[Mutant] = []
    discarded = 0
    for i in range(rounds):
        for kind in reference.KINDS:
            host = reference.PAYLOAD_TYPES[i % 5] if kind == "job" and i % 6 < 5 else None
            doc = _gen.document(kind, rng, fill=0.9, payload_type=host)
            for p in _boundary.plans(kind, doc):
                m = p.apply(rng)
                if m is None:
                    continue
                if agrees(m, reference.validate(m.render(), kind)):
                    confirmed.append(m)
                else:
                    discarded += 1
    return confirmed, discarded


@pytest.fixture(scope="module")
def sweep() -> tuple[list[Mutant], int]:
    return _sweep("boundary", 60)


def test_every_boundary_document_is_labelled_and_confirmed_by_the_reference(sweep: tuple[list[Mutant], int]) -> None:
    confirmed, discarded = sweep
    assert all(m.rule in reference.RULES and m.operator in OPERATORS for m in confirmed)
    assert all(m.expect in ("valid", "invalid", "warning") for m in confirmed)
    # A drift between the schemas, the rule table and this module would raise the discard rate.
    assert discarded / (len(confirmed) + discarded) < 0.01, discarded
    assert {m.operator for m in confirmed} == OPERATORS


def test_each_operator_probes_both_sides_of_its_edge(sweep: tuple[list[Mutant], int]) -> None:
    sides: dict[str, set[str]] = defaultdict(set)
    for m in sweep[0]:
        sides[m.operator].add(m.expect)
    one_sided = {"tricky-name", "look-alike-member", "number-edge"}  # valid look-alikes: their point is validity
    for op in OPERATORS - one_sided:
        assert len(sides[op]) >= 2, (op, sides[op])
    assert sides["integer-edge"] == {"valid", "invalid", "warning"}
    assert sides["instant-edge"] == {"valid", "warning"}


def test_every_integer_member_is_probed_at_its_last_valid_and_first_invalid_value() -> None:
    for kind in reference.KINDS:
        for host in reference.PAYLOAD_TYPES if kind == "job" else (None,):
            doc = _gen.document(kind, random.Random(1), fill=1.0, payload_type=host)
            for path, node, v in sites(kind, doc):
                if node is None or node.integer_bounds is None or not isinstance(v, int):
                    continue
                lo, hi, top = node.integer_bounds
                edges = _boundary.int_edges(kind, node, path)
                assert {lo, lo - 1, hi, hi + 1, top, top + 1} <= set(edges)
                assert _boundary.int_label(kind, node, path, lo)[1] != "invalid"
                assert _boundary.int_label(kind, node, path, lo - 1)[1] == "invalid"
                assert _boundary.int_label(kind, node, path, top + 1) == ("parse.integer.width", "invalid")
                for n in edges:
                    rule, expect = _boundary.int_label(kind, node, path, n)
                    tree = _boundary._repair_orderings(kind, doc, path, n) if expect != "invalid" else doc
                    if tree is None:
                        continue
                    m = Mutant(kind, set_at(tree, path, n), rule, expect, "integer-edge", path)
                    assert agrees(m, reference.validate(m.render(), kind)), (kind, path, n, rule, expect)


def test_thresholds_and_orderings_are_read_from_the_rule_table() -> None:
    assert _boundary.thresholds() == {
        "execution.timeout_seconds": (86400, "core.execution.timeout_seconds.long"),
        "constraints.maximum_disk_size_gb": (100000, "core.constraints.maximum_disk_size_gb.large"),
    }
    assert {rule for _a, _b, rule in _boundary.orderings()} == {
        "core.execution.attempt-within-max",
        "worker.status.within-capacity",
    }
    assert _boundary.not_after() == (("execution.deadline", "created_at", "core.execution.deadline.after-created"),)


def test_length_bounds_are_counted_in_code_points_with_characters_other_units_count_differently(
    sweep: tuple[list[Mutant], int],
) -> None:
    lengths = [m for m in sweep[0] if m.operator == "length-edge" and m.rule == "core.job_id"]
    short = [m.tree["job_id"] for m in lengths if m.expect == "invalid"]
    exact = [m.tree["job_id"] for m in lengths if m.expect == "valid"]
    assert short and exact
    assert all(len(s) == 7 and len(s.encode()) >= 8 for s in short)  # a byte counter takes each for valid
    assert all(len(s) == 8 for s in exact)


def test_character_class_edges_are_derived_from_the_class() -> None:
    inside, outside = _boundary.JOB_ID_EDGES
    assert {" ", "~", "\xa0", ".", "0", "[", "]"} <= set(inside)
    assert {"\x1f", "\x7f", "\x9f", "/", "\\"} <= set(outside)
    op_inside, op_outside = _boundary.OPERATION_EDGES
    assert {"a", "z", "0", "9", "-", "_"} <= set(op_inside)
    assert {"`", "{", "/", ":", ","} <= set(op_outside)


def test_calendar_edges_cover_leap_days_leap_seconds_and_offsets() -> None:
    rng = random.Random(4)
    seen = [_boundary.calendar_edge(rng, (1900, 2000, 2023, 2024)) for _ in range(3000)]
    texts = {t for t, _ok in seen}
    assert any("-02-29" in t for t, ok in seen if ok) and any("-02-29" in t for t, ok in seen if not ok)
    assert any(":60" in t for t, ok in seen if ok) and any(":61" in t for t, ok in seen if not ok)
    assert any(t.endswith("+23:59") or t.endswith("-23:59") for t in texts)
    assert any(t.endswith(":00") and "+24:00" in t for t, ok in seen if not ok)
    for text, ok in seen[:400]:
        doc = {**_gen.minimal("progress"), "timestamp": text}
        assert reference.validate(doc, "progress").valid is ok, text


def test_the_same_seed_gives_the_same_boundary_documents() -> None:
    def run() -> list[bytes]:
        rng = random.Random(11)
        out: list[bytes] = []
        for kind in reference.KINDS:
            doc = _gen.document(kind, rng, fill=0.9)
            out.extend(m.render() for p in _boundary.plans(kind, doc) if (m := p.apply(rng)) is not None)
        return out

    assert run() == run()


def hostile_job() -> dict[str, object]:
    """A valid job as large as a hostile client makes one: a long id, a wide and deep payload, huge numbers."""
    deep: object = {}
    for _ in range(100):
        deep = {"d": deep}
    doc = _gen.document("job", random.Random(2), fill=1.0)
    doc["job_id"] = "j" * 1_000_000
    doc["operation"] = "x.y"
    doc["payload"] = {"type": "x.y.v1", "data": {"deep": deep, **{f"k{i}": i for i in range(5000)}}}
    doc["metadata"] = {"labels": {f"l{i}": "v" * 100 for i in range(2000)}}
    return doc


def test_hostile_sizes_do_not_crash_the_boundary_plans() -> None:
    doc = hostile_job()
    assert reference.validate(Mutant("job", doc).render(), "job").valid
    rng = random.Random(5)
    plans = _boundary.plans("job", doc)
    assert plans
    for p in rng.sample(plans, min(40, len(plans))):
        m = p.apply(rng)
        if m is not None:
            assert agrees(m, reference.validate(m.render(), "job")), (m.operator, m.rule)


def test_every_kind_root_has_boundary_plans() -> None:
    for kind in reference.KINDS:
        assert kind_root(kind) is not None
        doc = _gen.document(kind, random.Random(0), fill=1.0)
        assert {p.operator for p in _boundary.plans(kind, doc)} >= {"integer-edge", "calendar-edge"}
