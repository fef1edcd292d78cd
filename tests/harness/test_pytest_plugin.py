"""The pytest plugin, run with pytester as a project would run it; and inactive when not asked for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REFERENCE_CMD, fake

pytest_plugins = ["pytester"]
#: Plugins that have nothing to do with these runs and cost a second each (hypothesis's session setup).
QUIET = ("-p", "no:hypothesispytest", "-p", "no:xdist", "-p", "no:cacheprovider")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*QUIET, *args)


def test_inactive_without_a_vmjob_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one():\n    assert True\n")
    result = run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["collected 1 item"])
    assert "vmjob::" not in result.stdout.str()


def test_reference_cases_become_passing_items_named_by_case_id(pytester: pytest.Pytester, corpus: Path) -> None:
    result = run(pytester, "--vmjob-cmd", REFERENCE_CMD, "--vmjob-corpus", str(corpus), "-v")
    result.assert_outcomes(passed=9)
    result.stdout.fnmatch_lines(
        ["*vmjob::core-minimal-job-is-valid PASSED*", "*vmjob::roundtrip-unknown-members-kept PASSED*"]
    )
    in_process = run(pytester, "--vmjob-python", "conformance.reference_impl:validate", "--vmjob-corpus", str(corpus),
                     "--vmjob-level", "recommended")  # fmt: skip
    # In-process claims the validate classes only: the match and roundtrip cases are skipped.
    in_process.assert_outcomes(passed=7, skipped=2)


@pytest.mark.slow
def test_failures_show_expected_and_got_and_warnings_not_counted_are_xfail(
    pytester: pytest.Pytester, corpus: Path
) -> None:
    result = run(pytester, "--vmjob-cmd", fake("always-valid"), "--vmjob-corpus", str(corpus))
    # 4 invalid cases fail; the warning case is a recommended rule: an xfail at the default level.
    result.assert_outcomes(passed=4, failed=4, xfailed=1)
    result.stdout.fnmatch_lines(
        [
            "*core-version-2-is-invalid: fail — rule core.version (required, class core, kind job)*",
            '*expected: {"valid": false, "pointer": "/version"}*',
            '*got:      {"valid": true}*',
        ]
    )
    strict = run(pytester, "--vmjob-cmd", fake("always-valid"), "--vmjob-corpus", str(corpus),
                                "--vmjob-level", "recommended")  # fmt: skip
    strict.assert_outcomes(passed=4, failed=5)


@pytest.mark.slow
def test_faults_fail_with_evidence_and_claims_skip(pytester: pytest.Pytester, corpus: Path) -> None:
    result = run(pytester, "--vmjob-cmd", fake("wrong-seq"), "--vmjob-corpus", str(corpus), "--vmjob-timeout",
                                "1", "--vmjob-kind", "job")  # fmt: skip
    result.assert_outcomes(failed=8)
    result.stdout.fnmatch_lines(["*errored*", "*wrong seq: expected*"])
    one_shot = run(pytester, "--vmjob-one-shot", f"{sys.executable} -m conformance.reference_impl {{kind}}",
                                  "--vmjob-corpus", str(corpus), "-k", "capabilities or minimal", "-rs")  # fmt: skip
    one_shot.assert_outcomes(passed=2, skipped=1)
    one_shot.stdout.fnmatch_lines(["*outside the claim: the implementation does not claim class 'capabilities'*"])


def test_cannot_start_is_one_usage_error_not_a_failure_per_case(pytester: pytest.Pytester, corpus: Path) -> None:
    result = run(pytester, "--vmjob-cmd", fake("crash-at-start"), "--vmjob-corpus", str(corpus))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.assert_outcomes()  # no case ran: no failure per case
    errors = [line for line in result.stderr.lines if "cannot start" in line]
    assert len(errors) == 1 and "exited with status 3 before answering 'start'" in errors[0]
    assert errors[0].startswith("ERROR: cannot certify --vmjob-cmd ")


def test_a_dead_service_is_reported_once(pytester: pytest.Pytester, corpus: Path) -> None:
    import socket

    with socket.socket() as s:  # a port that refuses connections: bound, never listening
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/{{kind}}"
        result = run(pytester, "--vmjob-url", url, "--vmjob-corpus", str(corpus), "--vmjob-timeout", "0.5")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.assert_outcomes()
    assert result.stdout.str().count("refused") + result.stderr.str().count("refused") == 1
    assert result.stderr.lines[0] == (
        f"ERROR: cannot certify --vmjob-url {url!r}: cannot reach {url}: connection refused — is the service "
        "running and listening there?"
    )


@pytest.mark.slow
def test_a_dead_service_is_reported_once_under_xdist_too(pytester: pytest.Pytester, corpus: Path) -> None:
    import socket

    with socket.socket() as s:  # an xdist worker's usage error is lost: the controller checks first
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/{{kind}}"
        args = ("-p", "no:hypothesispytest", "-p", "no:cacheprovider", "-n", "2", "--vmjob-url", url)
        result = pytester.runpytest_subprocess(*args, "--vmjob-corpus", str(corpus), timeout=120)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if "refused" in line] == [
        f"ERROR: cannot certify --vmjob-url {url!r}: cannot reach {url}: connection refused — is the service "
        "running and listening there?"
    ]


def test_the_plugin_costs_an_ordinary_run_no_import_of_the_suite() -> None:
    code = ("import sys, pytest; import conformance.pytest_plugin; "
            "print(sorted(m for m in sys.modules if m.startswith(('conformance.', 'reference'))))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['conformance.pytest_plugin']"
