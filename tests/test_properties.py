"""Property-based tests (hypothesis): elementwise ops, reductions, indexing, ``conv2d`` and
``pool_2d`` against independent NumPy/SciPy references, with Theano 1.0's dtype rules.

Each property draws dtypes, shapes (sizes 0 and 1 included, with Theano's broadcastable
patterns) and values, compiles the graph and compares its result with a reference written from
Theano's documented semantics. Example counts are small and the search is derandomized, so the
file is reproducible and runs in seconds.
"""

import itertools

import numpy as np
import pytest
import scipy.signal
import scipy.special
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitheano as theano
import minitheano.tensor as T
from minitheano.tensor.signal.pool import pool_2d

PROPS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # the autouse config fixture: nothing to reset
    ],
)
FEW = settings(PROPS, max_examples=30)
MANY = settings(PROPS, max_examples=200)  # the properties that span many ops

DTYPES = ("bool", "int8", "uint8", "int16", "int32", "int64", "float32", "float64")
DISCRETE = ("bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64")

# ---------------------------------------------------------------------------------------------
# Theano 1.0's dtype rules (theano/scalar/basic.py, config.cast_policy='custom', floatX float64)


def upcast(*dtypes):
    """``scalar.upcast``: the dtype NumPy gives when adding zeros of these dtypes."""
    return np.result_type(*dtypes).name


_TO_FLOAT = {
    "bool": "float32",
    "int8": "float32",
    "uint8": "float32",
    "int16": "float32",
    "uint16": "float32",
    "int32": "float64",
    "uint32": "float64",
    "int64": "float64",
    "uint64": "float64",
}


def theano_dtype(rule, *dtypes):
    """The output dtype Theano 1.0 gives, ``TypeError`` where it refuses to build the node, or
    None for the known, lenient divergences that are not checked."""
    if rule == "float":  # upgrade_to_float: each input to a float first, then upcast
        return upcast(*[_TO_FLOAT.get(d, d) for d in dtypes])
    if rule == "bool":
        return "bool"
    if rule == "true_div":
        return "float64" if all(d in DISCRETE for d in dtypes) else upcast(*dtypes)
    if rule == "switch":
        return upcast(*dtypes[1:])
    if rule == "bitwise" and any(d not in DISCRETE for d in dtypes):
        return TypeError
    if rule == "bitwise" and "bool" in dtypes and set(dtypes) != {"bool"}:
        return None  # Theano refuses bool & int; minitheano upcasts (not checked)
    if rule == "float_only" and any(d in DISCRETE for d in dtypes):
        return None  # Theano refuses round(int); minitheano keeps the ints (not checked)
    out = upcast(*dtypes)
    if out == "bool" and rule == "nobool":  # sub, neg, sgn
        return TypeError
    if out == "bool" and rule == "min8":  # pow
        return "int8"
    return out


# ---------------------------------------------------------------------------------------------
# values: each input of an op has a domain that keeps the reference finite


def elements(dtype, domain):
    """A strategy for one element of ``dtype`` in ``domain``."""
    kind = np.dtype(dtype).kind
    if kind == "b":
        return st.just(True) if domain in ("positive", "nonzero", "base") else st.booleans()
    if kind in "iu":
        lo, hi = {
            "any": (-20, 20),
            "unit": (-1, 1),
            "positive": (1, 20),
            "nonneg": (0, 20),
            "nonzero": (-9, 9),
            "base": (1, 5),
            "exponent": (0, 3),
        }[domain]
        ints = st.integers(0 if kind == "u" else lo, hi)
        return ints.filter(bool) if domain == "nonzero" else ints
    width = np.dtype(dtype).itemsize * 8
    if domain == "nonzero":
        mag = st.floats(0.5, 10, width=width)
        return st.tuples(mag, st.booleans()).map(lambda t: -t[0] if t[1] else t[0])
    lo, hi = {
        "any": (-10, 10),
        "unit": (-1, 1),
        "positive": (0.015625, 10),  # bounds exact in float32
        "nonneg": (0, 10),
        "base": (0.125, 5),
        "exponent": (-2, 2),
    }[domain]
    return st.floats(lo, hi, width=width)


def arrays(dtype, shape, domain="any"):
    return hnp.arrays(dtype, shape, elements=elements(dtype, domain))


@st.composite
def broadcast_shapes(draw, n_inputs, max_ndim=3, min_size=0, full_ndim=False):
    """``(shapes, patterns)`` of inputs Theano broadcasts together: a dim of size 1 broadcasts
    only where its pattern says so, lower-ndim inputs are padded on the left (unless
    ``full_ndim``: then every input has ``max_ndim`` dims)."""
    ndim = max_ndim if full_ndim else draw(st.integers(0, max_ndim))
    base = draw(st.lists(st.integers(min_size, 3), min_size=ndim, max_size=ndim))
    shapes, patterns = [], []
    for _ in range(n_inputs):
        nd = ndim if full_ndim else draw(st.integers(0, ndim))
        pattern = tuple(draw(st.lists(st.booleans(), min_size=nd, max_size=nd)))
        shapes.append(tuple(1 if b else n for b, n in zip(pattern, base[ndim - nd :])))
        patterns.append(pattern)
    return shapes, patterns


def tolerance(dtype):
    return {"float32": dict(rtol=1e-5, atol=1e-6), "float64": dict(rtol=1e-12, atol=1e-12)}.get(
        dtype, dict(rtol=0, atol=0)
    )


def assert_matches(got, expected, dtype):
    assert got.dtype == dtype, (got.dtype, dtype)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    np.testing.assert_allclose(got, expected.astype(dtype), **tolerance(dtype))


def compile_and_run(inputs, output, values):
    with np.errstate(all="ignore"):  # nan/inf where the reference has them too
        return theano.function(inputs, output)(*values)


# ---------------------------------------------------------------------------------------------
# 1. elementwise ops

# name: (function, NumPy reference, input domains, Theano's dtype rule)
UNARY = {
    "exp": (T.exp, np.exp, ("any",), "float"),
    "exp2": (T.exp2, np.exp2, ("any",), "float"),
    "expm1": (T.expm1, np.expm1, ("any",), "float"),
    "log": (T.log, np.log, ("positive",), "float"),
    "log2": (T.log2, np.log2, ("positive",), "float"),
    "log10": (T.log10, np.log10, ("positive",), "float"),
    "log1p": (T.log1p, np.log1p, ("nonneg",), "float"),
    "sqrt": (T.sqrt, np.sqrt, ("nonneg",), "float"),
    "tanh": (T.tanh, np.tanh, ("any",), "float"),
    "sin": (T.sin, np.sin, ("any",), "float"),
    "cos": (T.cos, np.cos, ("any",), "float"),
    "tan": (T.tan, np.tan, ("unit",), "float"),
    "cosh": (T.cosh, np.cosh, ("any",), "float"),
    "arcsin": (T.arcsin, np.arcsin, ("unit",), "float"),
    "arctan": (T.arctan, np.arctan, ("any",), "float"),
    "inv": (T.inv, np.reciprocal, ("nonzero",), "float"),
    "sigmoid": (T.nnet.sigmoid, scipy.special.expit, ("any",), "float"),
    "softplus": (T.nnet.softplus, lambda a: np.logaddexp(0, a), ("any",), "float"),
    "floor": (T.floor, np.floor, ("any",), "float"),
    "ceil": (T.ceil, np.ceil, ("any",), "float"),
    "round": (T.round, np.round, ("any",), "float_only"),
    "abs": (T.abs_, np.abs, ("any",), "same"),
    "sqr": (T.sqr, np.square, ("any",), "same"),
    "neg": (T.neg, np.negative, ("any",), "nobool"),
    "sgn": (T.sgn, np.sign, ("any",), "nobool"),
    "isnan": (T.isnan, np.isnan, ("any",), "bool"),
    "isinf": (T.isinf, np.isinf, ("any",), "bool"),
    "invert": (T.invert, np.invert, ("any",), "bitwise"),
}
BINARY = {
    "add": (T.add, np.add, ("any", "any"), "upcast"),
    "sub": (T.sub, np.subtract, ("any", "any"), "nobool"),
    "mul": (T.mul, np.multiply, ("any", "any"), "upcast"),
    "true_div": (T.true_div, np.true_divide, ("any", "nonzero"), "true_div"),
    "int_div": (T.int_div, np.floor_divide, ("any", "nonzero"), "upcast"),
    "mod": (T.mod, np.mod, ("any", "nonzero"), "upcast"),
    "pow": (T.pow, np.power, ("base", "exponent"), "min8"),
    "maximum": (T.maximum, np.maximum, ("any", "any"), "upcast"),
    "minimum": (T.minimum, np.minimum, ("any", "any"), "upcast"),
    "lt": (T.lt, np.less, ("any", "any"), "bool"),
    "le": (T.le, np.less_equal, ("any", "any"), "bool"),
    "gt": (T.gt, np.greater, ("any", "any"), "bool"),
    "ge": (T.ge, np.greater_equal, ("any", "any"), "bool"),
    "eq": (T.eq, np.equal, ("any", "any"), "bool"),
    "neq": (T.neq, np.not_equal, ("any", "any"), "bool"),
    "and_": (T.and_, np.bitwise_and, ("any", "any"), "bitwise"),
    "or_": (T.or_, np.bitwise_or, ("any", "any"), "bitwise"),
    "xor": (T.xor, np.bitwise_xor, ("any", "any"), "bitwise"),
}
ELEMWISE = {**UNARY, **BINARY}


def elemwise_reference(np_fn, rule, arrays_, out_dtype):
    """NumPy computing in the output dtype (comparisons: in the inputs' common dtype)."""
    work = upcast(*[a.dtype for a in arrays_]) if rule == "bool" else out_dtype
    if len(arrays_) == 1 and rule == "bool":  # isnan, isinf: of the value as it is
        work = arrays_[0].dtype
    with np.errstate(all="ignore"):
        return np.asarray(np_fn(*[a.astype(work) for a in arrays_])).astype(out_dtype)


@pytest.mark.parametrize("name", sorted(ELEMWISE))
def test_elemwise_output_dtypes_follow_theano_for_every_dtype_combination(name):
    fn, _, domains, rule = ELEMWISE[name]
    for dtypes in itertools.product(DTYPES, repeat=len(domains)):
        inputs = [T.TensorType(d, (False,))() for d in dtypes]
        expected = theano_dtype(rule, *dtypes)
        if expected is TypeError:
            with pytest.raises(TypeError, match="bool|integer"):
                fn(*inputs)
        elif expected is not None:
            assert fn(*inputs).dtype == expected, (name, dtypes)


@MANY
@given(st.data())
def test_elemwise_matches_numpy_in_the_output_dtype(data):
    name = data.draw(st.sampled_from(sorted(ELEMWISE)), label="op")
    fn, np_fn, domains, rule = ELEMWISE[name]
    dtypes = data.draw(st.tuples(*[st.sampled_from(DTYPES)] * len(domains)), label="dtypes")
    out_dtype = theano_dtype(rule, *dtypes)
    if out_dtype in (TypeError, None):  # checked by the test above
        return
    shapes, patterns = data.draw(broadcast_shapes(len(domains)), label="shapes")
    values = [
        data.draw(arrays(d, s, dom), label=f"input {i}")
        for i, (d, s, dom) in enumerate(zip(dtypes, shapes, domains))
    ]
    inputs = [T.TensorType(d, p)() for d, p in zip(dtypes, patterns)]
    out = fn(*inputs)
    ndim = max(len(p) for p in patterns)
    padded = [(True,) * (ndim - len(p)) + p for p in patterns]
    assert out.broadcastable == tuple(all(bs) for bs in zip(*padded))
    got = compile_and_run(inputs, out, values)
    assert_matches(got, elemwise_reference(np_fn, rule, values, out_dtype), out_dtype)


@PROPS
@given(st.data())
def test_switch_picks_per_element_and_upcasts_its_branches(data):
    dtypes = data.draw(st.tuples(*[st.sampled_from(DTYPES)] * 3), label="dtypes")
    shapes, patterns = data.draw(broadcast_shapes(3), label="shapes")
    values = [data.draw(arrays(d, s), label="input") for d, s in zip(dtypes, shapes)]
    inputs = [T.TensorType(d, p)() for d, p in zip(dtypes, patterns)]
    out = T.switch(*inputs)
    out_dtype = theano_dtype("switch", *dtypes)
    assert out.dtype == out_dtype
    cond, a, b = values
    expected = np.where(cond.astype(bool), a.astype(out_dtype), b.astype(out_dtype))
    assert_matches(compile_and_run(inputs, out, values), expected, out_dtype)


@PROPS
@given(st.data())
def test_clip_follows_theano_even_when_the_bounds_cross(data):
    dtypes = data.draw(st.tuples(*[st.sampled_from(DTYPES[1:])] * 3), label="dtypes")
    shapes, patterns = data.draw(broadcast_shapes(3), label="shapes")
    values = [data.draw(arrays(d, s), label="input") for d, s in zip(dtypes, shapes)]
    inputs = [T.TensorType(d, p)() for d, p in zip(dtypes, patterns)]
    out = T.clip(*inputs)
    out_dtype = upcast(*dtypes)
    assert out.dtype == out_dtype
    x, lo, hi = (v.astype(out_dtype) for v in values)
    # Theano's scalar Clip: x < min gives min, else x > max gives max, else x
    expected = np.where(x < lo, lo, np.where(x > hi, hi, x))
    assert_matches(compile_and_run(inputs, out, values), expected, out_dtype)


@PROPS
@given(st.data())
def test_python_int_constants_take_the_smallest_int_dtype(data):
    dtype = data.draw(st.sampled_from(DTYPES), label="dtype")
    c = data.draw(st.sampled_from([0, 1, -3, 100, 200, -200, 40000, 2**33]), label="constant")
    name = data.draw(st.sampled_from(["add", "mul", "maximum", "lt", "true_div"]), label="op")
    fn, np_fn, _, rule = BINARY[name]
    if name == "true_div" and c == 0:
        c = 1
    shapes, patterns = data.draw(broadcast_shapes(1), label="shape")
    value = data.draw(arrays(dtype, shapes[0]), label="x")
    x = T.TensorType(dtype, patterns[0])()
    c_dtype = next(  # Theano's autocast of a Python int
        d for d in ("int8", "int16", "int32", "int64") if np.iinfo(d).min <= c <= np.iinfo(d).max
    )
    out = fn(x, c)
    out_dtype = theano_dtype(rule, dtype, c_dtype)
    assert out.dtype == out_dtype
    expected = elemwise_reference(np_fn, rule, [value, np.asarray(c, c_dtype)], out_dtype)
    assert_matches(compile_and_run([x], out, [value]), expected, out_dtype)


@FEW
@given(st.data())
def test_a_size_one_dim_that_is_not_broadcastable_does_not_broadcast(data):
    ndim = data.draw(st.integers(1, 3), label="ndim")
    axis = data.draw(st.integers(0, ndim - 1), label="axis")
    shape = data.draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim), label="shape")
    other = list(shape)
    shape[axis], other[axis] = 1, data.draw(st.sampled_from([0, 2, 3]), label="size")
    dtype = data.draw(st.sampled_from(DTYPES), label="dtype")
    x, y = T.TensorType(dtype, (False,) * ndim)(), T.TensorType(dtype, (False,) * ndim)()
    f = theano.function([x, y], T.maximum(x, y))
    with pytest.raises(ValueError, match="broadcast"):
        f(np.zeros(shape, dtype), np.zeros(other, dtype))


# chains of elementwise ops: what the rewrites and the fused evaluator see
TREE_OPS = ["add", "sub", "mul", "maximum", "minimum", "lt", "eq", "abs", "neg", "sqr"]
TREE_OPS += ["tanh", "sin", "sigmoid", "floor", "switch"]


@st.composite
def expression(draw, n_leaves, depth=3):
    """A random tree: ``("leaf", k)``, ``("const", dtype, value)`` or ``(op, children)``."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        if draw(st.integers(0, 4)) == 0:
            dtype = draw(st.sampled_from(DTYPES))
            return ("const", dtype, draw(elements(dtype, "any")))
        return ("leaf", draw(st.integers(0, n_leaves - 1)))
    op = draw(st.sampled_from(TREE_OPS))
    arity = 3 if op == "switch" else len(ELEMWISE[op][2])
    return (op, [draw(expression(n_leaves, depth - 1)) for _ in range(arity)])


def build_and_evaluate(tree, inputs, values, seen):
    """The graph of ``tree`` and its NumPy reference value (each node in Theano's dtype);
    ``seen`` collects the dtypes of the values on the way."""
    if tree[0] == "leaf":
        return inputs[tree[1]], values[tree[1]]
    if tree[0] == "const":
        value = np.asarray(tree[2], dtype=tree[1])
        return T.constant(value), value
    pairs = [build_and_evaluate(child, inputs, values, seen) for child in tree[1]]
    seen.update(p[1].dtype.name for p in pairs)
    graphs, refs = [p[0] for p in pairs], [p[1] for p in pairs]
    dtypes = [r.dtype.name for r in refs]
    if tree[0] == "switch":
        dtype = theano_dtype("switch", *dtypes)
        c, a, b = refs
        return T.switch(*graphs), np.where(c.astype(bool), a.astype(dtype), b.astype(dtype))
    fn, np_fn, _, rule = ELEMWISE[tree[0]]
    dtype = theano_dtype(rule, *dtypes)
    if dtype is TypeError:  # sub or neg of bools: take the first operand instead
        return graphs[0], refs[0]
    return fn(*graphs), elemwise_reference(np_fn, rule, refs, dtype)


@MANY
@given(st.data())
def test_chains_of_elementwise_ops_match_numpy_node_by_node(data):
    n = data.draw(st.integers(1, 3), label="n inputs")
    tree = data.draw(expression(n), label="expression")
    big = data.draw(st.integers(0, 9), label="big") == 0  # split over threads, in blocks
    if big:
        shapes, patterns = [(300, 500)] * n, [(False, False)] * n
        shapes[0], patterns[0] = (1, 500), (True, False)
    else:
        shapes, patterns = data.draw(broadcast_shapes(n), label="shapes")
    dtypes = data.draw(st.tuples(*[st.sampled_from(DTYPES)] * n), label="dtypes")
    rng = np.random.RandomState(data.draw(st.integers(0, 2**16), label="seed"))
    values = [
        (rng.uniform(-3, 3, s) if d.startswith("float") else rng.randint(-3, 4, s)).astype(d)
        for d, s in zip(dtypes, shapes)
    ]
    inputs = [T.TensorType(d, p)() for d, p in zip(dtypes, patterns)]
    seen = set()
    out, expected = build_and_evaluate(tree, inputs, values, seen)
    assert out.dtype == expected.dtype
    got = theano.function(inputs, out, on_unused_input="ignore")(*values)
    expected = np.broadcast_to(expected, got.shape) if expected.ndim == 0 else expected
    assert got.dtype == expected.dtype and got.shape == expected.shape
    # a float32 step on the way rounds what follows to float32 precision (an ulp apart)
    tol = tolerance("float32" if "float32" in seen else out.dtype)
    np.testing.assert_allclose(got, expected, **tol)


# ---------------------------------------------------------------------------------------------
# 2. reductions


def theano_reduce_dtype(kind, dtype):
    """Theano 1.0: sum/prod of small ints give int64 (uint64), mean of ints float64."""
    if kind in ("all", "any"):
        return "bool"
    if kind in ("max", "min"):
        return dtype
    if kind == "mean":
        return dtype if dtype in ("float32", "float64") else "float64"
    return {
        "bool": "int64",
        "int8": "int64",
        "int16": "int64",
        "int32": "int64",
        "uint8": "uint64",
        "uint16": "uint64",
        "uint32": "uint64",
    }.get(dtype, dtype)


@st.composite
def axes(draw, ndim):
    """None, an int, or a tuple of distinct axes, any of them negative."""
    choice = draw(st.sampled_from(["none", "int", "tuple"]) if ndim else st.just("none"))
    if choice == "none":
        return None
    signed = st.booleans()
    if choice == "int":
        a = draw(st.integers(0, ndim - 1))
        return a - ndim if draw(signed) else a
    chosen = draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
    return tuple(a - ndim if draw(signed) else a for a in chosen)


REDUCE_REFERENCES = {
    "sum": np.sum,
    "prod": np.prod,
    "max": np.max,
    "min": np.min,
    "mean": np.mean,
    "all": np.all,
    "any": np.any,
}


@pytest.mark.filterwarnings("ignore:Mean of empty slice:RuntimeWarning")  # NumPy's, not ours
@PROPS
@given(st.data())
def test_reductions_match_numpy_with_theano_dtypes(data):
    kind = data.draw(st.sampled_from(sorted(REDUCE_REFERENCES)), label="kind")
    dtype = data.draw(st.sampled_from(DTYPES), label="dtype")
    ndim = data.draw(st.integers(0, 3), label="ndim")
    shape = tuple(data.draw(st.lists(st.integers(0, 3), min_size=ndim, max_size=ndim)))
    pattern = tuple(n == 1 and data.draw(st.booleans(), label="bcast") for n in shape)
    axis = data.draw(axes(ndim), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    domain = "exponent" if kind == "prod" else "any"  # small factors: no overflow
    value = data.draw(arrays(dtype, shape, domain), label="x")
    x = T.TensorType(dtype, pattern)()
    out = getattr(T, kind)(x, axis=axis, keepdims=keepdims)
    out_dtype = theano_reduce_dtype(kind, dtype)
    assert out.dtype == out_dtype
    np_axis = tuple(range(ndim)) if axis is None else axis
    reduced = [a % ndim for a in np.atleast_1d(np_axis).astype(int)] if ndim else []
    f = theano.function([x], out)
    if kind in ("max", "min") and any(shape[a] == 0 for a in reduced):
        with pytest.raises(ValueError, match="empty"):
            f(value)
        return
    work = "float64" if out_dtype.startswith("float") else None
    with np.errstate(all="ignore"):  # the mean of nothing is nan
        got = f(value)
        ref = REDUCE_REFERENCES[kind]
        args = dict(axis=np_axis, keepdims=keepdims)
        if kind in ("sum", "prod", "mean"):
            args["dtype"] = work or out_dtype
        expected = np.asarray(ref(value, **args))
    assert_matches(got, expected, out_dtype)
    if keepdims:
        kept = tuple(True if a in reduced else b for a, b in enumerate(pattern))
        assert out.broadcastable == kept


@PROPS
@given(st.data())
def test_argmax_argmin_match_numpy(data):
    dtype = data.draw(st.sampled_from(DTYPES), label="dtype")
    ndim = data.draw(st.integers(1, 3), label="ndim")
    shape = tuple(data.draw(st.lists(st.integers(0, 3), min_size=ndim, max_size=ndim)))
    axis = data.draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1)), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    which = data.draw(st.sampled_from(["argmax", "argmin"]), label="which")
    value = data.draw(arrays(dtype, shape), label="x")
    x = T.TensorType(dtype, (False,) * ndim)()
    out = getattr(T, which)(x, axis=axis, keepdims=keepdims)
    assert out.dtype == "int64"
    f = theano.function([x], out)
    empty = value.size == 0 if axis is None else shape[axis] == 0
    if empty:
        with pytest.raises(ValueError, match="empty"):
            f(value)
        return
    expected = getattr(np, which)(value, axis=axis)
    if keepdims:
        expected = expected.reshape(
            [1 if axis is None or a == axis % ndim else n for a, n in enumerate(shape)]
        )
    assert_matches(f(value), np.asarray(expected), "int64")


# ---------------------------------------------------------------------------------------------
# 3. indexing


@st.composite
def basic_index(draw, shape, all_dims=False):
    """A tuple of ints and slices (any step sign, bounds past the ends) for the leading dims
    of ``shape`` (``all_dims``: for every dim)."""
    index = []
    for n in shape[: len(shape) if all_dims else draw(st.integers(0, len(shape)))]:
        if n and draw(st.booleans()):
            index.append(draw(st.integers(-n, n - 1)))
            continue
        bound = st.one_of(st.none(), st.integers(-n - 2, n + 2))
        step = st.sampled_from([None, 1, 2, 3, -1, -2, -3])
        index.append(slice(draw(bound), draw(bound), draw(step)))
    return tuple(index)


def symbolic_index(index, data):
    """``index`` with some ints and slice bounds replaced by int64 scalar inputs."""
    inputs, values = [], []

    def maybe_symbolic(v):
        if not isinstance(v, int) or not data.draw(st.booleans(), label="symbolic"):
            return v
        var = T.lscalar()
        inputs.append(var)
        values.append(np.int64(v))
        return var

    out = []
    for item in index:
        if isinstance(item, slice):
            out.append(slice(*(maybe_symbolic(b) for b in (item.start, item.stop, item.step))))
        else:
            out.append(maybe_symbolic(item))
    return tuple(out), inputs, values


def small_shape(ndim_range=(1, 3), sizes=(0, 4)):
    return st.integers(*ndim_range).flatmap(
        lambda nd: st.lists(st.integers(*sizes), min_size=nd, max_size=nd).map(tuple)
    )


@PROPS
@given(st.data())
def test_basic_indexing_matches_numpy(data):
    shape = data.draw(small_shape(), label="shape")
    dtype = data.draw(st.sampled_from(DTYPES), label="dtype")
    value = data.draw(arrays(dtype, shape), label="x")
    index = data.draw(basic_index(shape), label="index")
    sym_index, idx_inputs, idx_values = symbolic_index(index, data)
    x = T.TensorType(dtype, (False,) * len(shape))()
    out = x[sym_index]
    assert out.dtype == dtype
    got = theano.function([x] + idx_inputs, out)(value, *idx_values)
    assert_matches(got, value[index], dtype)
    assert out.ndim == value[index].ndim


@PROPS
@given(st.data())
def test_advanced_indexing_with_repeated_indices_matches_numpy(data):
    shape = data.draw(small_shape(sizes=(1, 4)), label="shape")
    dtype = data.draw(st.sampled_from(DTYPES), label="dtype")
    value = data.draw(arrays(dtype, shape), label="x")
    axis = data.draw(st.integers(0, len(shape) - 1), label="axis")
    n = shape[axis]
    idx = np.array(data.draw(st.lists(st.integers(-n, n - 1), max_size=6)), dtype="int64")
    rest = data.draw(basic_index(shape[axis + 1 :]), label="rest")
    x = T.TensorType(dtype, (False,) * len(shape))()
    i = T.lvector()
    before = (slice(None),) * axis
    out = x[before + (i,) + rest]
    got = theano.function([x, i], out)(value, idx)
    assert_matches(got, value[before + (idx,) + rest], dtype)


@PROPS
@given(st.data())
def test_newaxis_and_ellipsis_indexing_matches_numpy(data):
    shape = data.draw(small_shape(ndim_range=(0, 3)), label="shape")
    dtype = data.draw(st.sampled_from(DTYPES), label="dtype")
    value = data.draw(arrays(dtype, shape), label="x")
    index = list(data.draw(basic_index(shape), label="index"))
    if data.draw(st.booleans(), label="ellipsis"):  # indices before it and after it
        a = data.draw(st.integers(0, len(shape)), label="ellipsis from")
        b = data.draw(st.integers(a, len(shape)), label="ellipsis to")
        head = data.draw(basic_index(shape[:a], all_dims=True), label="head")
        tail = data.draw(basic_index(shape[b:], all_dims=True), label="tail")
        index = list(head) + [Ellipsis] + list(tail)
    for _ in range(data.draw(st.integers(0, 2), label="new axes")):
        index.insert(data.draw(st.integers(0, len(index)), label="at"), None)
    index = tuple(index)
    sym_index, idx_inputs, idx_values = symbolic_index(index, data)
    x = T.TensorType(dtype, (False,) * len(shape))()
    got = theano.function([x] + idx_inputs, x[sym_index])(value, *idx_values)
    assert_matches(got, value[index], dtype)


@PROPS
@given(st.data())
def test_boolean_mask_indexing_and_updates_match_numpy(data):
    shape = data.draw(small_shape(), label="shape")
    dtype = data.draw(st.sampled_from(DTYPES[1:]), label="dtype")
    value = data.draw(arrays(dtype, shape), label="x")
    k = data.draw(st.integers(1, len(shape)), label="mask dims")
    mask = data.draw(hnp.arrays("bool", shape[:k]), label="mask")
    x, m = T.TensorType(dtype, (False,) * len(shape))(), T.TensorType("bool", (False,) * k)()
    target = value[mask].shape
    y_value = data.draw(arrays(dtype, target[data.draw(st.integers(0, len(target))) :]))
    y = T.TensorType(dtype, (False,) * y_value.ndim)()
    f = theano.function([x, m, y], [x[m], T.inc_subtensor(x[m], y), T.set_subtensor(x[m], y)])
    got_sub, got_inc, got_set = f(value, mask, y_value)
    assert_matches(got_sub, value[mask], dtype)
    expected = value.copy()
    expected[mask] += y_value
    assert_matches(got_inc, expected, dtype)
    expected[mask] = y_value
    assert_matches(got_set, expected, dtype)


def _target_and_update(data, advanced):
    """``(x, x_value, index, index inputs and values, numpy index, y value)``."""
    shape = data.draw(small_shape(sizes=(1 if advanced else 0, 4)), label="shape")
    dtype = data.draw(st.sampled_from(DTYPES[1:]), label="dtype")  # bool sums are ors
    value = data.draw(arrays(dtype, shape), label="x")
    if advanced:
        axis = data.draw(st.integers(0, len(shape) - 1), label="axis")
        n = shape[axis]
        idx = np.array(data.draw(st.lists(st.integers(-n, n - 1), max_size=6)), dtype="int64")
        i = T.lvector()
        before = (slice(None),) * axis
        index, np_index, inputs, values = before + (i,), before + (idx,), [i], [idx]
    else:
        np_index = data.draw(basic_index(shape), label="index")
        index, inputs, values = symbolic_index(np_index, data)
    target = value[np_index].shape
    y_shape = target[data.draw(st.integers(0, len(target)), label="y dims dropped") :]
    y_value = data.draw(arrays(dtype, y_shape), label="y")
    x = T.TensorType(dtype, (False,) * len(shape))()
    return x, value, index, inputs, values, np_index, y_value


@PROPS
@given(st.data(), st.booleans())
def test_inc_subtensor_accumulates_repeated_indices_like_add_at(data, advanced):
    x, value, index, inputs, values, np_index, y_value = _target_and_update(data, advanced)
    y = T.TensorType(x.dtype, (False,) * y_value.ndim)()
    out = T.inc_subtensor(x[index], y)
    got = theano.function([x, y] + inputs, out)(value, y_value, *values)
    expected = value.copy()
    np.add.at(expected, np_index, y_value)
    assert_matches(got, expected, x.dtype)


@PROPS
@given(st.data())
def test_set_subtensor_matches_numpy_assignment(data):
    x, value, index, inputs, values, np_index, y_value = _target_and_update(data, advanced=False)
    y = T.TensorType(x.dtype, (False,) * y_value.ndim)()
    out = T.set_subtensor(x[index], y)
    got = theano.function([x, y] + inputs, out)(value, y_value, *values)
    expected = value.copy()
    expected[np_index] = y_value
    assert_matches(got, expected, x.dtype)


# ---------------------------------------------------------------------------------------------
# 4. conv2d and pool_2d


def conv2d_reference(x, w, pads, subsample, flip, dilation):
    """Per output map: the sum over channels of SciPy's 2-D convolution (``filter_flip``) or
    correlation of the zero-padded image with the dilated kernel, then every subsample-th."""
    dh, dw = dilation
    F, C, kh, kw = w.shape
    dilated = np.zeros((F, C, (kh - 1) * dh + 1, (kw - 1) * dw + 1), w.dtype)
    dilated[:, :, ::dh, ::dw] = w
    (ph, pw), (sh, sw) = pads, subsample
    padded = np.pad(x.astype("float64"), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    op = scipy.signal.convolve2d if flip else scipy.signal.correlate2d
    out = np.array(
        [
            [
                sum(op(padded[b, c], dilated[f, c], mode="valid") for c in range(C))
                for f in range(F)
            ]
            for b in range(x.shape[0])
        ]
    )
    return out[:, :, ::sh, ::sw]


@PROPS
@given(st.data())
def test_conv2d_matches_scipy(data):
    draw = data.draw
    B, C, F = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    h, w = draw(st.integers(1, 6), label="h"), draw(st.integers(1, 6), label="w")
    kh, kw = draw(st.integers(1, 3), label="kh"), draw(st.integers(1, 3), label="kw")
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    subsample = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    flip = draw(st.booleans(), label="filter_flip")
    border_mode = draw(
        st.one_of(
            st.sampled_from(["valid", "full", "half"]),
            st.integers(0, 2),
            st.tuples(st.integers(0, 2), st.integers(0, 2)),
        ),
        label="border_mode",
    )
    dtype = draw(st.sampled_from(["float32", "float64"]), label="dtype")
    rng = np.random.RandomState(draw(st.integers(0, 2**16), label="seed"))
    xv = rng.uniform(-1, 1, (B, C, h, w)).astype(dtype)
    wv = rng.uniform(-1, 1, (F, C, kh, kw)).astype(dtype)
    ekh, ekw = (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1  # dilated extents
    pads = {"valid": (0, 0), "full": (ekh - 1, ekw - 1), "half": (ekh // 2, ekw // 2)}.get(
        border_mode, border_mode
    )
    pads = (pads, pads) if isinstance(pads, int) else pads
    x, k = T.tensor4(dtype=dtype), T.tensor4(dtype=dtype)
    out = T.nnet.conv2d(
        x,
        k,
        border_mode=border_mode,
        subsample=subsample,
        filter_flip=flip,
        filter_dilation=dilation,
    )
    assert out.dtype == dtype
    f = theano.function([x, k], out)
    if h + 2 * pads[0] < ekh or w + 2 * pads[1] < ekw:
        with pytest.raises(ValueError, match="do not fit"):
            f(xv, wv)
        return
    expected = conv2d_reference(xv, wv, pads, subsample, flip, dilation)
    np.testing.assert_allclose(f(xv, wv), expected, **tolerance(dtype))


def pool_out_len(size, ws, stride, pad, ignore_border):
    """Theano's ``Pool.out_shape`` along one axis."""
    size += 2 * pad
    if ignore_border:
        return max(0, (size - ws) // stride + 1)
    if stride >= ws:
        return (size - 1) // stride + 1
    return max(0, (size - 1 - ws + stride) // stride) + 1


def pool_reference(x, ws, stride, pad, ignore_border, mode):
    """A loop over output positions, from Theano's description of each mode: windows start
    every ``stride`` in the zero-padded image and stop at its end; padding counts only in
    ``average_inc_pad``."""
    h, w = x.shape[-2:]
    padded = np.zeros(x.shape[:-2] + (h + 2 * pad[0], w + 2 * pad[1]), x.dtype)
    padded[..., pad[0] : pad[0] + h, pad[1] : pad[1] + w] = x
    oh = pool_out_len(h, ws[0], stride[0], pad[0], ignore_border)
    ow = pool_out_len(w, ws[1], stride[1], pad[1], ignore_border)
    out = np.zeros(x.shape[:-2] + (oh, ow), x.dtype)

    def window(i, size, axis):
        lo = i * stride[axis]
        hi = min(lo + ws[axis], size + 2 * pad[axis])
        if mode != "average_inc_pad":  # the padding is not part of the window
            lo, hi = max(lo, pad[axis]), min(hi, size + pad[axis])
        return slice(lo, hi)

    for i in range(oh):
        for j in range(ow):
            region = padded[..., window(i, h, 0), window(j, w, 1)]
            if mode == "max":
                out[..., i, j] = region.max(axis=(-2, -1))
            elif mode == "sum":
                out[..., i, j] = region.sum(axis=(-2, -1), dtype=x.dtype)
            else:
                out[..., i, j] = region.mean(axis=(-2, -1))
    return out


@PROPS
@given(st.data())
def test_pool_2d_matches_a_loop_over_windows(data):
    draw = data.draw
    mode = draw(st.sampled_from(["max", "sum", "average_inc_pad", "average_exc_pad"]))
    ignore_border = draw(st.booleans(), label="ignore_border")
    ws = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    pad = (0, 0)
    if ignore_border:
        pad = (draw(st.integers(0, ws[0] - 1)), draw(st.integers(0, ws[1] - 1)))
    lead = tuple(draw(st.lists(st.integers(0, 2), max_size=2), label="leading dims"))
    shape = lead + (draw(st.integers(1, 6), label="h"), draw(st.integers(1, 6), label="w"))
    dtypes = DTYPES[1:] if mode in ("max", "sum") else ("float32", "float64")
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    value = draw(arrays(dtype, shape), label="x")
    x = T.TensorType(dtype, (False,) * len(shape))()
    out = pool_2d(x, ws=ws, ignore_border=ignore_border, stride=stride, pad=pad, mode=mode)
    assert out.dtype == dtype
    got = theano.function([x], out)(value)
    expected = pool_reference(value, ws, stride or ws, pad, ignore_border, mode)
    assert_matches(got, expected, dtype)


# ---------------------------------------------------------------------------------------------
# gradients by central differences (float64), through broadcasting and reductions

GRAD_CASES = {
    "mul_div": (2, lambda a, b: a * b / (b * b + 1)),
    "exp_tanh_sigmoid": (2, lambda a, b: T.exp(a) * T.tanh(b) + T.nnet.sigmoid(a - b)),
    "pow": (2, lambda a, b: T.abs_(a) ** b),
    "maximum": (2, lambda a, b: T.maximum(a, b) - T.minimum(a, 2 * b)),
    "sum": (1, lambda a: T.sum(a**2, axis=0, keepdims=True)),
    "prod": (1, lambda a: T.prod(a, axis=-1)),
    "max": (1, lambda a: T.max(a, axis=(0, -1))),
    "mean": (1, lambda a: T.mean(T.sin(a), axis=None)),
    "subtensor": (1, lambda a: a[[0, 0, -1]] ** 2 * T.tanh(a[::-1][[0, -1, 0]])),
    "inc_subtensor": (1, lambda a: T.inc_subtensor(a[[0, -1, 0]], T.sin(a[[-1, 0, -1]]))),
    "set_subtensor": (1, lambda a: T.set_subtensor(a[::-1, :1], T.exp(a[:, -1:]))),
}


def numeric_grads(f, values, eps=1e-6):
    grads = []
    for i, v in enumerate(values):
        g = np.zeros_like(v)
        for pos in np.ndindex(v.shape):
            hi, lo = [a.copy() for a in values], [a.copy() for a in values]
            hi[i][pos] += eps
            lo[i][pos] -= eps
            g[pos] = (f(*hi) - f(*lo)) / (2 * eps)
        grads.append(g)
    return grads


@FEW
@given(st.data())
def test_gradients_match_central_differences(data):
    name = data.draw(st.sampled_from(sorted(GRAD_CASES)), label="case")
    n_inputs, fn = GRAD_CASES[name]
    ndim = 2 if n_inputs == 2 else 3
    shapes, patterns = data.draw(
        broadcast_shapes(n_inputs, max_ndim=ndim, min_size=1, full_ndim=True), label="shapes"
    )
    rng = np.random.RandomState(data.draw(st.integers(0, 2**16), label="seed"))
    # away from 0, so abs, pow and the max have no kink nearby; distinct values: no ties
    values = [rng.uniform(0.5, 1.5, s) * rng.choice([-1, 1], s) for s in shapes]
    inputs = [T.TensorType("float64", p)() for p in patterns]
    out = fn(*inputs)
    weights = rng.uniform(-1, 1, size=compile_and_run(inputs, out, values).shape)
    cost = T.sum(out * weights)
    cost_fn = theano.function(inputs, cost)
    grads = theano.function(inputs, T.grad(cost, inputs))(*values)
    for got, expected in zip(grads, numeric_grads(cost_fn, values)):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@FEW
@given(st.data())
def test_conv2d_and_pool_gradients_match_central_differences(data):
    draw = data.draw
    rng = np.random.RandomState(draw(st.integers(0, 2**16), label="seed"))
    h, w = draw(st.integers(2, 5), label="h"), draw(st.integers(2, 5), label="w")
    xv = rng.uniform(-1, 1, (1, 2, h, w))
    if draw(st.booleans(), label="conv"):
        kh, kw = draw(st.integers(1, min(h, 2))), draw(st.integers(1, min(w, 2)))
        wv = rng.uniform(-1, 1, (2, 2, kh, kw))
        args = dict(
            border_mode=draw(st.sampled_from(["valid", "full", "half", (1, 0)])),
            subsample=(draw(st.integers(1, 2)), draw(st.integers(1, 2))),
            filter_flip=draw(st.booleans()),
        )
        inputs, values = [T.dtensor4(), T.dtensor4()], [xv, wv]
        out = T.nnet.conv2d(*inputs, **args)
    else:
        ignore_border = draw(st.booleans(), label="ignore_border")
        ws = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
        pad = (draw(st.integers(0, ws[0] - 1)), 0) if ignore_border else (0, 0)
        args = dict(
            ws=ws,
            stride=(draw(st.integers(1, 2)), draw(st.integers(1, 2))),
            pad=pad,
            ignore_border=ignore_border,
            mode=draw(st.sampled_from(["max", "sum", "average_inc_pad", "average_exc_pad"])),
        )
        inputs, values = [T.dtensor4()], [xv]
        out = pool_2d(inputs[0], **args)
    weights = rng.uniform(-1, 1, size=compile_and_run(inputs, out, values).shape)
    cost = T.sum(out * weights)
    grads = theano.function(inputs, T.grad(cost, inputs))(*values)
    for got, expected in zip(grads, numeric_grads(theano.function(inputs, cost), values)):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
