"""What the extractor returns: the case it built and, for every part of it, the words it came from."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nervemap.engine.case import Case

ItemKind = Literal[
    "finding",
    "pain",
    "strength",
    "reflex",
    "sensation",
    "imaging",
    "age",
    "sex",
    "duration",
    "onset",
    "measurement",
    "score",
]
Flag = Literal["negated", "historical", "hypothetical", "family", "uncertain"]
ItemStatus = Literal["present", "absent", "not asserted"]


class ExtractedItem(BaseModel):
    """One thing read from the text, with where it was read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ItemKind
    value: str = Field(description="What it became, e.g. 'slr_positive left' or 'achilles left 0'")
    text: str = Field(description="The words it was read from")
    start: int = Field(ge=0, description="Character offset of the words in the input")
    end: int = Field(ge=0)
    flags: list[Flag] = Field(default_factory=list)
    status: ItemStatus = "present"


class Extraction(BaseModel):
    """The case built from a clinical note, the items behind it, and what to be wary of."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case: Case
    items: list[ExtractedItem] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
