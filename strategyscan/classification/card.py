"""What a model card must hold for loading, tagging and the report to rely on it, checked when a
model folder is read: a folder may come from someone else.

A label name becomes a column (`p_<label>`), an HTML attribute and a CSS selector, and a model id
goes into every tagged row, so both are short identifiers. Numbers must be numbers as JSON writes
them (strict: "2" is not 2). Keys the checks do not know are kept, so the card stays as written:
`read_card` returns the parsed JSON itself, which is what was validated.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..records import LABEL_RULE, is_label
from .languages import LANGUAGES
from .share_errors import ShareErrors

MODEL_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ModelError(ValueError):
    """A model folder that is missing, incomplete or not trusted."""


def quoted(value: str, limit: int = 60) -> str:
    """A string from a file, fit for a one-line message: repr (no newlines), cut to `limit`, and
    '[' written as \\x5b so the CLI's rich console cannot take it for markup (it fails on '[/x]')."""
    text = repr(value[:limit]) + ("..." if len(value) > limit else "")
    return text.replace("[", "\\x5b")


def _label(name: str) -> str:
    if not is_label(name):
        raise ValueError(f"{quoted(name)} is not a label name ({LABEL_RULE})")
    return name


def _model_id(value: str) -> str:
    if MODEL_ID_RE.fullmatch(value) is None:
        raise ValueError(f"not a model id (1 to 64 letters, digits, '.', '_' or '-'): {quoted(value)}")
    return value


def _language(code: str) -> str:
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {quoted(code)} (known: {', '.join(LANGUAGES)})")
    return code


def _unique(labels: list[str]) -> list[str]:
    twice = sorted({lab for lab in labels if labels.count(lab) > 1})
    if twice:
        raise ValueError(f"{', '.join(twice)} listed more than once")
    return labels


Label = Annotated[str, AfterValidator(_label)]
Labels = Annotated[list[Label], Field(min_length=1, max_length=100), AfterValidator(_unique)]
ModelId = Annotated[str, AfterValidator(_model_id)]
Language = Annotated[str, AfterValidator(_language)]
Probability = Annotated[float, Field(ge=0, le=1)]
Count = Annotated[int, Field(ge=0)]


class Record(BaseModel):
    """A JSON object of a model folder: finite numbers, keys it does not name kept."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False)


class HeldoutLabel(Record):
    label: Label
    f1: Probability
    support: Count


class Heldout(Record):
    """Quality on held-out documents, printed per model in the report."""

    passages: Count | None = None
    micro_f1: Probability | None = None
    macro_f1: Probability | None = None
    exact_match: Probability | None = None
    labels: list[HeldoutLabel] = []


class ModelCard(Record):
    """The fields something reads; `model_id` may be absent from a card written by hand."""

    normaliser: int
    labels: Labels
    model_id: ModelId | None = None
    language: Language = "en"  # cards from before there were other languages are English
    thresholds: dict[Label, Probability] | None = None
    heldout: Heldout | None = None
    share_errors: ShareErrors | None = None

    @model_validator(mode="after")
    def _per_label(self) -> ModelCard:
        """Per-label records name every label: suggest and compare index them by label."""
        missing = [lab for lab in self.labels if self.thresholds is not None and lab not in self.thresholds]
        if missing:
            raise ValueError(f"thresholds: no value for {', '.join(missing)}")
        errors = self.share_errors
        if errors is not None:
            if [lab for lab in errors.labels if lab in self.labels] != self.labels:
                raise ValueError("share_errors: its labels do not hold the card's, in the card's order")
            if set(errors.rates) != set(errors.labels):
                raise ValueError("share_errors.rates: not one record per label")
            if any(len(v) != len(errors.labels) for d in errors.documents for v in (d.cc, d.pcc, d.true)):
                raise ValueError("share_errors.documents: not one share per label")
        return self


def _where(loc: tuple[int | str, ...]) -> str:
    """('heldout', 'labels', 0, 'f1') -> heldout.labels[0].f1; a key from the file is quoted."""
    parts = [f"[{p}]" if isinstance(p, int) else f".{p}" if _NAME.fullmatch(p) else f"[{quoted(p)}]"
             for p in loc if p != "[key]"]
    return "".join(parts).lstrip(".")


def problems(exc: ValidationError, most: int = 3) -> str:
    """A pydantic error as one short line: the first few problems, where each is."""
    said = []
    for err in exc.errors(include_url=False, include_input=False):
        where = _where(err["loc"])
        if err["type"] == "missing":
            said.append(f"missing {where}")
            continue
        what = str(err["ctx"]["error"]) if err["type"] == "value_error" else err["msg"]
        said.append(f"{where}: {what}" if where else what)
    more = f"; and {len(said) - most} more" if len(said) > most else ""
    return "; ".join(said[:most]) + more


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], text: str | bytes, path: Path, what: str) -> M:
    """`text` (JSON) checked against `model`, strictly and as JSON types it; else a ModelError."""
    try:
        return model.model_validate_json(text, strict=True)
    except ValidationError as exc:
        raise ModelError(f"{path} is not a valid {what}: {problems(exc)}") from None


def read_card(raw: bytes, path: Path) -> dict:
    """The card in `raw` (the bytes of `path`) as a dict, once it is a valid ModelCard.

    A card without an id (written by hand) is named by its content, so tagged rows and the tags
    cache still tell two such models apart."""
    try:
        card = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ModelError(f"{path} is not UTF-8 text") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ModelError(f"{path} is not valid JSON ({str(exc)[:200]})") from None
    parsed = validated(ModelCard, raw, path, "model card")
    if parsed.model_id is None:
        card["model_id"] = "ss-card-" + hashlib.sha256(raw).hexdigest()[:12]
    return card
