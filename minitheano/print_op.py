"""``Print``: an identity op that prints its input's value when it runs.

x_shown = theano.printing.Print("x", attrs=("shape",))(x)   # prints "x shape = (3, 4)"
"""

from __future__ import annotations

from dataclasses import dataclass

from .graph import Apply
from .op import Op
from .tensor.type import as_tensor_variable


def _print_fn(op, value) -> None:
    for attr in op.attrs:
        item = getattr(value, attr)
        print(op.message, attr, "=", item() if callable(item) else item)


@dataclass(frozen=True)
class Print(Op):
    """Returns its input unchanged and prints ``message`` with each of ``attrs`` of the value
    (an attribute, or a method called with no argument: ``'__str__'``, ``'shape'``, ``'sum'``)
    every time it runs. ``global_fn(op, value)`` replaces the printing."""

    message: str = ""
    attrs: tuple = ("__str__",)
    global_fn: object = _print_fn

    # a print at compile time (constant folding) would not be the print asked for
    constant_foldable = False

    def __post_init__(self):
        object.__setattr__(self, "attrs", tuple(self.attrs))

    def __str__(self) -> str:
        return f"Print{{message={self.message!r}, attrs={self.attrs!r}}}"

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, xp, x):
        self.global_fn(self, x)
        return x

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, outputs, output_grads):
        return list(output_grads)
