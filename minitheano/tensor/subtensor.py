"""Indexing: ``x[...]`` (basic and advanced), ``set_subtensor`` and ``inc_subtensor``.

An index is stored as a static ``idx_list`` (hashable, so equal indexings merge) whose symbolic
parts are the op's extra inputs. Entries: ``("slice", start, stop, step)`` with each bound
``None``, an int, or ``"?"`` (the next symbolic input); ``("int", v)``; ``("new",)`` for
``None``; ``("adv",)`` for an integer or boolean index array (the next symbolic input).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..graph import Apply, Variable
from ..op import Op
from .type import DISCRETE_DTYPES, INT_DTYPES, TensorType, as_tensor_variable, constant

SYM = "?"


def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def parse_index(x, index):
    """Split a Python index into ``(idx_list, symbolic_inputs)``; validate it against ``x``."""
    if not isinstance(index, tuple):
        index = (index,)
    entries, inputs = [], []
    consumed = 0  # dims of x the index uses up

    def bound(v):
        if v is None or _is_int(v):
            return None if v is None else int(v)
        v = as_tensor_variable(v)
        if v.ndim != 0 or v.dtype not in INT_DTYPES:
            raise TypeError(f"{x}[...]: slice bounds must be integer scalars, got {v.type}")
        inputs.append(v)
        return SYM

    for item in index:
        if item is Ellipsis:
            entries.append(("ellipsis",))
        elif item is None:
            entries.append(("new",))
        elif isinstance(item, slice):
            entries.append(("slice", bound(item.start), bound(item.stop), bound(item.step)))
            consumed += 1
        elif _is_int(item):
            entries.append(("int", int(item)))
            consumed += 1
        else:
            var = as_tensor_variable(item) if not isinstance(item, Variable) else item
            if var.dtype not in DISCRETE_DTYPES:
                raise TypeError(
                    f"{x}[...]: index {item} has dtype {var.dtype}; indices must "
                    f"be integers or booleans"
                )
            if var.ndim == 0 and var.dtype != "bool":
                entries.append(("int", SYM))
            else:
                entries.append(("adv",))
            consumed += var.ndim if var.dtype == "bool" else 1
            inputs.append(var)
    if consumed > x.ndim:
        raise IndexError(
            f"{x}[...]: too many indices ({consumed}) for {x.type} with {x.ndim} dims"
        )
    if any(e[0] == "ellipsis" for e in entries):
        pos = next(i for i, e in enumerate(entries) if e[0] == "ellipsis")
        fill = [("slice", None, None, None)] * (x.ndim - consumed)
        entries = entries[:pos] + fill + entries[pos + 1 :]
    return tuple(entries), inputs


def build_index(idx_list, symbolic, xp=np):
    """The runtime Python index for ``idx_list`` given the values of the symbolic inputs."""
    it = iter(symbolic)
    out = []
    for e in idx_list:
        kind = e[0]
        if kind == "slice":
            out.append(slice(*(int(next(it)) if b == SYM else b for b in e[1:])))
        elif kind == "int":
            out.append(int(next(it)) if e[1] == SYM else e[1])
        elif kind == "new":
            out.append(None)
        else:
            out.append(next(it))
    return tuple(out)


def is_advanced(idx_list) -> bool:
    return any(e[0] == "adv" for e in idx_list)


def _output_type(x, idx_list, symbolic):
    if not is_advanced(idx_list):
        bcast, axis = [], 0
        for e in idx_list:
            if e[0] == "new":
                bcast.append(True)
            elif e[0] == "slice":
                full = e[1:] == (None, None, None)
                bcast.append(x.broadcastable[axis] and full)
                axis += 1
            else:
                axis += 1
        bcast.extend(x.broadcastable[axis:])
        return TensorType(x.dtype, tuple(bcast))
    # advanced: NumPy's own rules, applied to a dummy array, give the number of output dims
    adv = iter(v for v in symbolic if v.ndim > 0 or v.dtype == "bool")
    dummy = []
    for e in idx_list:
        if e[0] == "slice":
            dummy.append(slice(None))
        elif e[0] == "int":
            dummy.append(0)
        elif e[0] == "new":
            dummy.append(None)
        else:
            v = next(adv)
            dummy.append(
                np.ones((1,) * v.ndim, dtype=bool)
                if v.dtype == "bool"
                else np.zeros((1,) * v.ndim, dtype="int64")
            )
    ndim = np.empty((1,) * x.ndim)[tuple(dummy)].ndim
    return TensorType(x.dtype, (False,) * ndim)


def _describe(idx_list) -> str:
    parts = []
    for e in idx_list:
        if e[0] == "slice":
            b = ["" if v is None else str(v) for v in e[1:]]
            parts.append(":".join(b[:2]) + (":" + b[2] if e[3] is not None else ""))
        elif e[0] == "int":
            parts.append(str(e[1]))
        elif e[0] == "new":
            parts.append("None")
        else:
            parts.append("[?]")
    return ", ".join(parts)


@dataclass(frozen=True)
class Subtensor(Op):
    """``x[idx]`` for a static index pattern ``idx_list`` (basic or advanced)."""

    idx_list: tuple

    def __str__(self) -> str:
        kind = "AdvancedSubtensor" if is_advanced(self.idx_list) else "Subtensor"
        return f"{kind}{{{_describe(self.idx_list)}}}"

    def make_node(self, x, *symbolic) -> Apply:
        x = as_tensor_variable(x)
        symbolic = [as_tensor_variable(s) for s in symbolic]
        return Apply(self, [x] + symbolic, [_output_type(x, self.idx_list, symbolic)()])

    def perform(self, xp, x, *symbolic):
        out = x[build_index(self.idx_list, symbolic, xp)]
        return out if isinstance(out, xp.ndarray) else xp.asarray(out)

    def infer_shape(self, node, input_shapes):
        from .shape import MakeVector

        ndim = node.outputs[0].ndim
        shp = IndexedShape(self.idx_list)(
            MakeVector("int64")(*input_shapes[0])
            if input_shapes[0]
            else constant(np.zeros(0, "int64")),
            *node.inputs[1:],
        )
        return [tuple(shp[i] for i in range(ndim))]

    def grad(self, inputs, outputs, output_grads):
        from .basic import zeros_like

        x, symbolic, (gz,) = inputs[0], inputs[1:], output_grads
        if x.dtype in DISCRETE_DTYPES:
            return [None] * len(inputs)
        if gz.dtype != x.dtype:  # a float64 gradient of a float32 variable: it gets x's dtype
            from .elemwise import cast

            gz = cast(gz, x.dtype)
        gx = IncSubtensor(self.idx_list, False)(zeros_like(x), gz, *symbolic)
        return [gx] + [None] * len(symbolic)


@dataclass(frozen=True)
class IndexedShape(Op):
    """The shape of ``x[idx]`` computed from ``x``'s shape vector (used by shape inference)."""

    idx_list: tuple

    def make_node(self, shp, *symbolic) -> Apply:
        return Apply(
            self,
            [as_tensor_variable(shp)] + [as_tensor_variable(s) for s in symbolic],
            [TensorType("int64", (False,))()],
        )

    def perform(self, xp, shp, *symbolic):
        symbolic = [np.asarray(s.get() if hasattr(s, "get") else s) for s in symbolic]
        view = np.broadcast_to(np.zeros((), dtype="int8"), tuple(int(s) for s in shp))
        return np.asarray(view[build_index(self.idx_list, symbolic)].shape, dtype="int64")


@dataclass(frozen=True)
class IncSubtensor(Op):
    """``x`` with ``x[idx]`` increased by ``y`` (or set to ``y``); repeated indices accumulate."""

    idx_list: tuple
    set_instead_of_inc: bool

    def __str__(self) -> str:
        kind = "Set" if self.set_instead_of_inc else "Inc"
        adv = "Advanced" if is_advanced(self.idx_list) else ""
        return f"{adv}{kind}Subtensor{{{_describe(self.idx_list)}}}"

    def make_node(self, x, y, *symbolic) -> Apply:
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        symbolic = [as_tensor_variable(s) for s in symbolic]
        target = _output_type(x, self.idx_list, symbolic)
        if y.ndim > target.ndim:
            raise TypeError(f"{self}: the value {y.type} has more dims than x[...] ({target})")
        from .elemwise import cast
        from .type import upcast

        if upcast(x.dtype, y.dtype) != x.dtype:
            raise TypeError(
                f"{self}: cannot put a {y.dtype} value into {x.type} without loss; cast it first"
            )
        return Apply(self, [x, cast(y, x.dtype)] + symbolic, [x.type()])

    def perform(self, xp, x, y, *symbolic):
        out = x.copy()
        index = build_index(self.idx_list, symbolic, xp)
        if self.set_instead_of_inc:
            out[index] = y
        elif is_advanced(self.idx_list) and any(
            getattr(i, "dtype", None) is not None and i.dtype != bool for i in index
        ):
            from ..backend import scatter_add

            scatter_add(xp, out, index, y)
        else:
            out[index] += y
        return out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, outputs, output_grads):
        from .elemwise import unbroadcast
        from .reduce import sum as sum_

        x, y, symbolic, (gz,) = inputs[0], inputs[1], inputs[2:], output_grads
        if self.set_instead_of_inc:
            gx = IncSubtensor(self.idx_list, True)(gz, constant(np.zeros((), x.dtype)), *symbolic)
        else:
            gx = gz
        gy = Subtensor(self.idx_list)(gz, *symbolic)
        if gy.ndim > y.ndim:
            gy = sum_(gy, axis=tuple(range(gy.ndim - y.ndim)))
        gy = unbroadcast(gy, y.broadcastable)
        from .shape import patternbroadcast

        return [gx, patternbroadcast(gy, y.broadcastable)] + [None] * len(symbolic)


def subtensor(x, index):
    """``x[index]``: the op behind ``TensorVariable.__getitem__``."""
    x = as_tensor_variable(x)
    idx_list, symbolic = parse_index(x, index)
    # x[:] is a node too (rewrites remove it), so that set_subtensor(x[:], y) works as in Theano
    return Subtensor(idx_list)(x, *symbolic)


def _inc_or_set(x, y, set_instead_of_inc, what):
    node = getattr(x, "owner", None)
    if node is None or not isinstance(node.op, Subtensor):
        raise TypeError(
            f"{what}(x, y): x must be the result of indexing a tensor, e.g. "
            f"{what}(a[2:], y); got {x}"
        )
    return IncSubtensor(node.op.idx_list, set_instead_of_inc)(node.inputs[0], y, *node.inputs[1:])


def set_subtensor(x, y, inplace=False, tolerate_inplace_aliasing=False):
    """The tensor indexed by ``x``, that part replaced by ``y``: ``set_subtensor(a[2:], 0)``."""
    return _inc_or_set(x, y, True, "set_subtensor")


def inc_subtensor(x, y, inplace=False, set_instead_of_inc=False, tolerate_inplace_aliasing=False):
    """The tensor indexed by ``x`` with ``y`` added to that part (repeated indices accumulate)."""
    return _inc_or_set(x, y, set_instead_of_inc, "inc_subtensor")
