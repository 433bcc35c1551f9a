"""Symbolic differentiation: ``grad``, ``verify_grad`` and gradient-blocking ops."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .config import config
from .graph import Apply, Variable, ancestors, toposort
from .missing import missing_attribute
from .op import Op
from .tensor.type import DISCRETE_DTYPES, FLOAT_DTYPES, TensorType, as_tensor_variable


class DisconnectedInputError(ValueError):
    """``grad`` was asked for the gradient with respect to a variable the cost does not use."""


class GradientError(Exception):
    """``verify_grad`` found a symbolic gradient that disagrees with finite differences."""

    def __init__(self, arg, err_pos, shape, val1, val2, abs_err, rel_err, abs_tol, rel_tol):
        super().__init__(
            f"GradientError: the symbolic gradient of input {arg} (shape {shape}) disagrees with "
            f"finite differences along a random direction: analytic {val1!r} vs numeric "
            f"{val2!r} (abs error {abs_err:.3g} > {abs_tol:.3g} and rel error "
            f"{rel_err:.3g} > {rel_tol:.3g})"
        )
        self.arg, self.err_pos, self.shape = arg, err_pos, shape
        self.val1, self.val2, self.abs_err, self.rel_err = val1, val2, abs_err, rel_err
        self.abs_tol, self.rel_tol = abs_tol, rel_tol


def grad(
    cost,
    wrt,
    consider_constant=None,
    disconnected_inputs="raise",
    add_names=True,
    known_grads=None,
    return_disconnected="zero",
    null_gradients="raise",
):
    """Symbolic gradient of the scalar ``cost`` with respect to ``wrt`` (a variable or a list).

    Variables in ``consider_constant`` are treated as constants (no gradient flows through
    them). A ``wrt`` that the cost does not depend on raises ``DisconnectedInputError`` unless
    ``disconnected_inputs`` is ``'warn'`` or ``'ignore'``; it then gets zeros. Integer
    variables, and everything reached only through integers (an integer cost), get zero
    gradients.
    """
    if disconnected_inputs not in ("raise", "warn", "ignore"):
        raise ValueError("grad: disconnected_inputs must be 'raise', 'warn' or 'ignore'")
    single = not isinstance(wrt, (list, tuple))
    wrt_list = [wrt] if single else list(wrt)
    for w in wrt_list:
        if not isinstance(w, Variable):
            raise TypeError(f"grad: wrt must be variables, got {type(w).__name__}")
    grads: dict[int, Variable] = {}
    roots = []
    if cost is not None:
        cost = as_tensor_variable(cost)
        if cost.ndim != 0:
            raise TypeError(
                f"grad: the cost must be a scalar, got {cost.type}; take its sum or "
                f"mean first (or pass known_grads)"
            )
        from .tensor.elemwise import const_like

        grads[id(cost)] = const_like(1, cost)
        roots.append(cost)
    for var, g in (known_grads or {}).items():
        grads[id(var)] = as_tensor_variable(g)
        roots.append(var)
    blockers = list(consider_constant or [])
    blocked = {id(b) for b in blockers}
    connected = {id(v) for v in ancestors(roots, blockers)}

    # forward pass: which variables depend on some wrt (only those need gradients)
    nodes = toposort(roots, blockers)
    needs = {id(w) for w in wrt_list}
    for node in nodes:
        if any(id(i) in needs for i in node.inputs):
            needs.update(id(o) for o in node.outputs)

    for node in reversed(nodes):
        if not any(id(o) in grads for o in node.outputs) or not any(
            id(o) in needs for o in node.outputs
        ):
            continue
        if not any(id(i) in needs and id(i) not in blocked for i in node.inputs):
            continue
        # nothing flows back through integer outputs (as in Theano): the gradient of an
        # integer cost, or through a cast to int, is zero
        output_grads = [
            None if getattr(o.type, "dtype", None) in DISCRETE_DTYPES else grads.get(id(o))
            for o in node.outputs
        ]
        if all(g is None or _is_zero(g) for g in output_grads):
            # a gradient is linear in the output gradients: zeros in, zeros out, so nothing
            # is added to the inputs' gradients (the gradient of an integer division, or of
            # 0.0 * L1, would otherwise back-propagate zeros through the whole subgraph)
            continue
        if any(g is None for g in output_grads):
            from .tensor.basic import zeros_like

            # an output that is not a tensor (a random state) has no gradient: None
            output_grads = [
                g if g is not None or not isinstance(o.type, TensorType) else zeros_like(o)
                for o, g in zip(node.outputs, output_grads)
            ]
        input_grads = node.op.grad(node.inputs, node.outputs, output_grads)
        if len(input_grads) != len(node.inputs):
            raise ValueError(
                f"{node.op}.grad returned {len(input_grads)} gradients for "
                f"{len(node.inputs)} inputs"
            )
        for inp, g in zip(node.inputs, input_grads):
            if g is None or id(inp) in blocked or id(inp) not in needs:
                continue
            g = as_tensor_variable(g)
            if g.ndim != inp.ndim:
                raise ValueError(
                    f"{node.op}.grad returned a gradient {g.type} for input {inp.type}"
                )
            prev = grads.get(id(inp))
            grads[id(inp)] = g if prev is None else prev + g

    results = []
    for w in wrt_list:
        if id(w) not in connected:
            message = (
                f"grad: the cost does not depend on {w} ({w.type}); it is not part of the "
                f"cost's graph (pass disconnected_inputs='ignore' to get zeros)"
            )
            if disconnected_inputs == "raise":
                raise DisconnectedInputError(message)
            if disconnected_inputs == "warn":
                warnings.warn(message, stacklevel=2)
        results.append(_final_grad(w, grads.get(id(w))))
    return results[0] if single else results


def _is_zero(var) -> bool:
    """Whether ``var`` is zeros by construction: a zero constant, zeros broadcast, reshaped,
    cast, or multiplied by anything."""
    from .graph import Constant
    from .tensor.basic import Alloc
    from .tensor.elemwise import Elemwise
    from .tensor.shape import DimShuffle

    while True:
        if isinstance(var, Constant):
            data = np.asarray(var.data)
            return data.size > 0 and not np.any(data)
        node = var.owner
        if node is None:
            return False
        op = node.op
        if isinstance(op, (Alloc, DimShuffle)) or (
            isinstance(op, Elemwise) and op.scalar_op in ("cast", "neg")
        ):
            var = node.inputs[0]
        elif isinstance(op, Elemwise) and op.scalar_op == "mul":
            return any(_is_zero(i) for i in node.inputs)
        else:
            return False


def _final_grad(w, g):
    from .tensor.basic import zeros_like
    from .tensor.elemwise import cast
    from .tensor.shape import patternbroadcast

    if w.dtype in DISCRETE_DTYPES:
        return zeros_like(w, dtype=config.floatX)
    if g is None:
        return zeros_like(w)
    if g.dtype != w.dtype:
        g = cast(g, w.dtype)
    if g.broadcastable != w.broadcastable:
        g = patternbroadcast(g, w.broadcastable)
    return g


class _ForwardIdentity(Op):
    """An op that passes its input through and acts only on the gradient."""

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, xp, x):
        return x

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


@dataclass(frozen=True)
class GradientBlock(_ForwardIdentity):
    """Identity in the forward pass; its gradient is zero (``zero_grad``) or absent."""

    kind: str  # "disconnected" or "zero"

    def grad(self, inputs, outputs, output_grads):
        if self.kind == "disconnected":
            return [None]
        from .tensor.basic import zeros_like

        return [zeros_like(inputs[0])]


def disconnected_grad(x):
    """``x`` in the forward pass; no gradient flows back through it."""
    return GradientBlock("disconnected")(x)


def zero_grad(x):
    """``x`` in the forward pass; the gradient through it is zero."""
    return GradientBlock("zero")(x)


def verify_grad(
    fun,
    pt,
    n_tests=2,
    rng=None,
    eps=None,
    out_type=None,
    abs_tol=None,
    rel_tol=None,
    mode=None,
    cast_to_output_type=False,
    no_debug_ref=True,
):
    """Check the symbolic gradient of ``fun`` at the point ``pt`` against finite differences.

    ``fun`` maps symbolic inputs (one per array in ``pt``) to an output. The output is projected
    on a random tensor to get a scalar cost; for each of ``n_tests`` random directions per
    input, the directional derivative from the symbolic gradient is compared with a central
    difference. Raises ``GradientError`` on disagreement.
    """
    from .compile.function import function
    from .shared import shared
    from .tensor.type import TensorType

    if rng is None:
        rng = np.random.RandomState(42)
    pt = [np.array(p) for p in pt]
    for p in pt:
        if p.dtype.name not in FLOAT_DTYPES:
            raise TypeError(f"verify_grad: points must be float arrays, got {p.dtype}")
    inputs = [TensorType(p.dtype.name, (False,) * p.ndim)(f"input{i}") for i, p in enumerate(pt)]
    out = as_tensor_variable(fun(*inputs))
    if isinstance(out, (list, tuple)):
        raise TypeError("verify_grad: fun must return a single variable")
    f_out = function(inputs, out, on_unused_input="ignore")
    shape = np.shape(f_out(*pt))
    projection = shared(np.asarray(rng.rand(*shape) + 0.5, dtype=out.dtype), name="projection")
    cost = (out * projection).sum()
    f_cost = function(inputs, cost, on_unused_input="ignore")
    f_grad = function(
        inputs, grad(cost, inputs, disconnected_inputs="ignore"), on_unused_input="ignore"
    )
    dtype = np.result_type(*[p.dtype for p in pt]).name
    eps = eps or (1e-6 if dtype == "float64" else 1e-2)
    abs_tol = abs_tol if abs_tol is not None else (1e-5 if dtype == "float64" else 1e-2)
    rel_tol = rel_tol if rel_tol is not None else (1e-5 if dtype == "float64" else 1e-2)
    analytic = f_grad(*pt)
    for _ in range(n_tests):
        for i, p in enumerate(pt):
            direction = rng.standard_normal(p.shape)
            direction /= max(np.linalg.norm(direction), 1e-12)
            plus = [q.copy() for q in pt]
            minus = [q.copy() for q in pt]
            plus[i] = (p + eps * direction).astype(p.dtype)
            minus[i] = (p - eps * direction).astype(p.dtype)
            numeric = (float(f_cost(*plus)) - float(f_cost(*minus))) / (2 * eps)
            symbolic = float(np.sum(analytic[i] * direction))
            abs_err = abs(numeric - symbolic)
            rel_err = abs_err / max(abs(numeric) + abs(symbolic), 1e-12)
            if abs_err > abs_tol and rel_err > rel_tol:
                raise GradientError(
                    i, None, p.shape, symbolic, numeric, abs_err, rel_err, abs_tol, rel_tol
                )


verify_grad.E_grad = GradientError


def Lop(f, wrt, eval_points, consider_constant=None, disconnected_inputs="raise"):
    """The vector-Jacobian product ``eval_points . d f / d wrt`` (``f``, ``eval_points``: a
    variable or matching lists; the result has ``wrt``'s form)."""
    fs = list(f) if isinstance(f, (list, tuple)) else [f]
    points = list(eval_points) if isinstance(eval_points, (list, tuple)) else [eval_points]
    if len(fs) != len(points):
        raise ValueError(f"Lop: {len(fs)} expressions but {len(points)} eval_points")
    wrts = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
    known = {}
    for var, point in zip(fs, points):
        known[var] = as_tensor_variable(point)
    grads = grad(
        None,
        wrts,
        consider_constant=consider_constant,
        disconnected_inputs=disconnected_inputs,
        known_grads=known,
    )
    return type(wrt)(grads) if isinstance(wrt, (list, tuple)) else grads[0]


def Rop(f, wrt, eval_points, disconnected_outputs="raise", return_disconnected="zero"):
    """The Jacobian-vector product ``d f / d wrt . eval_points`` (one per ``f``).

    Computed with two reverse passes (the "Lop trick"): ``u -> J^T u`` is linear in ``u``, so
    the gradient of ``<J^T u, v>`` with respect to ``u`` is ``J v``; it needs the second
    derivatives of the ops on the way.
    """
    from .graph import clone_replace
    from .tensor.basic import zeros_like

    fs = list(f) if isinstance(f, (list, tuple)) else [f]
    wrts = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
    points = list(eval_points) if isinstance(eval_points, (list, tuple)) else [eval_points]
    if len(wrts) != len(points):
        raise ValueError(f"Rop: {len(wrts)} wrt variables but {len(points)} eval_points")
    for w, v in zip(wrts, points):
        v = as_tensor_variable(v)
        if v.ndim != w.ndim:
            raise ValueError(f"Rop: the eval point {v} ({v.type}) does not match {w} ({w.type})")
    dummies = [as_tensor_variable(y).type() for y in fs]
    backward = grad(
        None,
        wrts,
        known_grads=dict(zip(fs, dummies)),
        disconnected_inputs="ignore",
    )
    inner = sum((g * v).sum() for g, v in zip(backward, points))
    results = []
    reached = {id(a) for a in ancestors(fs)}
    for y, u in zip(fs, dummies):
        if not any(id(w) in reached for w in wrts) and disconnected_outputs != "ignore":
            message = f"Rop: {y} does not depend on any of {wrts}"
            if disconnected_outputs == "raise":
                raise DisconnectedInputError(message)
            warnings.warn(message, stacklevel=2)
        results.append(grad(inner, u, disconnected_inputs="ignore"))
    # the product does not depend on the dummies' values (linearity); only shapes may remain
    results = clone_replace(results, [(u, zeros_like(y)) for y, u in zip(fs, dummies)])
    return type(f)(results) if isinstance(f, (list, tuple)) else results[0]


@dataclass(frozen=True)
class GradClip(_ForwardIdentity):
    """Identity in the forward pass; the gradient through it is clipped to [lower, upper]."""

    lower: float
    upper: float

    def grad(self, inputs, outputs, output_grads):
        from .tensor.elemwise import clip

        return [clip(output_grads[0], self.lower, self.upper)]


def grad_clip(x, lower_bound, upper_bound):
    """``x`` in the forward pass; the gradient flowing back through it is clipped to
    ``[lower_bound, upper_bound]``: ``z = T.grad(grad_clip(x, -1, 1) ** 2, x)``."""
    if lower_bound > upper_bound:
        raise ValueError(f"grad_clip: lower_bound {lower_bound} > upper_bound {upper_bound}")
    return GradClip(float(lower_bound), float(upper_bound))(x)


def __getattr__(name):
    # jacobian and hessian take one gradient per row with a scan, a layer above this module:
    # theano.gradient.jacobian is a re-export, imported on first use
    if name in ("jacobian", "hessian"):
        import importlib

        return getattr(importlib.import_module(f"{__package__}.scan"), name)
    raise missing_attribute(__name__, name)  # a Theano name not provided: say so
