"""Output records made from values the engine built itself, as cheaply as Python allows.

:func:`exact_maker` gives, for one output model, a function that wraps a dict already holding every
field of the model in declared order (the caller's guarantee, as for
:func:`~nervemap.engine.assessment.trusted_exact`) as that model, without validating or copying
it. Every record of a model shares one set of field names (``model_fields_set``: all fields are
set, and setting a field again adds nothing to it), and the instance slots are written through
their descriptors rather than ``object.__setattr__``. tests/engine/test_headline.py checks that
such records validate to themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

_SLOTS = BaseModel.__dict__
_set_dict = _SLOTS["__dict__"].__set__
_set_fields = _SLOTS["__pydantic_fields_set__"].__set__
_set_extra = _SLOTS["__pydantic_extra__"].__set__
_set_private = _SLOTS["__pydantic_private__"].__set__
_new = object.__new__


def exact_maker(cls: type[M]) -> Callable[[dict[str, Any]], M]:
    """A maker of ``cls`` records from dicts holding all its fields in declared order."""
    names = set(cls.model_fields)

    def make(values: dict[str, Any]) -> M:
        model: M = _new(cls)
        _set_dict(model, values)
        _set_fields(model, names)
        _set_extra(model, None)
        _set_private(model, None)
        return model

    return make


def maker(cls: type[M], given: Iterable[str]) -> Callable[[dict[str, Any]], M]:
    """A maker of ``cls`` records from dicts holding all its fields in declared order, of which
    only ``given`` count as set (``model_fields_set``, as validation or ``trusted`` would record
    them: the others hold their defaults). Each record gets its own copy of that set."""
    names = frozenset(given)

    def make(values: dict[str, Any]) -> M:
        model: M = _new(cls)
        _set_dict(model, values)
        _set_fields(model, set(names))
        _set_extra(model, None)
        _set_private(model, None)
        return model

    return make
