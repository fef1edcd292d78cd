"""The fixture corpus: read it (:mod:`.loader`), write it in its one form (:mod:`.format`), generate it
(:mod:`.generate`, :mod:`.families`), check it (:mod:`.check`), and promote fuzz findings into it (:mod:`.promote`)."""

from .loader import (
    MODES,
    Case,
    CorpusError,
    case_from_json,
    cases_of,
    corpus_files,
    default_root,
    digest,
    document_bytes,
    iter_cases,
    load_corpus,
    read_file,
    read_text_and_json,
    select,
)

__all__ = [
    "MODES",
    "Case",
    "CorpusError",
    "case_from_json",
    "cases_of",
    "corpus_files",
    "default_root",
    "digest",
    "document_bytes",
    "iter_cases",
    "load_corpus",
    "read_file",
    "read_text_and_json",
    "select",
]
