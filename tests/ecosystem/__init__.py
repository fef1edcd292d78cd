"""Tests of where users meet vmjob: kind detection, the terminal summary, names, completion, configuration,
pre-commit, the CI action and the container image."""
