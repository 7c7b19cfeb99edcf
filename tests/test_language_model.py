"""The language identifier's model is read from an uncompressed copy in the user's cache: the
copy must give py3langid's own answers, and a broken or unwritable cache must cost only time."""

from __future__ import annotations

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from strategyscan.ingestion import language

TEXTS = [
    "The national strategy builds the capacity of partner states to respond to incidents.",
    "La stratégie nationale renforce la coopération internationale en matière de cybersécurité.",
    "La estrategia nacional promueve normas de comportamiento responsable de los Estados.",
    "A estratégia nacional reforça a soberania digital e a resiliência das infraestruturas.",
    "Национальная стратегия укрепляет информационную безопасность государства.",
    "12 34",
]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("STRATEGYSCAN_CACHE_DIR", str(folder))
    language._identifier.cache_clear()
    yield folder
    language._identifier.cache_clear()


def _answers(identifier) -> list[tuple[str, float]]:
    return [identifier.classify(text) for text in TEXTS]


@pytest.fixture(scope="module")
def reference() -> list[tuple[str, float]]:
    return _answers(LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True))


def test_the_cached_copy_is_written_once_and_answers_as_py3langid(cache_dir, reference):
    assert _answers(language._identifier()) == reference
    (copy,) = cache_dir.glob("py3langid-*.npz")
    written = copy.stat().st_mtime_ns
    language._identifier.cache_clear()
    assert _answers(language._identifier()) == reference  # now read from the copy
    assert copy.stat().st_mtime_ns == written
    assert not list(cache_dir.glob("*.tmp"))


def test_a_damaged_copy_is_replaced(cache_dir, reference):
    language._identifier()
    (copy,) = cache_dir.glob("py3langid-*.npz")
    copy.write_bytes(b"PK\x03\x04 not a model")
    language._identifier.cache_clear()
    assert _answers(language._identifier()) == reference
    language._identifier.cache_clear()
    assert language._read_cached(copy)[2] == language._identifier().nb_classes


def test_a_cache_that_cannot_be_written_costs_only_time(cache_dir, reference):
    cache_dir.write_text("a file where the folder should be")
    assert _answers(language._identifier()) == reference
    assert cache_dir.read_text() == "a file where the folder should be"
