"""The categories, read from one file that owns everything a category is: its name, title and
codebook description, the keyword baseline's keywords, and (through the concepts file it links
per language) its concepts, each concept naming its category. Adding a category is a row there
plus its concepts, then retraining: the model's labels, its concept features and the baseline all
read it from here.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import TAXONOMY


@dataclass(frozen=True)
class Category:
    name: str
    title: str
    description: str
    keywords: tuple[str, ...] = ()  # what the keyword baseline looks for


@dataclass(frozen=True)
class Concept:
    """A codebook concept: the phrases strategies use for it, and the category it speaks for."""

    name: str
    category: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    name: str
    version: str
    categories: tuple[Category, ...]
    concept_files: dict[str, Path] = field(default_factory=dict, compare=False)  # language -> concepts file

    @property
    def labels(self) -> list[str]:
        return [c.name for c in self.categories]

    def title(self, label: str) -> str:
        return next(c.title for c in self.categories if c.name == label)

    def keywords(self) -> dict[str, list[str]]:
        return {c.name: list(c.keywords) for c in self.categories}

    @classmethod
    def from_dict(cls, data: dict, root: Path | None = None) -> Taxonomy:
        """`root`: the folder the concepts files are named relative to (the taxonomy file's)."""
        cats = tuple(Category(c["name"], c.get("title", c["name"]), c.get("description", ""),
                              tuple(c.get("keywords", ()))) for c in data["labels"])
        if len({c.name for c in cats}) != len(cats):
            raise ValueError("taxonomy has duplicate label names")
        files = {lang: (root or Path(".")) / name for lang, name in data.get("concepts", {}).items()}
        return cls(data.get("name", "taxonomy"), str(data.get("version", "1")), cats, files)

    def to_dict(self) -> dict:
        """What a model card records of the taxonomy it was trained on."""
        return {"name": self.name, "version": self.version,
                "labels": [{"name": c.name, "title": c.title, "description": c.description} for c in self.categories]}

    def concepts(self, language: str = "en") -> list[Concept]:
        """The concepts in `language`, in file order. The English file names each concept's
        category; another language's gives the same concepts its own phrases, and each keeps the
        category the English one names."""
        english = _read_concepts(self.concept_files.get("en"))
        categories = {name: c.get("category", "") for name, c in english.items()}
        unknown = sorted({cat for cat in categories.values() if cat not in self.labels})
        if unknown:
            raise ValueError(f"concepts name categories the taxonomy lacks: {', '.join(unknown)}")
        data = english if language == "en" else _read_concepts(self.concept_files.get(language))
        return [Concept(name, categories.get(name, ""), tuple(c["phrases"])) for name, c in data.items()]

    def concept_phrases(self, language: str = "en") -> dict[str, list[str]]:
        """{concept: phrases}: what the concept features are built from."""
        return {c.name: list(c.phrases) for c in self.concepts(language)}


def _read_concepts(path: Path | None) -> dict:
    if path is None:
        raise ValueError("the taxonomy links no concepts file for this language")
    return json.loads(Path(path).read_text(encoding="utf-8"))["concepts"]


@functools.lru_cache(maxsize=4)
def load_taxonomy(path: str | Path = TAXONOMY) -> Taxonomy:
    path = Path(path)
    return Taxonomy.from_dict(json.loads(path.read_text(encoding="utf-8")), root=path.parent)
