"""The compiled form of a graph: a flat, printable list of steps over numbered storage slots."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..graph import Apply, Constant, Variable, graph_inputs, toposort
from . import profiling


@dataclass
class Step:
    """Run ``node`` on the values in slots ``inputs``; put its results in slots ``outputs``."""

    node: Apply
    fn: object
    inputs: tuple
    outputs: tuple
    free: tuple = ()  # slots no later step needs: cleared after this step to save memory

    def __str__(self) -> str:
        outs = ", ".join(f"s{o}" for o in self.outputs)
        ins = ", ".join(f"s{i}" for i in self.inputs)
        text = f"{outs} = {self.node.op}({ins})"
        if self.free:
            text += "  # free " + ", ".join(f"s{f}" for f in self.free)
        return text


@dataclass
class Program:
    """Slots: the function's inputs first, then shared variables, constants, then step results."""

    steps: list
    slot_of: dict  # id(variable) -> slot
    variables: list  # slot -> variable
    constants: dict  # slot -> backend array
    input_slots: tuple
    shared_slots: tuple
    output_slots: tuple
    profile: "ProfileStats | None" = None
    last_shapes: dict = field(default_factory=dict)  # slot -> shape seen at run time
    calls: int = 0
    record_shapes: bool = False  # record shapes on every call, not just the first
    _template: list | None = field(default=None, repr=False)

    @classmethod
    def build(cls, order, inputs, shared, outputs, xp) -> "Program":
        """Schedule ``order`` (a toposort); ``outputs`` are kept (never freed)."""
        variables: list[Variable] = []
        slot_of: dict[int, int] = {}

        def slot(var):
            if id(var) not in slot_of:
                slot_of[id(var)] = len(variables)
                variables.append(var)
            return slot_of[id(var)]

        input_slots = tuple(slot(v) for v in inputs)
        shared_slots = tuple(slot(v) for v in shared)
        lazy: dict = {}  # id(lazy node) -> (its step's inputs, its thunk)
        if any(getattr(node.op, "lazy", False) for node in order):
            order, lazy = _split_lazy(order, outputs, xp)
        step_inputs = [lazy[id(n)][0] if id(n) in lazy else n.inputs for n in order]
        constants = {}
        for ins in step_inputs:
            for inp in ins:
                if isinstance(inp, Constant) and id(inp) not in slot_of:
                    constants[slot(inp)] = xp.asarray(inp.data)
        steps = []
        for node, ins in zip(order, step_inputs):
            fn = lazy[id(node)][1] if id(node) in lazy else node.op.make_thunk(node, xp)
            steps.append(
                Step(node, fn, tuple(slot(i) for i in ins), tuple(slot(o) for o in node.outputs))
            )
        for out in outputs:  # outputs that are constants
            if isinstance(out, Constant) and id(out) not in slot_of:
                constants[slot(out)] = xp.asarray(out.data)
        output_slots = tuple(slot(o) for o in outputs)
        keep = set(output_slots) | set(input_slots) | set(shared_slots) | set(constants)
        last_use = {}
        for k, step in enumerate(steps):
            for s in step.inputs + step.outputs:
                last_use[s] = k
        for k, step in enumerate(steps):
            step.free = tuple(
                sorted(
                    {s for s in step.inputs + step.outputs if last_use[s] == k and s not in keep}
                )
            )
            # a thunk that can leave out results nothing reads (a loop's unused per-step
            # outputs) is told which: position k of its results may then be None
            unread = [i for i, s in enumerate(step.outputs) if s in step.free]
            if unread and hasattr(step.fn, "without_outputs"):
                step.fn = step.fn.without_outputs(unread)
        return cls(steps, slot_of, variables, constants, input_slots, shared_slots, output_slots)

    def new_storage(self) -> list:
        """A fresh list of slots holding the constants (a copy of one template)."""
        if self._template is None:
            self._template = [None] * len(self.variables)
            for s, value in self.constants.items():
                self._template[s] = value
        return self._template.copy()

    def run(self, storage: list) -> None:
        """Execute every step; a failure is re-raised with the node, its inputs and source line."""
        if self.profile is not None or self.calls == 0 or self.record_shapes:
            return self._run_recording(storage)
        for step in self.steps:
            args = [storage[i] for i in step.inputs]
            try:
                result = step.fn(*args)
            except Exception as exc:
                raise runtime_error(step, args, exc) from exc
            outs = step.outputs
            if len(outs) == 1:
                storage[outs[0]] = result
            else:
                for s, value in zip(outs, result):
                    storage[s] = value
            for s in step.free:
                storage[s] = None
        self.calls += 1

    def _run_recording(self, storage: list) -> None:
        """``run`` that also records output shapes (and times each step when profiling).

        Used for the first call, for every call of a profiled function, and when
        ``record_shapes`` is set, so that pictures can label edges with real shapes.
        """
        profile = self.profile
        for k, step in enumerate(self.steps):
            args = [storage[i] for i in step.inputs]
            start = time.perf_counter()
            try:
                result = step.fn(*args)
            except Exception as exc:
                raise runtime_error(step, args, exc) from exc
            if profile is not None:
                profile.record(k, step, time.perf_counter() - start, result)
            outs = step.outputs
            results = [result] if len(outs) == 1 else list(result)
            for s, value in zip(outs, results):
                storage[s] = value
                self.last_shapes[s] = tuple(getattr(value, "shape", ()))
            for s in step.free:
                storage[s] = None
        for s in self.input_slots + self.shared_slots:
            self.last_shapes[s] = tuple(getattr(storage[s], "shape", ()))
        if profile is not None:
            profile.calls += 1
        self.calls += 1

    def __str__(self) -> str:
        lines = []
        for s in self.input_slots:
            lines.append(f"s{s} <- input {self.variables[s]} : {self.variables[s].type}")
        for s in self.shared_slots:
            lines.append(f"s{s} <- shared {self.variables[s]} : {self.variables[s].type}")
        for s in sorted(self.constants):
            lines.append(f"s{s} <- constant {self.variables[s]}")
        for step in self.steps:
            lines.append(str(step))
            # ops running programs of their own (scan's step, ifelse's branches) show them
            for label, inner in getattr(step.fn, "inner_programs", ()):
                lines.append(f"    {label}:")
                lines.extend("      " + line for line in str(inner).splitlines())
        lines.append("return " + ", ".join(f"s{s}" for s in self.output_slots))
        return "\n".join(lines)


def _split_lazy(order, outputs, xp):
    """The nodes to schedule, and for each lazy node its step's inputs and thunk.

    A lazy op (``op.lazy = True``) says which inputs it always needs and which groups of
    inputs it may need: ``op.lazy_inputs(node) -> (always, {label: group})``. The nodes that
    only such groups need are not scheduled: each group becomes a sub-program, run when the
    op's thunk (``op.make_lazy_thunk(node, xp)``) asks for that group's values. Programs
    without lazy ops never come here, so their loop is unchanged.
    """
    eager: set = set()
    stack = list(outputs)
    while stack:
        node = stack.pop().owner
        if node is None or id(node) in eager:
            continue
        eager.add(id(node))
        lazy_op = getattr(node.op, "lazy", False)
        stack.extend(node.op.lazy_inputs(node)[0] if lazy_op else node.inputs)
    kept = [node for node in order if id(node) in eager]
    available = [out for node in kept for out in node.outputs]
    lazy = {}
    for node in kept:
        if not getattr(node.op, "lazy", False):
            continue
        always, groups = node.op.lazy_inputs(node)
        step_inputs = list(always)
        runners = {}
        for label, wanted in groups.items():
            external = [v for v in graph_inputs(wanted, available) if not isinstance(v, Constant)]
            sub = Program.build(toposort(wanted, available), external, (), wanted, xp)
            positions = []
            for var in external:
                if not any(var is v for v in step_inputs):
                    step_inputs.append(var)
                positions.append(next(k for k, v in enumerate(step_inputs) if v is var))
            runners[label] = (sub, positions)
        thunk = _lazy_thunk(node, xp, len(always), runners)
        thunk.input_variables = step_inputs
        lazy[id(node)] = (step_inputs, thunk)
    return kept, lazy


def _lazy_thunk(node, xp, n_always: int, runners: dict):
    choose = node.op.make_lazy_thunk(node, xp)

    def thunk(*args):
        def compute(label):
            sub, positions = runners[label]
            storage = sub.new_storage()
            for s, p in zip(sub.input_slots, positions):
                storage[s] = args[p]
            sub.run(storage)
            return [storage[s] for s in sub.output_slots]

        return choose(args[:n_always], compute)

    thunk.inner_programs = [(label, sub) for label, (sub, _) in runners.items()]
    return thunk


def describe_value(value) -> str:
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if shape is None:
        return type(value).__name__
    return f"{dtype} {tuple(shape)}"


def runtime_error(step: Step, args, exc: Exception) -> Exception:
    """An exception of the same kind as ``exc`` naming the op, the inputs and the user's line."""
    node = step.node
    variables = getattr(step.fn, "input_variables", node.inputs)  # a lazy step's differ
    inputs = "\n".join(
        f"    {inp}: {inp.type}, value {describe_value(a)}" for inp, a in zip(variables, args)
    )
    message = (
        f"{exc}\n  while running {node.op} (program step: {step})\n"
        f"  inputs:\n{inputs}\n  built at: {node.source}"
    )
    new = None
    # the nearest class that takes a message: NumPy's UFuncTypeError needs other arguments,
    # its base TypeError does not, so the error keeps its kind
    for cls in type(exc).__mro__:
        try:
            new = cls(message)
            break
        except Exception:
            continue
    new.node = node
    return new


class ProfileStats:
    """Per-node timings of a function called with ``profile=True``."""

    def __init__(self, name=None):
        self.name = name
        self.calls = 0
        self.node_time: dict[int, float] = {}
        self.node_calls: dict[int, int] = {}
        self.node_shapes: dict[int, list] = {}
        self.steps: list[Step] = []
        self.compile_time = 0.0
        profiling.register(self)  # printed at exit under MINITHEANO_FLAGS=profile=True

    def record(self, k: int, step: Step, seconds: float, result) -> None:
        if k >= len(self.steps):
            self.steps.extend([None] * (k + 1 - len(self.steps)))
        self.steps[k] = step
        self.node_time[k] = self.node_time.get(k, 0.0) + seconds
        self.node_calls[k] = self.node_calls.get(k, 0) + 1
        results = [result] if len(step.outputs) == 1 else list(result)
        self.node_shapes[k] = [tuple(getattr(r, "shape", ())) for r in results]

    def op_time(self) -> dict:
        """Total seconds per op class name."""
        out: dict[str, float] = {}
        for k, t in self.node_time.items():
            name = type(self.steps[k].node.op).__name__
            out[name] = out.get(name, 0.0) + t
        return out

    def summary(self, file=None, n_ops_to_print=20, n_apply_to_print=20) -> None:
        """Print per-op and per-node time, call counts, share of the total and output shapes."""
        import sys

        file = file or sys.stderr
        total = sum(self.node_time.values()) or 1e-12
        print(f"Function profiling: {self.name or '<unnamed>'}", file=file)
        print(
            f"  calls: {self.calls}, time in nodes: {total:.4f}s "
            f"({total / max(self.calls, 1) * 1e3:.2f} ms per call), compile: "
            f"{self.compile_time:.3f}s",
            file=file,
        )
        print("\n  Ops (by total time):", file=file)
        print(f"  {'<% time>':>9} {'<sum %>':>8} {'<time s>':>10} {'<calls>':>8}  <op>", file=file)
        running = 0.0
        counts: dict[str, int] = {}
        for k, c in self.node_calls.items():
            name = type(self.steps[k].node.op).__name__
            counts[name] = counts.get(name, 0) + c
        for name, t in sorted(self.op_time().items(), key=lambda kv: -kv[1])[:n_ops_to_print]:
            running += t
            print(
                f"  {100 * t / total:8.1f}% {100 * running / total:7.1f}% {t:10.4f} "
                f"{counts[name]:8d}  {name}",
                file=file,
            )
        print("\n  Apply nodes (by total time):", file=file)
        print(
            f"  {'<% time>':>9} {'<time s>':>10} {'<calls>':>8}  <node>  <output shapes>",
            file=file,
        )
        for k, t in sorted(self.node_time.items(), key=lambda kv: -kv[1])[:n_apply_to_print]:
            step = self.steps[k]
            print(
                f"  {100 * t / total:8.1f}% {t:10.4f} {self.node_calls[k]:8d}  {step.node.op}  "
                f"{self.node_shapes[k]}",
                file=file,
            )
