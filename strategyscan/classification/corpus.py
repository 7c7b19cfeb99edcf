"""What the shipped model learns from: the hand-written corpus and, where the strategy texts are
on this machine, the real-sentence corpus of `train` documents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .labelled import LabelledPassage, read_labelled, shipped_corpus_files
from .languages import LANGUAGES
from .realtext import available, load_real, manifest_hash, texts_dir


@dataclass(frozen=True)
class BaseCorpus:
    written: list[LabelledPassage]
    real: list[LabelledPassage]
    texts: Path
    note: str  # what a user should be told about it (always said, never silent)

    @property
    def items(self) -> list[LabelledPassage]:
        return [*self.written, *self.real]

    @property
    def manifest(self) -> str:
        return manifest_hash(self.texts) if self.real else ""


def base_corpus(texts: str | Path | None = None, real: bool = True, language: str = "en") -> BaseCorpus:
    root = Path(texts) if texts else texts_dir()
    files = shipped_corpus_files(language)
    if not files:
        raise ValueError(f"no shipped corpus in {language!r}: languages are {', '.join(LANGUAGES)}")
    written = read_labelled(files)
    if not real:
        return BaseCorpus(written, [], root, f"hand-written corpus only ({len(written)} passages)")
    if not available(root):
        return BaseCorpus(written, [], root,
                          f"the strategy texts are not at {root}: training on the hand-written corpus alone "
                          f"({len(written)} passages), without the real-sentence corpus (give --texts DIR)")
    items = load_real("train", root, language)
    return BaseCorpus(written, items, root,
                      f"hand-written corpus ({len(written)} passages) + real-sentence corpus ({len(items)} "
                      f"passages resolved in {root})")
