"""The ops behind ``MRG_RandomStreams``: the MRG31k3p draw and the multinomial conversions.

``MRGUniform`` draws; ``MultinomialFromUniform`` and ``ChoiceFromUniform`` turn uniform numbers
into multinomial counts and into indices drawn without replacement, with Theano's arithmetic
(cumulative sums in float64, renormalisation in the dtype of the probabilities).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..graph import Apply, Constant
from ..op import Op
from ..tensor.shape import MakeVector
from ..tensor.type import FLOAT_DTYPES, INT_DTYPES, TensorType, as_tensor_variable
from .mrg_core import M1, draw


def _constant_entries(size) -> list:
    """The entries of a symbolic size vector that are known ints (``None`` where not)."""
    if isinstance(size, Constant):
        return [int(s) for s in np.asarray(size.data).reshape(-1)]
    if size.owner is not None and isinstance(size.owner.op, MakeVector):
        return [int(i.data) if isinstance(i, Constant) else None for i in size.owner.inputs]
    return None


@dataclass(frozen=True)
class MRGUniform(Op):
    """``(rstate, size) -> (new_rstate, sample)``: uniform numbers in (0, 1) from MRG31k3p.

    ``rstate`` is an int32 matrix with one stream per row (6 numbers each); sample ``i`` comes
    from stream ``i % n_streams``. The input state is never modified: the new state is a new
    array, which ``MRG_RandomStreams`` makes the default update of the state variable.
    """

    dtype: str
    ndim: int

    n_outputs = 2
    constant_foldable = False  # a draw must happen at every call, never once at compile time

    def __str__(self) -> str:
        return f"mrg_uniform{{{self.dtype}}}"

    def make_node(self, rstate, size) -> Apply:
        rstate, size = as_tensor_variable(rstate), as_tensor_variable(size)
        if self.dtype not in FLOAT_DTYPES:
            raise TypeError(f"{self}: the sample dtype must be a float dtype, not {self.dtype}")
        if rstate.dtype != "int32" or rstate.ndim != 2:
            raise TypeError(
                f"{self}: the state must be an int32 matrix (n_streams, 6), got {rstate.type}"
            )
        if size.ndim != 1 or size.dtype not in INT_DTYPES:
            raise TypeError(f"{self}: size must be an integer vector, got {size.type}")
        entries = _constant_entries(size)
        if entries is not None and len(entries) != self.ndim:
            raise ValueError(
                f"{self}: size has {len(entries)} entries but the sample has ndim={self.ndim}"
            )
        bcast = tuple(e == 1 for e in entries) if entries is not None else (False,) * self.ndim
        return Apply(self, [rstate, size], [rstate.type(), TensorType(self.dtype, bcast)()])

    def perform(self, xp, rstate, size):
        shape = tuple(int(s) for s in size.tolist())
        if len(shape) != self.ndim:
            raise ValueError(f"{self}: size {shape} has {len(shape)} entries, not {self.ndim}")
        if any(s < 0 for s in shape):
            raise ValueError(f"{self}: negative size {shape}")
        n = int(np.prod(shape, dtype=np.int64))
        if n > M1:
            raise ValueError(f"{self}: {n} samples is more than MRG31k3p draws at once (2**31-1)")
        if rstate.ndim != 2 or rstate.shape[1] != 6 or rstate.shape[0] == 0:
            raise ValueError(f"{self}: the state must be (n_streams, 6), not {rstate.shape}")
        new_rstate, sample = draw(xp, rstate, n, self.dtype)
        return new_rstate, sample.reshape(shape)

    def infer_shape(self, node, input_shapes):
        size = node.inputs[1]
        return [input_shapes[0], tuple(size[i] for i in range(self.ndim))]

    def grad(self, inputs, outputs, output_grads):
        return [None, None]  # no gradient through sampling


def _check_probabilities(what, pvals, unis, n):
    pvals, unis, n = (as_tensor_variable(v) for v in (pvals, unis, n))
    if pvals.ndim != 2 or pvals.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{what}: pvals must be a float matrix, got {pvals.type}")
    if unis.ndim != 1 or unis.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{what}: unis must be a float vector, got {unis.type}")
    if n.ndim != 0 or n.dtype not in INT_DTYPES:
        raise TypeError(f"{what}: n must be an integer scalar, got {n.type}")
    return pvals, unis, n


def _check_uniform_count(what, pvals, unis, n: int):
    if unis.shape[0] != pvals.shape[0] * n:
        raise ValueError(
            f"{what}: needs pvals.shape[0] * n = {pvals.shape[0]} * {n} uniform numbers, "
            f"got {unis.shape[0]}"
        )


def _first_above(xp, cumsum, unis):
    """Per row, the first column where ``cumsum`` exceeds the row's uniform; -1 when none."""
    above = cumsum > unis[..., None]
    return xp.where(above.any(axis=-1), above.argmax(axis=-1), -1)


@dataclass(frozen=True)
class MultinomialFromUniform(Op):
    """``(pvals, unis, n) -> counts``: ``n`` draws per row of ``pvals``, one uniform each.

    Draw ``c`` of row ``r`` uses ``unis[c * n_rows + r]`` and lands in the first column whose
    cumulative probability (summed in float64) exceeds it.
    """

    odtype: str

    constant_foldable = False

    def __str__(self) -> str:
        return f"MultinomialFromUniform{{{self.odtype}}}"

    def make_node(self, pvals, unis, n=1) -> Apply:
        pvals, unis, n = _check_probabilities(str(self), pvals, unis, n)
        odtype = pvals.dtype if self.odtype == "auto" else self.odtype
        return Apply(self, [pvals, unis, n], [TensorType(odtype, pvals.broadcastable)()])

    def perform(self, xp, pvals, unis, n):
        n = int(n)
        _check_uniform_count(str(self), pvals, unis, n)
        rows, cols = pvals.shape
        cumsum = xp.cumsum(pvals.astype(np.float64), axis=1)
        first = _first_above(xp, cumsum[None], unis.reshape(n, rows).astype(np.float64))
        hits = first[..., None] == xp.arange(cols)  # (n, rows, cols)
        odtype = pvals.dtype if self.odtype == "auto" else self.odtype
        return hits.sum(axis=0).astype(odtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, outputs, output_grads):
        return [None, None, None]


@dataclass(frozen=True)
class ChoiceFromUniform(Op):
    """``(pvals, unis, n) -> indices (n_rows, n)``: ``n`` columns drawn per row of ``pvals``.

    Without ``replace``, a drawn column's probability becomes 0 and the row is renormalised
    (summed and divided in the dtype of ``pvals``, as Theano does) before the next draw.
    """

    odtype: str
    replace: bool = False

    constant_foldable = False

    def __str__(self) -> str:
        return f"ChoiceFromUniform{{{self.odtype}{', replace' if self.replace else ''}}}"

    def make_node(self, pvals, unis, n=1) -> Apply:
        pvals, unis, n = _check_probabilities(str(self), pvals, unis, n)
        odtype = "int64" if self.odtype == "auto" else self.odtype
        bcast = (pvals.broadcastable[0], False)
        return Apply(self, [pvals, unis, n], [TensorType(odtype, bcast)()])

    def perform(self, xp, pvals, unis, n):
        n = int(n)
        rows, cols = pvals.shape
        if not self.replace and n > cols:
            raise ValueError(f"{self}: cannot draw {n} of {cols} outcomes without replacement")
        _check_uniform_count(str(self), pvals, unis, n)
        odtype = "int64" if self.odtype == "auto" else self.odtype
        out = xp.empty((rows, n), dtype=odtype)
        p = pvals.copy()
        row = xp.arange(rows)
        for c in range(n):  # draws depend on the ones before: a short loop over n
            cumsum = xp.cumsum(p.astype(np.float64), axis=1)
            first = _first_above(xp, cumsum, unis[c * rows : (c + 1) * rows].astype(np.float64))
            out[:, c] = first
            if self.replace or c == n - 1:
                continue
            p = _renormalise_without(xp, p, cumsum, row, first)
        return out

    def infer_shape(self, node, input_shapes):
        return [(input_shapes[0][0], node.inputs[2])]

    def grad(self, inputs, outputs, output_grads):
        return [None, None, None]


def _renormalise_without(xp, p, cumsum, row, first):
    """``p`` with column ``first`` of each row zeroed and the row divided by its new sum.

    Theano sums in the dtype of ``p``: the float64 cumulative sum before the drawn column,
    rounded, then the columns from the drawn one on, one by one (cumsum adds sequentially).
    """
    hit = first >= 0
    m = xp.where(hit, first, 0)
    drawn = p[row, m]
    before = (cumsum[row, m] - drawn.astype(np.float64)).astype(p.dtype)
    p = p.copy()
    p[row[hit], m[hit]] = 0
    tail = xp.where(xp.arange(p.shape[1]) >= m[:, None], p, xp.zeros((), dtype=p.dtype))
    terms = xp.concatenate([before[:, None], tail], axis=1)
    total = xp.cumsum(terms, axis=1, dtype=p.dtype)[:, -1]
    return xp.where(hit[:, None], p / total[:, None], p)
