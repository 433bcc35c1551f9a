"""``theano.compile.io``: function inputs and outputs with options (``In``, ``Out``)."""

from __future__ import annotations

from dataclasses import dataclass

from ..graph import Variable
from ..shared import SharedVariable

__all__ = ["In", "Out", "Param", "SharedVariable"]


@dataclass
class In:
    """A function input with options: ``In(x, name=None, value=default)`` (Theano's argument
    order; ``update``, ``strict``, ``autoname``, ``implicit``, ``shared`` are accepted)."""

    variable: Variable
    name: str | None = None
    value: object = None
    update: object = None
    mutable: bool = False
    strict: bool = False
    allow_downcast: bool | None = None
    autoname: bool = True
    implicit: bool | None = None
    borrow: bool = False
    shared: bool = False

    def __post_init__(self):
        if self.update is not None:
            raise NotImplementedError(
                f"In({self.variable}, update=...): inputs that update themselves are not "
                f"supported; use a shared variable and function(updates=...)"
            )
        if self.name is None and self.autoname:
            self.name = self.variable.name

    @property
    def has_default(self) -> bool:
        return self.value is not None


Param = In


@dataclass
class Out:
    """A function output with options: ``Out(y, borrow=True)`` may return internal storage
    (faster: no copy, but the next call may overwrite the array)."""

    variable: Variable
    borrow: bool = False
