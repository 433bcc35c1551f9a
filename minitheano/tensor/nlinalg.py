"""``T.nlinalg``: matrix inverse, pseudo-inverse, determinant, SVD, symmetric eigensystem and
diagonals, on ``xp.linalg`` (NumPy or CuPy), with Theano's gradients."""

from __future__ import annotations

from dataclasses import dataclass

from ..graph import Apply
from ..missing import module_getattr
from ..op import Op
from .basic import arange, zeros_like
from .diag import AllocDiag, ExtractDiag, diag
from .elemwise import eq, ge, switch
from .linalg import dot, eye, identity_like
from .reduce import sum as sum_
from .shape import dimshuffle, shape
from .type import TensorType, as_tensor_variable

__all__ = [
    "AllocDiag",
    "Det",
    "Eigh",
    "ExtractDiag",
    "MatrixInverse",
    "MatrixPinv",
    "QRFull",
    "SVD",
    "alloc_diag",
    "det",
    "diag",
    "eigh",
    "extract_diag",
    "matrix_dot",
    "matrix_inverse",
    "matrix_power",
    "pinv",
    "qr",
    "svd",
    "trace",
]


def _matrix(op, x):
    x = as_tensor_variable(x)
    if x.ndim != 2:
        raise TypeError(f"{op}: needs a matrix, got {x.type}")
    return x


def matrix_dot(*args):
    """The product ``args[0] . args[1] . ...`` of several matrices, left to right."""
    result = args[0]
    for a in args[1:]:
        result = dot(result, a)
    return result


@dataclass(frozen=True)
class MatrixInverse(Op):
    """The inverse of a square matrix."""

    def make_node(self, x) -> Apply:
        x = _matrix(self, x)
        return Apply(self, [x], [x.type()])

    def perform(self, xp, x):
        return xp.linalg.inv(x).astype(x.dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, outputs, output_grads):
        # d(X^-1) = -X^-1 dX X^-1, so the gradient is -(X^-1)^T gz (X^-1)^T
        (xi,), (gz,) = outputs, output_grads
        return [-matrix_dot(xi, gz.T, xi).T]


matrix_inverse = MatrixInverse()


@dataclass(frozen=True)
class MatrixPinv(Op):
    """The Moore-Penrose pseudo-inverse of a matrix (any shape)."""

    def make_node(self, x) -> Apply:
        x = _matrix(self, x)
        return Apply(self, [x], [x.type()])

    def perform(self, xp, x):
        return xp.linalg.pinv(x).astype(x.dtype)

    def infer_shape(self, node, input_shapes):
        rows, cols = input_shapes[0]
        return [(cols, rows)]

    def grad(self, inputs, outputs, output_grads):
        # (-Z V^T Z + Z Z^T V (I - X Z) + (I - Z X) V Z^T Z)^T with Z = pinv(X), V = gz
        (x,), (z,), (gz,) = inputs, outputs, output_grads
        xz, zx = dot(x, z), dot(z, x)
        g = (
            -matrix_dot(z, gz.T, z)
            + matrix_dot(z, z.T, gz, identity_like(xz) - xz)
            + matrix_dot(identity_like(zx) - zx, gz, z.T, z)
        )
        return [g.T]


pinv = MatrixPinv()


@dataclass(frozen=True)
class Det(Op):
    """The determinant of a square matrix (a scalar)."""

    def make_node(self, x) -> Apply:
        x = _matrix(self, x)
        return Apply(self, [x], [TensorType(x.dtype, ())()])

    def perform(self, xp, x):
        return xp.asarray(xp.linalg.det(x), dtype=x.dtype)

    def infer_shape(self, node, input_shapes):
        return [()]

    def grad(self, inputs, outputs, output_grads):
        # d det(X) / dX = det(X) X^-T
        (x,), (out,), (gz,) = inputs, outputs, output_grads
        return [gz * out * matrix_inverse(x).T]


det = Det()


@dataclass(frozen=True)
class SVD(Op):
    """Singular values ``s`` (and ``u``, ``vt`` when ``compute_uv``) of a matrix; no gradient,
    as in Theano."""

    full_matrices: bool = True
    compute_uv: bool = True

    @property
    def n_outputs(self) -> int:
        return 3 if self.compute_uv else 1

    def make_node(self, x) -> Apply:
        x = _matrix(self, x)
        s = TensorType(x.dtype, (False,))()
        if not self.compute_uv:
            return Apply(self, [x], [s])
        return Apply(self, [x], [x.type(), s, x.type()])

    def perform(self, xp, x):
        if not self.compute_uv:
            return xp.linalg.svd(x, compute_uv=False)
        return tuple(xp.linalg.svd(x, full_matrices=self.full_matrices))

    def infer_shape(self, node, input_shapes):
        from .elemwise import minimum

        rows, cols = input_shapes[0]
        k = minimum(rows, cols)
        if not self.compute_uv:
            return [(k,)]
        if self.full_matrices:
            return [(rows, rows), (k,), (cols, cols)]
        return [(rows, k), (k,), (k, cols)]


def svd(a, full_matrices=1, compute_uv=1):
    """``u, s, vt`` with ``a = u . diag(s) . vt`` (``s`` only when not ``compute_uv``)."""
    return SVD(bool(full_matrices), bool(compute_uv))(a)


@dataclass(frozen=True)
class Eigh(Op):
    """Eigenvalues ``w`` (ascending) and eigenvectors ``v`` (columns) of a symmetric matrix,
    reading its lower (``UPLO='L'``) or upper triangle only."""

    UPLO: str = "L"
    n_outputs = 2

    def __post_init__(self):
        if self.UPLO not in ("L", "U"):
            raise ValueError(f"Eigh: UPLO must be 'L' or 'U', got {self.UPLO!r}")

    def make_node(self, x) -> Apply:
        x = _matrix(self, x)
        w_dtype = "float32" if x.dtype in ("float16", "float32") else "float64"
        return Apply(self, [x], [TensorType(w_dtype, (False,))(), x.type()])

    def perform(self, xp, x):
        w, v = xp.linalg.eigh(x, self.UPLO)
        return w, v.astype(x.dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        n = input_shapes[0][0]
        return [(n,), (n, n)]

    def grad(self, inputs, outputs, output_grads):
        # Perturbation theory: dw_n = v_n^T dA v_n, dv_n = sum_{m != n} v_m (v_m^T dA v_n) /
        # (w_n - w_m). In matrix form G = v (diag(gw) + F o (v^T gv))^T v^T with
        # F[m, n] = 1 / (w_n - w_m) off the diagonal, 0 on it. eigh reads one triangle, so the
        # other triangle's share is folded into it.
        (w, v), (gw, gv) = outputs, output_grads
        gw = zeros_like(w) if gw is None else gw
        gv = zeros_like(v) if gv is None else gv
        arange_n = arange(shape(w)[0])
        rows, cols = dimshuffle(arange_n, (0, "x")), dimshuffle(arange_n, ("x", 0))
        same = eq(rows, cols)
        gap = dimshuffle(w, ("x", 0)) - dimshuffle(w, (0, "x"))  # gap[m, n] = w_n - w_m
        f = switch(same, 0, 1 / switch(same, 1, gap))
        g = matrix_dot(v, (diag(gw) + f * dot(v.T, gv)).T, v.T)
        kept = ge(rows, cols) if self.UPLO == "L" else ge(cols, rows)  # the triangle eigh reads
        return [switch(kept, g, 0) + switch(kept, 0, g).T]


def eigh(a, UPLO="L"):
    """``w, v = eigh(a)``: the eigensystem of the symmetric matrix ``a`` (gradient included)."""
    return Eigh(UPLO)(a)


@dataclass(frozen=True)
class QRFull(Op):
    """``q, r`` of the QR decomposition (``mode`` as ``numpy.linalg.qr``); no gradient."""

    mode: str = "reduced"

    @property
    def n_outputs(self) -> int:
        return 1 if self.mode == "r" else 2

    def make_node(self, x) -> Apply:
        x = _matrix(self, x)
        if self.mode not in ("reduced", "complete", "r"):
            raise ValueError(f"qr: mode must be 'reduced', 'complete' or 'r', got {self.mode!r}")
        outputs = [x.type()] if self.mode == "r" else [x.type(), x.type()]
        return Apply(self, [x], outputs)

    def perform(self, xp, x):
        result = xp.linalg.qr(x, mode=self.mode)
        return result if self.mode == "r" else tuple(result)


def qr(a, mode="reduced"):
    """The QR decomposition of a matrix: ``q, r`` (or ``r`` alone with ``mode='r'``)."""
    return QRFull(mode)(a)


def matrix_power(M, n: int):
    """``M`` to the (Python int) power ``n >= 0``, by repeated products."""
    result = eye(shape(M)[0], dtype=as_tensor_variable(M).dtype)
    for _ in range(n):
        result = dot(result, M)
    return result


def trace(X):
    """The sum of the diagonal elements of the matrix ``X``."""
    return sum_(extract_diag(X))


alloc_diag = AllocDiag()
extract_diag = ExtractDiag()


__getattr__ = module_getattr(__name__)  # Theano names not provided: say so (missing.py)
