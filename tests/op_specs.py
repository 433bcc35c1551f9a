"""The op-spec table: every op with a NumPy reference, a gradient check and shape inference.

Each spec builds its graph from symbolic inputs made from ``inputs`` (sampled arrays), computes a
NumPy reference, checks gradients by finite differences along random directions (float64) and
compares ``infer_shape`` with the run-time shape. Sizes 2, 3, 5, 7 make swapped axes show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import minitheano.tensor as T


@dataclass
class OpSpec:
    name: str
    build: Callable  # build(*symbolic inputs) -> output variable
    inputs: list  # sample arrays (float64 unless the op needs other dtypes)
    reference: Callable  # reference(*arrays) -> expected array
    grad: bool = True  # check gradients wrt the float inputs
    rtol: float = 1e-7
    tags: tuple = field(default_factory=tuple)

    def __str__(self):
        return self.name


_r = np.random.RandomState(42)


def _join_stacks(lib, a, b):
    """The same joins written with Theano's names (``lib`` = T) or NumPy's (``lib`` = np)."""
    if lib is np:
        block = np.vstack([np.hstack([a, b]), np.hstack([b, a])])
        return np.concatenate([block, block[:, :2]], axis=1)
    block = T.vertical_stack(T.horizontal_stack(a, b), T.horizontal_stack(b, a))
    return T.join(1, block, block[:, :2])


def u(*shape, low=-1.0, high=1.0):
    """Uniform float64 sample of ``shape``, away from kinks (|x| >= 0.05)."""
    x = _r.uniform(low, high, size=shape)
    x[np.abs(x) < 0.05] += 0.1
    return x


def pos(*shape):
    return _r.uniform(0.5, 2.0, size=shape)


def ints(*shape, high=5, dtype="int32"):
    return _r.randint(0, high, size=shape).astype(dtype)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _set(a, idx, v):
    a = a.copy()
    a[idx] = v
    return a


def _inc(a, idx, v):
    a = a.copy()
    np.add.at(a, idx, v)
    return a


IDX = np.array([1, 4, 1, 0], dtype="int64")  # with a repeated index: gradients must accumulate
LABELS = np.array([2, 0, 4], dtype="int32")

SPECS = [
    # --- elementwise, binary with broadcasting ---------------------------------------------------
    OpSpec("add", lambda a, b: a + b, [u(3, 5), u(3, 5)], np.add),
    OpSpec("add_row", lambda a, b: a + b.dimshuffle("x", 0), [u(3, 5), u(5)], lambda a, b: a + b),
    OpSpec("add_vector_pad_left", lambda a, b: a + b, [u(2, 3, 5), u(5)], np.add),
    OpSpec("sub", lambda a, b: a - b, [u(3, 5), u(3, 5)], np.subtract),
    OpSpec("rsub", lambda a: 2.0 - a, [u(3, 5)], lambda a: 2.0 - a),
    OpSpec(
        "mul_col_row",
        lambda a, b: a.dimshuffle(0, "x") * b.dimshuffle("x", 0),
        [u(3), u(5)],
        np.outer,
    ),
    OpSpec("true_div", lambda a, b: a / b, [u(3, 5), pos(3, 5)], np.true_divide),
    OpSpec("rdiv", lambda a: 1.0 / a, [pos(3, 5)], lambda a: 1.0 / a),
    OpSpec(
        "int_div",
        lambda a, b: a // b,
        [ints(3, 5, high=20), ints(3, 5, high=4) + 1],
        np.floor_divide,
        grad=False,
    ),
    OpSpec("mod", lambda a, b: a % b, [pos(3, 5) * 3, pos(3, 5)], np.mod),
    OpSpec("pow", lambda a, b: a**b, [pos(3, 5), u(3, 5)], np.power),
    OpSpec("rpow", lambda a: 2.0**a, [u(3, 5)], lambda a: 2.0**a),
    OpSpec("maximum", T.maximum, [u(3, 5), u(3, 5)], np.maximum),
    OpSpec("minimum", T.minimum, [u(3, 5), u(3, 5)], np.minimum),
    OpSpec("lt", T.lt, [u(3, 5), u(3, 5)], np.less, grad=False),
    OpSpec("gt", T.gt, [u(3, 5), u(3, 5)], np.greater, grad=False),
    OpSpec("le", T.le, [ints(3, 5), ints(3, 5)], np.less_equal, grad=False),
    OpSpec("ge", T.ge, [ints(3, 5), ints(3, 5)], np.greater_equal, grad=False),
    OpSpec("eq", T.eq, [ints(3, 5), ints(3, 5)], np.equal, grad=False),
    OpSpec("neq", T.neq, [ints(3, 5), ints(3, 5)], np.not_equal, grad=False),
    OpSpec("and", T.and_, [ints(3, 5) > 2, ints(3, 5) > 2], np.logical_and, grad=False),
    OpSpec("or", T.or_, [ints(3, 5) > 2, ints(3, 5) > 2], np.logical_or, grad=False),
    OpSpec("xor", T.xor, [ints(3, 5) > 2, ints(3, 5) > 2], np.logical_xor, grad=False),
    # --- elementwise, unary ----------------------------------------------------------------------
    OpSpec("neg", lambda a: -a, [u(3, 5)], np.negative),
    OpSpec("abs", abs, [u(3, 5)], np.abs),
    OpSpec("exp", T.exp, [u(3, 5)], np.exp),
    OpSpec("expm1", T.expm1, [u(3, 5)], np.expm1),
    OpSpec("log", T.log, [pos(3, 5)], np.log),
    OpSpec("log1p", T.log1p, [pos(3, 5)], np.log1p),
    OpSpec("log2", T.log2, [pos(3, 5)], np.log2),
    OpSpec("log10", T.log10, [pos(3, 5)], np.log10),
    OpSpec("sqrt", T.sqrt, [pos(3, 5)], np.sqrt),
    OpSpec("sqr", T.sqr, [u(3, 5)], np.square),
    OpSpec("tanh", T.tanh, [u(3, 5)], np.tanh),
    OpSpec("sin", T.sin, [u(3, 5)], np.sin),
    OpSpec("cos", T.cos, [u(3, 5)], np.cos),
    OpSpec("tan", T.tan, [u(3, 5)], np.tan),
    OpSpec(
        "fill_second",
        lambda a, b: T.fill(a, b) + T.second(a, 2 * b),
        [u(3, 5), u(5)],
        lambda a, b: np.broadcast_to(3 * b, a.shape),
    ),
    OpSpec(
        "invert_floor_div",
        lambda a: T.invert(a) + T.floor_div(a, 2),
        [ints(3, 5, high=9)],
        lambda a: ~a + a // 2,
        grad=False,
    ),
    OpSpec("sinh", T.sinh, [u(3, 5)], np.sinh),
    OpSpec("cosh", T.cosh, [u(3, 5)], np.cosh),
    OpSpec("arcsin", T.arcsin, [u(3, 5) * 0.9], np.arcsin),
    OpSpec("arccos", T.arccos, [u(3, 5) * 0.9], np.arccos),
    OpSpec("arctan", T.arctan, [u(3, 5) * 3], np.arctan),
    OpSpec("exp2", T.exp2, [u(3, 5)], np.exp2),
    OpSpec("inv", T.inv, [u(3, 5)], lambda a: 1.0 / a),
    OpSpec("inv_int", T.inv, [ints(3, 5) + 1], lambda a: 1.0 / a, grad=False),
    OpSpec(
        "isnan_isinf",
        lambda a: T.or_(T.isnan(a), T.isinf(a * 2)),
        [np.array([[1.0, np.nan, np.inf], [-np.inf, 0.5, -3.0]])],
        lambda a: np.isnan(a) | np.isinf(a),
        grad=False,
    ),
    OpSpec(
        "largest_smallest",
        lambda a, b, c: T.largest(a, b, c) - T.smallest(a, b, c),
        [u(3, 5), u(3, 5), u(5)],
        lambda a, b, c: np.maximum(np.maximum(a, b), c) - np.minimum(np.minimum(a, b), c),
    ),
    OpSpec(
        "where",
        lambda c, a, b: T.where(T.gt(c, 0), a, b),
        [u(3, 5), u(3, 5), u(3, 5)],
        lambda c, a, b: np.where(c > 0, a, b),
    ),
    OpSpec("sigmoid", T.nnet.sigmoid, [u(3, 5) * 5], _sigmoid),
    OpSpec("softplus", T.nnet.softplus, [u(3, 5) * 5], lambda a: np.log1p(np.exp(a))),
    OpSpec("relu", T.nnet.relu, [u(3, 5)], lambda a: np.maximum(a, 0)),
    OpSpec("floor", T.floor, [u(3, 5) * 3], np.floor, grad=False),
    OpSpec("ceil", T.ceil, [u(3, 5) * 3], np.ceil, grad=False),
    OpSpec("sgn", T.sgn, [u(3, 5)], np.sign, grad=False),
    OpSpec(
        "round_half_to_even",
        T.round,
        [np.array([[0.5, 1.5, 2.5], [-0.5, -1.5, 0.49]])],
        np.round,
        grad=False,
    ),
    OpSpec(
        "round_half_away",
        lambda a: T.round(a, "half_away_from_zero"),
        [np.array([[0.5, 1.5, 2.5], [-0.5, -1.5, 0.49]])],
        lambda a: np.array([[1.0, 2.0, 3.0], [-1.0, -2.0, 0.0]]),
        grad=False,
    ),
    OpSpec(
        "switch", lambda c, a, b: T.switch(c, a, b), [ints(3, 5) > 2, u(3, 5), u(3, 5)], np.where
    ),
    OpSpec("clip", lambda a: T.clip(a, -0.5, 0.5), [u(3, 5)], lambda a: np.clip(a, -0.5, 0.5)),
    OpSpec(
        "cast",
        lambda a: T.cast(a, "float32"),
        [u(3, 5)],
        lambda a: a.astype("float32"),
        grad=False,
    ),
    OpSpec(
        "astype_int",
        lambda a: (a * 10).astype("int32"),
        [u(3, 5)],
        lambda a: (a * 10).astype("int32"),
        grad=False,
    ),
    # --- reductions ------------------------------------------------------------------------------
    OpSpec("sum_all", lambda a: a.sum(), [u(3, 5, 7)], np.sum),
    OpSpec("sum_axis0", lambda a: a.sum(axis=0), [u(3, 5, 7)], lambda a: a.sum(axis=0)),
    OpSpec(
        "sum_axes_keepdims",
        lambda a: a.sum(axis=(0, 2), keepdims=True),
        [u(3, 5, 7)],
        lambda a: a.sum(axis=(0, 2), keepdims=True),
    ),
    OpSpec("mean", lambda a: a.mean(axis=1), [u(3, 5, 7)], lambda a: a.mean(axis=1)),
    OpSpec(
        "mean_keepdims",
        lambda a: T.mean(a, axis=-1, keepdims=True),
        [u(3, 5)],
        lambda a: a.mean(axis=-1, keepdims=True),
    ),
    OpSpec("prod", lambda a: a.prod(axis=1), [pos(3, 5)], lambda a: a.prod(axis=1)),
    OpSpec("max", lambda a: a.max(axis=1), [u(3, 5, 7)], lambda a: a.max(axis=1)),
    OpSpec("max_all", lambda a: T.max(a), [u(3, 5)], np.max),
    OpSpec(
        "min_keepdims",
        lambda a: a.min(axis=0, keepdims=True),
        [u(3, 5)],
        lambda a: a.min(axis=0, keepdims=True),
    ),
    OpSpec(
        "argmax", lambda a: T.argmax(a, axis=1), [u(3, 5)], lambda a: a.argmax(axis=1), grad=False
    ),
    OpSpec(
        "argmin_keepdims",
        lambda a: T.argmin(a, axis=0, keepdims=True),
        [u(3, 5)],
        lambda a: a.argmin(axis=0)[None],
        grad=False,
    ),
    OpSpec("argmax_all", lambda a: T.argmax(a), [u(3, 5)], np.argmax, grad=False),
    OpSpec("var", lambda a: a.var(axis=0), [u(3, 5)], lambda a: a.var(axis=0)),
    OpSpec("ptp", lambda a: T.ptp(a, axis=1), [u(3, 5)], lambda a: np.ptp(a, axis=1)),
    OpSpec("std", lambda a: T.std(a, axis=0), [u(3, 5)], lambda a: a.std(axis=0)),
    OpSpec(
        "max_and_argmax",
        lambda a: T.concatenate([T.cast(v, "float64") for v in T.max_and_argmax(a, axis=1)]),
        [u(3, 5)],
        lambda a: np.concatenate([a.max(axis=1), a.argmax(axis=1)]),
    ),
    OpSpec(
        "all_any",
        lambda a: T.and_(T.all(T.gt(a, -0.9), axis=1), T.any(T.gt(a, 0.5), axis=1)),
        [u(3, 5)],
        lambda a: (a > -0.9).all(axis=1) & (a > 0.5).any(axis=1),
        grad=False,
    ),
    OpSpec(
        "all_any_keepdims_ints",
        lambda a: T.or_(T.all(a, keepdims=True), T.any(a, axis=0, keepdims=True)),
        [ints(3, 5, high=2)],
        lambda a: a.all(keepdims=True) | a.any(axis=0, keepdims=True),
        grad=False,
    ),
    OpSpec("diag_of_matrix", T.diag, [u(3, 5)], np.diag),
    OpSpec("diag_from_vector", T.diag, [u(5)], np.diag),
    OpSpec(
        "eye_identity_like",
        lambda a: T.eye(3, 5, 1) * a + T.identity_like(a) + T.eye(a.shape[0], a.shape[1]),
        [u(3, 5)],
        lambda a: np.eye(3, 5, 1) * a + 2 * np.eye(3, 5),
    ),
    # --- sorting ---------------------------------------------------------------------------------
    OpSpec("sort_last", T.sort, [u(3, 5)], lambda a: np.sort(a, -1)),
    OpSpec("sort_axis0", lambda a: T.sort(a, axis=0), [u(3, 5, 2)], lambda a: np.sort(a, 0)),
    OpSpec("sort_flat", lambda a: T.sort(a, axis=None), [u(3, 5)], lambda a: np.sort(a, None)),
    OpSpec(
        "argsort",
        lambda a: T.argsort(a, axis=1),
        [u(3, 5)],
        lambda a: np.argsort(a, 1, kind="stable"),
        grad=False,
    ),
    OpSpec(
        "argsort_ties_flat",
        lambda a: T.argsort(a, axis=None),
        [np.array([[2.0, 1.0, 2.0], [1.0, 0.0, 2.0]])],
        lambda a: np.array([4, 1, 3, 0, 2, 5]),
        grad=False,
    ),
    # --- extra_ops ------------------------------------------------------------------------------
    OpSpec("cumsum_axis", lambda a: T.cumsum(a, axis=1), [u(3, 5)], lambda a: np.cumsum(a, 1)),
    OpSpec("cumsum_flat", T.cumsum, [u(3, 5)], np.cumsum),
    OpSpec(
        "cumprod_axis",
        lambda a: T.extra_ops.cumprod(a, axis=-2),
        [pos(3, 5)],
        lambda a: np.cumprod(a, -2),
    ),
    OpSpec("cumprod_flat", T.cumprod, [pos(2, 3)], np.cumprod),
    OpSpec("diff", lambda a: T.diff(a, n=2, axis=0), [u(5, 3)], lambda a: np.diff(a, 2, 0)),
    OpSpec("repeat_axis", lambda a: T.repeat(a, 3, axis=1), [u(3, 5)], lambda a: a.repeat(3, 1)),
    OpSpec("repeat_flat", lambda a: T.repeat(a, 2), [u(3, 5)], lambda a: a.repeat(2)),
    OpSpec("tile_2d", lambda a: T.tile(a, (2, 3)), [u(3, 5)], lambda a: np.tile(a, (2, 3))),
    OpSpec(
        "tile_more_reps", lambda a: T.tile(a, (2, 1, 3)), [u(5)], lambda a: np.tile(a, (2, 1, 3))
    ),
    OpSpec(
        "nonzero",
        lambda a: T.concatenate(list(T.nonzero(a)) + [T.flatnonzero(a)]),
        [np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])],
        lambda a: np.concatenate(list(np.nonzero(a)) + [np.flatnonzero(a)]),
        grad=False,
    ),
    OpSpec(
        "nonzero_values",
        T.nonzero_values,
        [np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])],
        lambda a: a[a != 0],
        grad=False,  # finite differences move the zeros, and so the output's size
    ),
    OpSpec(
        "squeeze",
        lambda a: T.squeeze(T.shape_padleft(a)),
        [u(3, 5)],
        lambda a: a,
    ),
    OpSpec(
        "to_one_hot",
        lambda y: T.extra_ops.to_one_hot(y, 5),
        [np.array([0, 3, 4, 3], dtype="int32")],
        lambda y: np.eye(5)[y],
        grad=False,
    ),
    # --- linear algebra --------------------------------------------------------------------------
    OpSpec("dot_vv", T.dot, [u(5), u(5)], np.dot),
    OpSpec("dot_vm", T.dot, [u(3), u(3, 5)], np.dot),
    OpSpec("dot_mv", T.dot, [u(3, 5), u(5)], np.dot),
    OpSpec("dot_mm", T.dot, [u(3, 5), u(5, 7)], np.dot),
    OpSpec("transpose", lambda a: a.T, [u(3, 5)], lambda a: a.T),
    OpSpec("outer", T.outer, [u(3), u(5)], np.outer),
    OpSpec(
        "tensordot_int",
        lambda a, b: T.tensordot(a, b, 2),
        [u(2, 3, 5), u(3, 5, 7)],
        lambda a, b: np.tensordot(a, b, 2),
    ),
    OpSpec(
        "tensordot_axes",
        lambda a, b: T.tensordot(a, b, [[0, 2], [2, 1]]),
        [u(2, 3, 5), u(7, 5, 2)],
        lambda a, b: np.tensordot(a, b, [[0, 2], [2, 1]]),
    ),
    OpSpec(
        "batched_dot_3d",
        T.batched_dot,
        [u(2, 3, 5), u(2, 5, 7)],
        np.matmul,
    ),
    OpSpec(
        "batched_dot_2d_3d",
        T.batched_dot,
        [u(3, 5), u(3, 5, 2)],
        lambda a, b: np.einsum("bm,bmp->bp", a, b),
    ),
    OpSpec(
        "batched_dot_3d_2d",
        T.batched_dot,
        [u(3, 2, 5), u(3, 5)],
        lambda a, b: np.einsum("bnm,bm->bn", a, b),
    ),
    OpSpec("batched_dot_2d", T.batched_dot, [u(3, 5), u(3, 5)], lambda a, b: (a * b).sum(1)),
    OpSpec("tensordot_vectors", lambda a, b: T.tensordot(a, b, 1), [u(5), u(5)], np.dot),
    # --- shapes ----------------------------------------------------------------------------------
    OpSpec(
        "transpose_axes",
        lambda a: T.transpose(a, (1, 2, 0)),
        [u(2, 3, 5)],
        lambda a: np.transpose(a, (1, 2, 0)),
    ),
    OpSpec("transpose_default", T.transpose, [u(2, 3, 5)], np.transpose),
    OpSpec(
        "shape_pads",
        lambda a: T.shape_padright(T.shape_padleft(a, 2)) + T.shape_padaxis(a, 1),
        [u(3, 5)],
        lambda a: a[None, None, :, :, None] + a[:, None, :],
    ),
    OpSpec(
        "join_stacks",
        lambda a, b: _join_stacks(T, a, b),
        [u(3, 2), u(3, 5)],
        lambda a, b: _join_stacks(np, a, b),
    ),
    OpSpec(
        "dimshuffle_perm",
        lambda a: a.dimshuffle(2, 0, 1),
        [u(2, 3, 5)],
        lambda a: a.transpose(2, 0, 1),
    ),
    OpSpec(
        "dimshuffle_x",
        lambda a: a.dimshuffle("x", 1, "x", 0),
        [u(3, 5)],
        lambda a: a.T[None, :, None, :],
    ),
    OpSpec(
        "dimshuffle_drop",
        lambda a: T.addbroadcast(a, 1).dimshuffle(0, 2),
        [u(3, 1, 5)],
        lambda a: a[:, 0, :],
    ),
    OpSpec("reshape", lambda a: a.reshape((5, 6)), [u(2, 3, 5)], lambda a: a.reshape(5, 6)),
    OpSpec(
        "reshape_minus1", lambda a: a.reshape((-1, 5)), [u(2, 3, 5)], lambda a: a.reshape(-1, 5)
    ),
    OpSpec(
        "reshape_symbolic",
        lambda a: a.reshape((a.shape[0], -1)),
        [u(2, 3, 5)],
        lambda a: a.reshape(2, -1),
    ),
    OpSpec("flatten", lambda a: a.flatten(), [u(2, 3, 5)], lambda a: a.ravel()),
    OpSpec("flatten2", lambda a: a.flatten(2), [u(2, 3, 5, 7)], lambda a: a.reshape(2, -1)),
    OpSpec("shape", lambda a: a.shape, [u(2, 3, 5)], lambda a: np.array(a.shape), grad=False),
    OpSpec("shape_i", lambda a: a.shape[1], [u(2, 3, 5)], lambda a: np.array(3), grad=False),
    OpSpec("size", lambda a: a.size, [u(2, 3, 5)], lambda a: np.array(30), grad=False),
    OpSpec(
        "arange",
        lambda n: T.arange(n),
        [np.array(7, dtype="int64")],
        lambda n: np.arange(n),
        grad=False,
    ),
    OpSpec(
        "arange_step",
        lambda n: T.arange(2, n, 3),
        [np.array(11, dtype="int64")],
        lambda n: np.arange(2, n, 3),
        grad=False,
    ),
    OpSpec(
        "zeros",
        lambda a: T.zeros((a.shape[0], 5)),
        [u(3, 2)],
        lambda a: np.zeros((3, 5)),
        grad=False,
    ),
    OpSpec("ones_like", lambda a: T.ones_like(a), [u(3, 5)], np.ones_like, grad=False),
    OpSpec(
        "ones",
        lambda a: T.ones((a.shape[1], 7), dtype="int32"),
        [u(3, 5)],
        lambda a: np.ones((5, 7), dtype="int32"),
        grad=False,
    ),
    OpSpec("zeros_like_plus", lambda a: T.zeros_like(a) + a, [u(3, 5)], lambda a: a),
    OpSpec(
        "alloc", lambda a: T.alloc(a, 7, 3, 5), [u(3, 5)], lambda a: np.broadcast_to(a, (7, 3, 5))
    ),
    OpSpec(
        "concatenate",
        lambda a, b: T.concatenate([a, b], axis=1),
        [u(3, 2), u(3, 5)],
        lambda a, b: np.concatenate([a, b], axis=1),
    ),
    OpSpec(
        "stack",
        lambda a, b: T.stack([a, b], axis=1),
        [u(3, 5), u(3, 5)],
        lambda a, b: np.stack([a, b], axis=1),
    ),
    # --- indexing --------------------------------------------------------------------------------
    OpSpec("slice", lambda a: a[1:, ::2], [u(5, 7)], lambda a: a[1:, ::2]),
    OpSpec("slice_negative_step", lambda a: a[::-1, 2], [u(5, 7)], lambda a: a[::-1, 2]),
    OpSpec(
        "slice_symbolic",
        lambda a: a[a.shape[0] // 2 : a.shape[0], None],
        [u(7, 3)],
        lambda a: a[3:7, None],
    ),
    OpSpec("index_int", lambda a: a[-1], [u(5, 7)], lambda a: a[-1]),
    OpSpec(
        "advanced_rows_labels",
        lambda p: p[T.arange(3), T.constant(LABELS)],
        [u(3, 5)],
        lambda p: p[np.arange(3), LABELS],
    ),
    OpSpec("advanced_repeated_rows", lambda w: w[T.constant(IDX)], [u(5, 3)], lambda w: w[IDX]),
    OpSpec(
        "advanced_with_slice",
        lambda w: w[1:, T.constant(IDX[:2])],
        [u(3, 5)],
        lambda w: w[1:, IDX[:2]],
    ),
    OpSpec(
        "set_subtensor",
        lambda a, v: T.set_subtensor(a[1:3], v),
        [u(5, 3), u(2, 3)],
        lambda a, v: _set(a, slice(1, 3), v),
    ),
    OpSpec(
        "inc_subtensor_broadcast",
        lambda a, v: T.inc_subtensor(a[:, 1], v),
        [u(5, 3), u(1)],
        lambda a, v: _inc(a, (slice(None), 1), v),
    ),
    OpSpec(
        "inc_subtensor_advanced",
        lambda a, v: T.inc_subtensor(a[T.constant(IDX)], v),
        [u(5, 3), u(4, 3)],
        lambda a, v: _inc(a, IDX, v),
    ),
    OpSpec(
        "set_subtensor_advanced",
        lambda a, v: T.set_subtensor(a[T.constant(IDX[1:])], v),
        [u(5, 3), u(3, 3)],
        lambda a, v: _set(a, IDX[1:], v),
    ),
    # --- nnet ------------------------------------------------------------------------------------
    OpSpec(
        "hard_sigmoid", T.nnet.hard_sigmoid, [u(3, 5) * 4], lambda a: np.clip(0.2 * a + 0.5, 0, 1)
    ),
    OpSpec(
        "sigmoid_binary_crossentropy",
        T.nnet.sigmoid_binary_crossentropy,
        [u(3, 5) * 5, pos(3, 5) / 2],  # moderate logits: the plain formula is exact enough
        lambda z, t: -(t * np.log(_sigmoid(z)) + (1 - t) * np.log1p(-_sigmoid(z))),
    ),
    OpSpec("ultra_fast_sigmoid", T.nnet.ultra_fast_sigmoid, [u(3, 5) * 4], _sigmoid),
    OpSpec(
        "patternbroadcast_unbroadcast",
        lambda a: T.unbroadcast(T.patternbroadcast(a, (True, False)), 0) * 2,
        [u(1, 5)],
        lambda a: a * 2,
    ),
    OpSpec("softsign", T.nnet.softsign, [u(3, 5) * 3], lambda a: a / (1 + np.abs(a))),
    OpSpec("elu", T.nnet.elu, [u(3, 5) * 3], lambda a: np.where(a > 0, a, np.expm1(a))),
    OpSpec(
        "selu",
        T.nnet.selu,
        [u(3, 5) * 3],
        lambda a: 1.0507009873554805 * np.where(a > 0, a, 1.6732632423543772 * np.expm1(a)),
    ),
    OpSpec("softmax", T.nnet.softmax, [u(3, 5) * 3], _softmax),
    OpSpec("softmax_vector", T.nnet.softmax, [u(5)], lambda a: _softmax(a[None])),
    OpSpec("logsoftmax", T.nnet.logsoftmax, [u(3, 5) * 3], lambda a: np.log(_softmax(a))),
    OpSpec(
        "categorical_crossentropy",
        lambda z: T.nnet.categorical_crossentropy(T.nnet.softmax(z), T.constant(LABELS)),
        [u(3, 5)],
        lambda z: -np.log(_softmax(z)[np.arange(3), LABELS]),
    ),
    OpSpec(
        "binary_crossentropy",
        lambda z, t: T.nnet.binary_crossentropy(T.nnet.sigmoid(z), t),
        [u(3, 5), pos(3, 5) / 2],
        lambda z, t: -(t * np.log(_sigmoid(z)) + (1 - t) * np.log(1 - _sigmoid(z))),
    ),
    OpSpec(  # Theano's order when the bounds cross: below min gives min (np.clip gives max)
        "clip_crossed_bounds",
        T.clip,
        [u(3, 5), u(3, 5) * 0.5, u(3, 5) * 0.5],
        lambda a, lo, hi: np.where(a < lo, lo, np.where(a > hi, hi, a)),
    ),
]


# --- linear algebra, diagonals and rearrangements (T.nlinalg, T.slinalg ...) ---------------------
def _square(n):
    """A well-conditioned square matrix."""
    return u(n, n) + n * np.eye(n)


def _gram(a):
    """A symmetric positive definite matrix made from ``a`` (numpy or symbolic)."""
    lib = np if isinstance(a, np.ndarray) else T
    return lib.dot(a, a.T) + 2 * lib.eye(a.shape[0])


REPEATS = np.array([2, 0, 1, 3, 1], dtype="int32")
SPECS += [
    OpSpec("dot_tensor3_matrix", T.dot, [u(2, 3, 5), u(5, 7)], np.dot),
    OpSpec("dot_matrix_tensor3", T.dot, [u(3, 5), u(2, 5, 7)], np.dot),
    OpSpec("dot_vector_tensor3", T.dot, [u(5), u(2, 5, 3)], np.dot),
    OpSpec("matrix_inverse", T.nlinalg.matrix_inverse, [_square(3)], np.linalg.inv),
    OpSpec("det", T.nlinalg.det, [_square(3)], np.linalg.det),
    OpSpec("pinv", T.nlinalg.pinv, [u(3, 5)], np.linalg.pinv),
    OpSpec("trace", T.nlinalg.trace, [u(3, 5)], np.trace),
    OpSpec("eigh_values", lambda a: T.nlinalg.eigh(a)[0], [_gram(u(3, 5))], np.linalg.eigvalsh),
    OpSpec(  # squared: an eigenvector's sign is arbitrary
        "eigh_vectors_upper",
        lambda a: T.nlinalg.eigh(a, "U")[1] ** 2,
        [_gram(u(3, 5))],
        lambda a: np.linalg.eigh(a, "U")[1] ** 2,
    ),
    OpSpec(
        "svd_values",
        lambda a: T.nlinalg.svd(a, compute_uv=False),
        [u(3, 5)],
        lambda a: np.linalg.svd(a, compute_uv=False),
        grad=False,
    ),
    OpSpec(
        "cholesky",
        lambda a: T.slinalg.cholesky(_gram(a)),
        [u(3, 5)],
        lambda a: np.linalg.cholesky(_gram(a)),
    ),
    OpSpec(
        "cholesky_upper",
        lambda a: T.slinalg.Cholesky(lower=False)(_gram(a)),
        [u(3, 5)],
        lambda a: np.linalg.cholesky(_gram(a)).T,
    ),
    OpSpec("solve_vector", T.slinalg.solve, [_square(3), u(3)], np.linalg.solve),
    OpSpec("solve_matrix", T.slinalg.solve, [_square(3), u(3, 5)], np.linalg.solve),
    OpSpec(
        "solve_lower_triangular",
        T.slinalg.solve_lower_triangular,
        [_square(3), u(3, 5)],
        lambda a, b: np.linalg.solve(np.tril(a), b),
    ),
    OpSpec(
        "solve_upper_triangular",
        T.slinalg.solve_upper_triangular,
        [_square(3), u(3)],
        lambda a, b: np.linalg.solve(np.triu(a), b),
    ),
    OpSpec("diag_offset", lambda a: T.diag(a, 2), [u(3, 5)], lambda a: np.diag(a, 2)),
    OpSpec("alloc_diag_offset", lambda v: T.diag(v, -1), [u(3)], lambda v: np.diag(v, -1)),
    OpSpec(
        "diagonal_3d",
        lambda a: T.diagonal(a, 1, 2, 0),
        [u(2, 3, 5)],
        lambda a: np.diagonal(a, 1, 2, 0),
    ),
    OpSpec("tril", lambda a: T.tril(a, 1), [u(3, 5)], lambda a: np.tril(a, 1)),
    OpSpec("triu", lambda a: T.triu(a, -1), [u(5, 3)], lambda a: np.triu(a, -1)),
    OpSpec("roll", lambda a: T.roll(a, 2, 1), [u(3, 5)], lambda a: np.roll(a, 2, 1)),
    OpSpec("roll_flat", lambda a: T.roll(a, -4), [u(3, 5)], lambda a: np.roll(a, -4)),
    OpSpec(
        "repeat_counts",
        lambda a, r: T.repeat(a, r, axis=1),
        [u(3, 5), REPEATS],
        lambda a, r: np.repeat(a, r, axis=1),
    ),
    OpSpec("take", lambda a: a.take([2, 0, 2], axis=1), [u(3, 5)], lambda a: a[:, [2, 0, 2]]),
    OpSpec("tensor_copy", lambda a: a.copy() * 2, [u(3, 5)], lambda a: a * 2),
]

# the convolution family, 3-D pooling, neighbours, batch normalization, h_softmax (they use
# OpSpec and u above)
from .op_specs_nnet import NNET_SPECS  # noqa: E402

SPECS += NNET_SPECS
