#!/usr/bin/env bash
# The work of action.yml: install vmjob, certify the implementation, write the job summary and the step's
# outputs, and exit with vmjob certify's status (so the step fails on non-conformance; the reports are
# uploaded by the next step either way).
#
# Reads the action's inputs from INPUT_* variables (INPUT_CMD / INPUT_URL / INPUT_ONE_SHOT / INPUT_PYTHON,
# INPUT_LEVEL, INPUT_FUZZ, INPUT_ARGS, INPUT_REPORTS_DIR, INPUT_INSTALL), and GitHub's GITHUB_STEP_SUMMARY and
# GITHUB_OUTPUT files; runs the same on a laptop with those set (the tests do that).
set -euo pipefail

fail() { echo "::error title=vmjob certify::$*"; exit 2; }

reports=${INPUT_REPORTS_DIR:-vmjob-reports}
level=${INPUT_LEVEL:-required}
install=${INPUT_INSTALL:-action}
action_path=${VMJOB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}

# --- the target: exactly one -----------------------------------------------------------------------------
target=()
for pair in "cmd:${INPUT_CMD:-}" "url:${INPUT_URL:-}" "one-shot:${INPUT_ONE_SHOT:-}" "python:${INPUT_PYTHON:-}"; do
    name=${pair%%:*}
    value=${pair#*:}
    if [[ -n $value ]]; then
        [[ ${#target[@]} -eq 0 ]] || fail "give one of the inputs cmd, url, one-shot, python; not ${target[0]#--} and $name"
        target=("--$name" "$value")
    fi
done
[[ ${#target[@]} -gt 0 ]] || fail "no implementation: set one of the inputs cmd, url, one-shot, python"
case $level in required | recommended) ;; *) fail "level '$level': expected required or recommended" ;; esac

# --- vmjob ------------------------------------------------------------------------------------------------
case $install in
    none) ;;
    action) python -m pip install --quiet --disable-pip-version-check "$action_path" ;;
    pypi) python -m pip install --quiet --disable-pip-version-check vmjob-conformance ;;
    *) python -m pip install --quiet --disable-pip-version-check "$install" ;;
esac
command -v vmjob >/dev/null || fail "vmjob is not on PATH after install=$install"

# --- certify ------------------------------------------------------------------------------------------------
mkdir -p "$reports"
results="$reports/results.jsonl"
rm -f "$results"  # a rerun of the job in the same workspace: the stream is created new
extra=()
[[ -n ${INPUT_FUZZ:-} ]] && extra+=(--fuzz "$INPUT_FUZZ")
[[ -n ${INPUT_ARGS:-} ]] && read -ra more <<< "$INPUT_ARGS" && extra+=("${more[@]}")
status=0
NO_COLOR=1 vmjob certify "${target[@]}" --level "$level" "${extra[@]}" --results "$results" \
    --json "$reports/vmjob.json" --html "$reports/vmjob.html" --junit "$reports/vmjob.xml" \
    --markdown "$reports/vmjob.md" | tee "$reports/summary.txt" || status=${PIPESTATUS[0]}

# --- the job summary and the outputs ------------------------------------------------------------------------
verdict=$(tail -n 1 "$reports/summary.txt" 2>/dev/null || true)
if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
    if [[ -s $reports/vmjob.md ]]; then
        cat "$reports/vmjob.md" >> "$GITHUB_STEP_SUMMARY"
    else
        printf '## vmjob certify\n\nNo report: vmjob certify exited %s (see the step log).\n' "$status" >> "$GITHUB_STEP_SUMMARY"
    fi
fi
if [[ -n ${GITHUB_OUTPUT:-} ]]; then
    {
        echo "exit-code=$status"
        echo "conformant=$([[ $status -eq 0 ]] && echo true || echo false)"
        echo "verdict=${verdict//$'\n'/ }"
        echo "report=$reports/vmjob.json"
    } >> "$GITHUB_OUTPUT"
fi
case $status in
    0) ;;
    1) echo "::error title=vmjob certify::$verdict" ;;
    *) echo "::error title=vmjob certify::vmjob certify could not run (exit $status); see the lines above" ;;
esac
exit "$status"
