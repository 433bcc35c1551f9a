"""The Op contract: one class that every operation derives from.

| method | job |
|---|---|
| ``make_node(*inputs)`` | convert and validate inputs, return an ``Apply`` with typed outputs |
| ``perform(xp, *inputs)`` | array code against the module ``xp`` (NumPy or CuPy); fresh outputs |
| ``infer_shape(node, shapes)`` | output shapes from input shapes (ints or symbolic scalars) |
| ``grad(inputs, outputs, gz)`` | symbolic gradients, one per input (``None``: no gradient) |

Ops are frozen dataclasses: their fields are their props, so equal ops compute the same thing
(which is what makes merging common subexpressions valid).
"""

from __future__ import annotations

import dataclasses

from .graph import Apply


class Op:
    """Base class of all operations (subclasses are ``@dataclass(frozen=True)``)."""

    #: how many outputs ``perform`` returns (it returns a tuple when this is not 1)
    n_outputs = 1

    def make_node(self, *inputs) -> Apply:  # pragma: no cover - contract
        raise NotImplementedError(f"{type(self).__name__}.make_node")

    def perform(self, xp, *inputs):  # pragma: no cover - contract
        raise NotImplementedError(f"{type(self).__name__}.perform")

    def make_thunk(self, node: Apply, xp):
        """A callable ``f(*input_arrays)`` running this node; ops may specialise it per node."""
        perform = self.perform
        return lambda *args: perform(xp, *args)

    def infer_shape(self, node: Apply, input_shapes):
        raise NotImplementedError(f"{self} has no infer_shape")

    def grad(self, inputs, outputs, output_grads):
        raise NotImplementedError(f"{self} has no gradient")

    def __call__(self, *inputs, **kwargs):
        node = self.make_node(*inputs, **kwargs)
        return node.outputs[0] if len(node.outputs) == 1 else node.outputs

    def props(self) -> dict:
        return (
            {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
            if dataclasses.is_dataclass(self)
            else {}
        )

    def __str__(self) -> str:
        props = self.props()
        if not props:
            return type(self).__name__
        inner = ", ".join(f"{k}={v!r}" for k, v in props.items())
        return f"{type(self).__name__}{{{inner}}}"

    #: safe to evaluate at compile time when all inputs are constants
    constant_foldable = True
