"""``T.slinalg``: Cholesky factor and linear solves (general, triangular, symmetric), on
``xp.linalg`` (NumPy or CuPy), with Theano's gradients."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..graph import Apply
from ..missing import module_getattr
from ..op import Op
from .diag import diag, diagonal, tril, triu
from .elemwise import isnan, switch
from .linalg import dot, outer
from .reduce import any as any_
from .type import TensorType, as_tensor_variable

__all__ = [
    "Cholesky",
    "Solve",
    "cholesky",
    "solve",
    "solve_lower_triangular",
    "solve_symmetric",
    "solve_upper_triangular",
]

MATRIX_STRUCTURES = ("general", "symmetric", "lower_triangular", "upper_triangular")


@dataclass(frozen=True)
class Cholesky(Op):
    """The triangular ``L`` with ``L . L^T = x`` (``lower``; else the upper ``U = L^T``) of a
    positive definite matrix, reading that triangle of ``x`` only. ``on_error='nan'`` gives a
    matrix of NaNs instead of raising ``LinAlgError``."""

    lower: bool = True
    on_error: str = "raise"

    def __post_init__(self):
        if self.on_error not in ("raise", "nan"):
            raise ValueError(f"Cholesky: on_error must be 'raise' or 'nan', got {self.on_error!r}")

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        if x.ndim != 2:
            raise TypeError(f"{self}: needs a matrix, got {x.type}")
        return Apply(self, [x], [x.type()])

    def perform(self, xp, x):
        try:
            factor = xp.linalg.cholesky(x if self.lower else x.T)
        except np.linalg.LinAlgError:
            if self.on_error == "raise":
                raise
            return xp.full(x.shape, np.nan, dtype=x.dtype)
        return (factor if self.lower else factor.T).astype(x.dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, outputs, output_grads):
        # I. Murray, "Differentiation of the Cholesky decomposition" (arXiv:1602.07527):
        # with P = Phi(L^T dL) (lower triangle, half diagonal), S = L^-T P L^-1 and the
        # gradient is tril(S + S^T) - diag(diag(S)).
        (chol,), (dz,) = outputs, output_grads
        if self.on_error == "nan":
            ok = ~any_(isnan(chol))
            chol, dz = switch(ok, chol, 1), switch(ok, dz, 1)
        if not self.lower:
            chol, dz = chol.T, dz.T
        product = dot(chol.T, dz)
        phi = tril(product) - diag(diagonal(product) / 2.0)
        s = solve_upper_triangular(chol.T, solve_upper_triangular(chol.T, phi.T).T)
        sym = s + s.T
        g = (tril(sym) if self.lower else triu(sym)) - diag(diagonal(s))
        return [switch(ok, g, np.nan) if self.on_error == "nan" else g]


cholesky = Cholesky()


def _solve_dtype(a_dtype, b_dtype) -> str:
    """LAPACK's precision for these inputs: float32 up to 32-bit floats, else float64."""
    dtype = np.result_type(a_dtype, b_dtype)
    return "float32" if dtype.kind == "f" and dtype.itemsize <= 4 else "float64"


@dataclass(frozen=True)
class Solve(Op):
    """``x`` with ``A . x = b`` (``b`` a vector or a matrix). ``A_structure`` says what ``A``
    is: ``'general'``, ``'symmetric'``, ``'lower_triangular'`` or ``'upper_triangular'``
    (a triangular solve reads that triangle of ``A`` only)."""

    A_structure: str = "general"
    lower: bool = False
    overwrite_A: bool = False
    overwrite_b: bool = False

    def __post_init__(self):
        if self.A_structure not in MATRIX_STRUCTURES:
            raise ValueError(
                f"Solve: A_structure must be one of {MATRIX_STRUCTURES}, got {self.A_structure!r}"
            )

    def make_node(self, A, b) -> Apply:
        A, b = as_tensor_variable(A), as_tensor_variable(b)
        if A.ndim != 2 or b.ndim not in (1, 2):
            raise TypeError(
                f"{self}: needs a matrix A and a vector or matrix b, got {A.type}, {b.type}"
            )
        dtype = _solve_dtype(A.dtype, b.dtype)
        return Apply(self, [A, b], [TensorType(dtype, b.broadcastable)()])

    def perform(self, xp, A, b):
        if A.shape[0] != A.shape[1] or A.shape[1] != b.shape[0]:
            raise ValueError(
                f"{self}: A must be square and match b, got shapes {A.shape} and {b.shape}"
            )
        dtype = _solve_dtype(A.dtype, b.dtype)
        if self.A_structure == "lower_triangular":
            A = xp.tril(A)
        elif self.A_structure == "upper_triangular":
            A = xp.triu(A)
        return xp.linalg.solve(A.astype(dtype, copy=False), b.astype(dtype, copy=False))

    def infer_shape(self, node, input_shapes):
        a_shape, b_shape = input_shapes
        return [(a_shape[1],) if len(b_shape) == 1 else (a_shape[1], b_shape[1])]

    def grad(self, inputs, outputs, output_grads):
        # M. B. Giles, "An extended collection of matrix derivative results": with c = A \ b,
        # b_bar = A^-T c_bar and A_bar = -b_bar c^T (kept to A's triangle when triangular)
        (A, _), (c,), (c_bar,) = inputs, outputs, output_grads
        transposed = {
            "lower_triangular": "upper_triangular",
            "upper_triangular": "lower_triangular",
        }
        structure = transposed.get(self.A_structure, self.A_structure)
        b_bar = Solve(structure, not self.lower)(A.T, c_bar)
        A_bar = -outer(b_bar, c) if c.ndim == 1 else -dot(b_bar, c.T)
        if self.A_structure == "lower_triangular":
            A_bar = tril(A_bar)
        elif self.A_structure == "upper_triangular":
            A_bar = triu(A_bar)
        return [A_bar, b_bar]


solve = Solve()
solve_lower_triangular = Solve("lower_triangular", lower=True)
solve_upper_triangular = Solve("upper_triangular", lower=False)
solve_symmetric = Solve("symmetric")


__getattr__ = module_getattr(__name__)  # Theano names not provided: say so (missing.py)
