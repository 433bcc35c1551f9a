"""``function``: compile a graph into a callable with ``updates`` and ``givens``."""

from __future__ import annotations

import contextlib
import gc
import itertools
import time
import warnings

import numpy as np

from ..backend import get_backend, to_host
from ..config import config
from ..graph import Constant, Variable, clone_replace, graph_inputs
from ..shared import SharedVariable
from ..tensor.type import as_tensor_variable
from .fgraph import FunctionGraph
from .io import In, Out, Param  # noqa: F401  (Param: re-exported, as in Theano)
from .mode import get_mode, passes_for
from .program import ProfileStats, Program
from .rewrite import run_passes
from .storage import accepts_as_is, root, unshared


class MissingInputError(ValueError):
    """An output needs a variable that is neither an input, a shared variable nor a constant."""


class UnusedInputError(ValueError):
    """An input of ``function`` is not used by any output or update."""


def _pairs(mapping, what):
    if mapping is None:
        return []
    if isinstance(mapping, dict):
        return list(mapping.items())
    try:
        pairs = [tuple(p) for p in mapping]
    except TypeError:
        raise TypeError(f"function: {what} must be a dict or a list of pairs") from None
    if any(len(p) != 2 for p in pairs):
        raise TypeError(f"function: {what} must be a dict or a list of (variable, value) pairs")
    return pairs


def _check_update(shared_var, value):
    if not isinstance(shared_var, SharedVariable):
        raise TypeError(
            f"function: update target {shared_var} is not a shared variable; only "
            f"shared variables can be updated"
        )
    if isinstance(value, Variable) and value.type == shared_var.type:
        return value  # of any type: a random state updates a random state
    value = as_tensor_variable(value)
    if value.ndim != shared_var.ndim or value.dtype != shared_var.dtype:
        hint = (
            f" (cast it: T.cast(expr, '{shared_var.dtype}'), or keep the expression in "
            f"{shared_var.dtype})"
            if value.ndim == shared_var.ndim
            else ""
        )
        raise TypeError(
            f"function: an update must have the same type as its shared variable: "
            f"{shared_var.name or shared_var} is {shared_var.type} but the update expression "
            f"{value} is {value.type}{hint}"
        )
    from ..tensor.shape import patternbroadcast

    return patternbroadcast(value, shared_var.broadcastable)


def _check_given(var, value):
    if not isinstance(var, Variable):
        raise TypeError(f"function: givens keys must be variables, got {type(var).__name__}")
    value = as_tensor_variable(value)
    if value.ndim != var.ndim or value.dtype != var.dtype:
        raise TypeError(
            f"function: givens replacement for {var} must have its type {var.type}, "
            f"got {value.type} (cast or reshape the replacement)"
        )
    if value.broadcastable != var.broadcastable:
        from ..tensor.shape import patternbroadcast

        value = patternbroadcast(value, var.broadcastable)
    return value


def function(
    inputs,
    outputs=None,
    mode=None,
    updates=None,
    givens=None,
    no_default_updates=False,
    accept_inplace=False,
    name=None,
    rebuild_strict=True,
    allow_input_downcast=None,
    profile=None,
    on_unused_input=None,
):
    """Compile ``outputs`` as a function of ``inputs``, applying ``updates`` after each call.

    ``updates``: pairs (or a dict) ``shared_variable -> expression``, all computed from the
    values before the call, then written together. ``givens``: pairs ``variable -> expression``
    substituted in the graph before compiling.
    """
    spec = dict(
        inputs=inputs,
        outputs=outputs,
        mode=mode,
        updates=updates,
        givens=givens,
        no_default_updates=no_default_updates,
        name=name,
        allow_input_downcast=allow_input_downcast,
        profile=profile,
        on_unused_input=on_unused_input,
    )
    return Function(spec)


class FunctionMaker:
    """What compiling produced: the rewritten ``fgraph``, the user's graph and the report."""

    def __init__(self, fgraph, original_outputs, original_updates, inputs, report, mode):
        self.fgraph = fgraph
        self.original_outputs = original_outputs
        self.original_updates = original_updates
        self.inputs = inputs
        self.rewrite_report = report
        self.mode = mode


class Function:
    """A compiled function. Call it with the input values; it returns NumPy arrays."""

    def __init__(self, spec: dict):
        # The cyclic garbage collector would walk the whole graph again and again while
        # compiling allocates (3 of 7 s for a 70k-node gradient): it waits until the end.
        with _collector_paused():
            self._compile(spec)

    def _compile(self, spec: dict) -> None:
        start = time.perf_counter()
        self._spec = spec
        self.name = spec["name"]
        inputs = spec["inputs"]
        if not isinstance(inputs, (list, tuple)):
            raise TypeError("function: inputs must be a list or tuple of variables")
        self.ins = [i if isinstance(i, In) else In(i) for i in inputs]
        self._check_inputs()
        outputs = spec["outputs"]
        self._single = outputs is not None and not isinstance(outputs, (list, tuple))
        out_list = [] if outputs is None else [outputs] if self._single else list(outputs)
        self._borrow_outputs = [isinstance(o, Out) and o.borrow for o in out_list]
        out_list = [as_tensor_variable(o.variable if isinstance(o, Out) else o) for o in out_list]
        updates = self._collect_updates(out_list)
        self.shared_updated = [s for s, _ in updates]
        givens = [(k, _check_given(k, v)) for k, v in _pairs(spec["givens"], "givens")]
        cut = [(i.variable, i.variable.clone()) for i in self.ins if i.variable.owner is not None]
        roots = [new for _, new in cut]
        for i, (_, new) in zip([i for i in self.ins if i.variable.owner is not None], cut):
            i.variable = new
        all_outputs = clone_replace(out_list + [v for _, v in updates], givens + cut)
        input_vars = [i.variable for i in self.ins]
        self._check_graph_inputs(all_outputs, input_vars, roots)
        mode = get_mode(spec["mode"])
        fgraph = FunctionGraph(input_vars, all_outputs)
        report = run_passes(fgraph, passes_for(mode))
        shared = [v for v in graph_inputs(fgraph.outputs) if isinstance(v, SharedVariable)]
        for s in self.shared_updated:
            if s not in shared:
                shared.append(s)
        self.backend = get_backend()
        self.program = Program.build(
            fgraph.toposort(), input_vars, shared, fgraph.outputs, self.backend.xp
        )
        self._n_outputs = len(out_list)
        self._update_value_slots = self.program.output_slots[self._n_outputs :]
        self.maker = FunctionMaker(fgraph, out_list, updates, self.ins, report, mode)
        self.profile = None
        if spec["profile"] or (spec["profile"] is None and config.profile):
            self.profile = ProfileStats(self.name)
            self.program.profile = self.profile
        self._return_internal_type = False
        self._specialise_call()
        self.compile_time = time.perf_counter() - start
        if self.profile is not None:
            self.profile.compile_time = self.compile_time

    # --- construction helpers -------------------------------------------------------------
    def _check_inputs(self) -> None:
        seen = set()
        for pos, i in enumerate(self.ins):
            var = i.variable
            if isinstance(var, SharedVariable):
                raise TypeError(
                    f"function: cannot use the shared variable {var} as an explicit "
                    f"input (input {pos}); substitute a variable for it via givens"
                )
            if isinstance(var, Constant):
                raise TypeError(f"function: input {pos} is the constant {var}, not a variable")
            if not isinstance(var, Variable):
                raise TypeError(f"function: input {pos} is {type(var).__name__}, not a variable")
            if id(var) in seen:
                raise ValueError(f"function: the variable {var} is used twice as an input")
            seen.add(id(var))

    def _collect_updates(self, outputs):
        spec = self._spec
        raw = spec["updates"]
        pairs = []
        seen = set()
        for shared_var, value in _pairs(raw, "updates"):
            if id(shared_var) in seen:
                raise ValueError(f"function: {shared_var} has two updates")
            seen.add(id(shared_var))
            pairs.append((shared_var, _check_update(shared_var, value)))
        if spec["no_default_updates"] is not True:
            excluded = spec["no_default_updates"] or []
            graph = outputs + [v for _, v in pairs]
            for var in graph_inputs(graph):
                if (
                    isinstance(var, SharedVariable)
                    and var.default_update is not None
                    and id(var) not in seen
                    and var not in excluded
                ):
                    seen.add(id(var))
                    pairs.append((var, _check_update(var, var.default_update)))
        return pairs

    def _check_graph_inputs(self, outputs, input_vars, roots) -> None:
        needed = graph_inputs(outputs)
        known = {id(v) for v in input_vars}
        for var in needed:
            if id(var) in known or isinstance(var, (Constant, SharedVariable)):
                continue
            raise MissingInputError(
                f"function: the graph needs the input {var} ({var.type}), which is not in the "
                f"inputs list, not a shared variable and not given through givens"
            )
        used = {id(v) for v in needed}
        policy = self._spec["on_unused_input"] or config.on_unused_input
        for pos, var in enumerate(input_vars):
            if id(var) not in used:
                message = (
                    f"function: input {pos} ({var}) is not used to compute any output or "
                    f"update; pass on_unused_input='ignore' (or 'warn') to allow this"
                )
                if policy == "raise":
                    raise UnusedInputError(message)
                if policy == "warn":
                    warnings.warn(message, stacklevel=4)

    # --- calling ----------------------------------------------------------------------------
    def _bind(self, args, kwargs):
        if len(args) > len(self.ins):
            raise TypeError(
                f"function {self.name or ''}: takes {len(self.ins)} arguments, got {len(args)}"
            )
        values = list(args) + [_MISSING] * (len(self.ins) - len(args))
        for key, value in kwargs.items():
            pos = next((k for k, i in enumerate(self.ins) if i.name == key), None)
            if pos is None:
                raise TypeError(
                    f"function: unknown input name {key!r}; inputs are "
                    f"{[i.name for i in self.ins]}"
                )
            if values[pos] is not _MISSING:
                raise TypeError(f"function: input {key!r} given twice")
            values[pos] = value
        for pos, (i, value) in enumerate(zip(self.ins, values)):
            if value is _MISSING:
                if not i.has_default:
                    raise TypeError(
                        f"function: missing argument {i.name or pos} (input {pos}); "
                        f"it takes {len(self.ins)} arguments"
                    )
                values[pos] = i.value
        return values

    def __call__(self, *args, **kwargs):
        if kwargs or len(args) != len(self.ins):
            args = self._bind(args, kwargs)
        program = self.program
        storage = program.new_storage()
        for pos, slot, value, accepts in zip(
            self._positions, program.input_slots, args, self._input_accepts
        ):
            storage[slot] = value if accepts(value) else self._convert_input(pos, value)
        for slot, shared_var in self._shared_inputs:
            storage[slot] = shared_var._value
        program.run(storage)
        # Nothing is written before every output and update value has been computed. Then no
        # update value and no output may share memory with anything that outlives the call
        # (inputs, shared values, constants) or with each other: such values are copied.
        taken = set(self._constant_roots)
        taken.update([id(root(storage[s])) for s in self._input_and_shared_slots])
        if self._update_value_slots:
            new_values = [unshared(storage[s], taken) for s in self._update_value_slots]
            # one C-level loop runs no Python bytecode, so no signal handler (such as
            # KeyboardInterrupt) runs between two writes: every shared variable gets its new
            # value, or none does
            list(map(setattr, self.shared_updated, _VALUE_ATTRS, new_values))
        outputs = []
        for slot, borrow in self._output_slots_borrow:
            value = storage[slot]
            if not borrow:
                value = unshared(value, taken)
            outputs.append(value if self.return_internal_type else to_host(value))
        if self._single:
            return outputs[0]
        return outputs

    def _convert_input(self, pos: int, value):
        """``value`` as an array of input ``pos``'s type on the backend, or a TypeError."""
        i = self.ins[pos]
        allow = i.allow_downcast
        if allow is None:
            allow = self._spec["allow_input_downcast"]
        try:
            arr = i.variable.type.filter(
                value, allow_downcast=allow, what=f"input {pos} ({i.name or i.variable})"
            )
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"Bad input argument to function {self.name or ''} at index {pos} (0-based): {exc}"
            ) from None
        xp = self.backend.xp
        return arr if xp is np else xp.asarray(arr)

    def _specialise_call(self) -> None:
        """Per-function facts ``__call__`` needs, computed once (it runs on every call)."""
        program = self.program
        self._positions = range(len(self.ins))
        self._input_accepts = [accepts_as_is(i.variable.type, self.backend.xp) for i in self.ins]
        self._shared_inputs = [(s, program.variables[s]) for s in program.shared_slots]
        self._input_and_shared_slots = program.input_slots + program.shared_slots
        self._constant_roots = frozenset(id(root(v)) for v in program.constants.values())
        # device outputs are copied to the host anyway, unless the internal type is asked for
        copy = self.backend.xp is np or self.return_internal_type
        self._output_slots_borrow = [
            (slot, borrow or not copy)
            for slot, borrow in zip(program.output_slots[: self._n_outputs], self._borrow_outputs)
        ]

    # --- pickling and copying ---------------------------------------------------------------
    def __reduce__(self):
        return (Function, (self._spec,))

    def __deepcopy__(self, memo):
        import copy

        return Function(copy.deepcopy(self._spec, memo))

    def copy(self):
        """A new function with the same graph and the same shared variables."""
        return Function(dict(self._spec))

    @property
    def return_internal_type(self) -> bool:
        """Return backend (device) arrays instead of NumPy arrays."""
        return self._return_internal_type

    @return_internal_type.setter
    def return_internal_type(self, value: bool) -> None:
        self._return_internal_type = bool(value)
        self._specialise_call()

    def __str__(self) -> str:
        return f"Function({self.name or ''}) compiled as:\n{self.program}"


_VALUE_ATTRS = itertools.repeat("_value")


@contextlib.contextmanager
def _collector_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()
