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
import warnings

import numpy as np

from .config import config
from .graph import Apply, Constant


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
        if config.compute_test_value != "off":
            compute_test_values(node)
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


def get_test_value(var):
    """The test value of ``var``: a constant's data, a shared variable's value, or
    ``var.tag.test_value`` checked against its type. AttributeError when it has none."""
    if isinstance(var, Constant):
        return var.data
    if hasattr(var, "get_value"):
        return var.get_value(borrow=True)
    tag = var.__dict__.get("_tag")
    if tag is None or not hasattr(tag, "test_value"):
        raise AttributeError(f"{var} has no test value (set {var}.tag.test_value)")
    check = getattr(var.type, "filter", None)
    return tag.test_value if check is None else check(tag.test_value, what=f"{var}.tag.test_value")


def compute_test_values(node: Apply) -> None:
    """Run ``node`` on its inputs' test values (``config.compute_test_value``) and store its
    outputs' in their ``tag.test_value``: a bad shape fails at the line that built the node."""
    mode = config.compute_test_value
    values = []
    for i, var in enumerate(node.inputs):
        try:
            values.append(get_test_value(var))
        except AttributeError:
            message = (
                f"Cannot compute test value: input {i} ({var}) of {node.op} has no test value "
                f"(set {var}.tag.test_value, or config.compute_test_value='off')"
            )
            if mode in ("raise", "pdb"):
                raise ValueError(message) from None
            if mode == "warn":
                filename, _, line = node.source.rpartition(":")
                warnings.warn_explicit(message, UserWarning, filename, int(line or 0))
            return
    try:
        result = node.op.make_thunk(node, np)(*values)
    except NotImplementedError:  # an op that only runs inside a compiled program
        return
    except Exception as exc:
        shapes = ", ".join(str(getattr(v, "shape", "?")) for v in values)
        dtypes = ", ".join(str(getattr(v, "dtype", type(v).__name__)) for v in values)
        try:
            error = type(exc)(
                f"{node.op}: computing the test value failed: {exc} (test values of shapes "
                f"{shapes}, dtypes {dtypes}; node built at {node.source})"
            )
        except Exception:  # an exception type with another signature: keep it as it is
            raise exc from None
        raise error from exc
    results = [result] if len(node.outputs) == 1 else list(result)
    for out, value in zip(node.outputs, results):
        out.tag.test_value = value
