"""``ifelse``: a lazy conditional; only the branch that the condition picks is computed.

    from minitheano.ifelse import ifelse
    z = ifelse(T.lt(a, b), T.mean(x), T.mean(y))   # one mean runs per call

``T.switch`` is the elementwise, strict counterpart: it computes both sides.
"""

from __future__ import annotations

from dataclasses import dataclass

from .graph import Apply, Variable
from .op import Op
from .tensor.basic import zeros_like
from .tensor.shape import patternbroadcast
from .tensor.type import as_tensor_variable


@dataclass(frozen=True)
class IfElse(Op):
    """``then`` outputs when the scalar condition is nonzero, else the ``else`` outputs.

    Inputs: ``[condition, then_1..then_n, else_1..else_n]``. The executor treats it as a lazy
    op: the nodes only one branch needs run only when that branch is taken.
    """

    n_outs: int
    name: str | None = None

    lazy = True

    def __str__(self) -> str:
        return f"if{{{self.name or ''}}}"

    @property
    def n_outputs(self) -> int:
        return self.n_outs

    def make_node(self, condition, *branches) -> Apply:
        if len(branches) != 2 * self.n_outs:
            raise ValueError(
                f"{self}: expected {2 * self.n_outs} branch values after the condition, "
                f"got {len(branches)}"
            )
        condition = as_tensor_variable(condition)
        if condition.ndim != 0:
            raise TypeError(
                f"ifelse: the condition must be a scalar (0 is False, anything else True), "
                f"got {condition.type}"
            )
        branches = [b if isinstance(b, Variable) else as_tensor_variable(b) for b in branches]
        then, other = branches[: self.n_outs], branches[self.n_outs :]
        for k, (t, e) in enumerate(zip(then, other)):
            if t.type != e.type:
                raise TypeError(
                    f"ifelse: the two branches should have identical types, but output {k} is "
                    f"{t.type} in the then branch and {e.type} in the else branch (cast, or "
                    f"use T.patternbroadcast / T.unbroadcast to make them agree)"
                )
        return Apply(self, [condition, *branches], [t.type() for t in then])

    def lazy_inputs(self, node):
        """The condition always; one branch's values or the other's, on demand."""
        n = self.n_outs
        return [node.inputs[0]], {
            "then": node.inputs[1 : 1 + n],
            "else": node.inputs[1 + n :],
        }

    def make_lazy_thunk(self, node, xp):
        single = self.n_outs == 1

        def choose(always, compute):
            values = compute("then" if always[0] else "else")
            return values[0] if single else tuple(values)

        return choose

    def perform(self, xp, condition, *branches):
        # the strict path (constant folding): both branches are already computed
        chosen = branches[: self.n_outs] if condition else branches[self.n_outs :]
        return chosen[0] if self.n_outs == 1 else tuple(chosen)

    def infer_shape(self, node, input_shapes):
        # each dim is itself chosen lazily: IfElse over the branches' shape scalars
        n = self.n_outs
        then = [d for shape in input_shapes[1 : 1 + n] for d in shape]
        other = [d for shape in input_shapes[1 + n :] for d in shape]
        if not then:
            return [()] * n
        dims = IfElse(len(then), f"shape_{self.name}" if self.name else "shape")(
            node.inputs[0], *[as_tensor_variable(d) for d in then + other]
        )
        dims = list(dims) if isinstance(dims, (list, tuple)) else [dims]
        shapes = []
        for out in node.outputs:
            shapes.append(tuple(dims[: out.ndim]))
            dims = dims[out.ndim :]
        return shapes

    def grad(self, inputs, outputs, output_grads):
        n = self.n_outs
        then, other = inputs[1 : 1 + n], inputs[1 + n :]
        output_grads = [patternbroadcast(g, t.broadcastable) for g, t in zip(output_grads, then)]
        # the condition picks a branch; it moves no value, so it gets no gradient
        zeros_then = [zeros_like(t, dtype=g.dtype) for t, g in zip(then, output_grads)]
        zeros_else = [zeros_like(e, dtype=g.dtype) for e, g in zip(other, output_grads)]
        name_t = self.name and self.name + "_grad_t"
        name_f = self.name and self.name + "_grad_f"
        g_then = IfElse(n, name_t)(inputs[0], *output_grads, *zeros_then)
        g_else = IfElse(n, name_f)(inputs[0], *zeros_else, *output_grads)
        if n == 1:
            g_then, g_else = [g_then], [g_else]
        return [None, *g_then, *g_else]


def ifelse(condition, then_branch, else_branch, name=None):
    """``then_branch`` if ``condition`` is nonzero, else ``else_branch``; only one is computed.

    Branches are variables or lists/tuples of them (same length, matching types); the result
    has the branches' form::

        ifelse(T.gt(n, 0), x / n, T.zeros_like(x))
    """
    kind = type(then_branch) if isinstance(then_branch, (list, tuple)) else None
    then = list(then_branch) if kind else [then_branch]
    other = list(else_branch) if isinstance(else_branch, (list, tuple)) else [else_branch]
    if len(then) != len(other):
        raise ValueError(
            f"ifelse: the then branch has {len(then)} values and the else branch "
            f"{len(other)}; they must have as many"
        )
    outs = IfElse(len(then), name)(condition, *then, *other)
    outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
    if kind is None:
        return outs[0]
    return kind(outs)


__all__ = ["IfElse", "ifelse"]
