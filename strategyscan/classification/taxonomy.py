"""The categories, read from one file: adding or renaming one is a change in one place."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from ..paths import TAXONOMY


@dataclass(frozen=True)
class Category:
    name: str
    title: str
    description: str


@dataclass(frozen=True)
class Taxonomy:
    name: str
    version: str
    categories: tuple[Category, ...]

    @property
    def labels(self) -> list[str]:
        return [c.name for c in self.categories]

    def title(self, label: str) -> str:
        return next(c.title for c in self.categories if c.name == label)

    @classmethod
    def from_dict(cls, data: dict) -> Taxonomy:
        cats = tuple(Category(c["name"], c.get("title", c["name"]), c.get("description", "")) for c in data["labels"])
        if len({c.name for c in cats}) != len(cats):
            raise ValueError("taxonomy has duplicate label names")
        return cls(data.get("name", "taxonomy"), str(data.get("version", "1")), cats)

    def to_dict(self) -> dict:
        return {"name": self.name, "version": self.version,
                "labels": [{"name": c.name, "title": c.title, "description": c.description} for c in self.categories]}


@functools.lru_cache(maxsize=4)
def load_taxonomy(path: str | Path = TAXONOMY) -> Taxonomy:
    return Taxonomy.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
