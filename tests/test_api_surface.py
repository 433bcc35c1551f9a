"""The API legacy libraries (Lasagne ...) use: Theano's module paths and names, symbolic shapes
of known length, variable methods, interop with NumPy, and the errors for what is missing."""

import json
import os
import warnings

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.missing import MISSING, MissingTheanoName

HERE = os.path.dirname(__file__)


def test_legacy_module_paths_import():
    from minitheano import gof
    from minitheano.compat import OrderedDict, izip
    from minitheano.compat.python2x import OrderedDict as Old
    from minitheano.compile import SharedVariable, function
    from minitheano.compile.io import In, Out
    from minitheano.compile.mode import FAST_RUN, get_default_mode
    from minitheano.compile.pfunc import pfunc
    from minitheano.compile.sharedvalue import shared
    from minitheano.gof import Apply, Op, Variable, local_optimizer, toposort
    from minitheano.gof.graph import ancestors, inputs, is_same_graph
    from minitheano.tensor.opt import register_canonicalize, register_specialize

    assert OrderedDict is Old and list(izip([1], [2])) == [(1, 2)] and theano.compat.PY3
    assert SharedVariable is theano.SharedVariable and function is theano.function
    assert In is theano.In and Out is theano.Out and isinstance(theano.shared(1.0), SharedVariable)
    assert shared is theano.shared and get_default_mode() == FAST_RUN
    assert get_default_mode().including("fast_run").excluding("fuse").excluding_passes == ("fuse",)
    assert Apply is theano.Apply and Op is theano.Op and Variable is T.Variable
    assert gof.graph.toposort is toposort and callable(ancestors) and callable(is_same_graph)
    assert callable(inputs) and callable(pfunc)
    assert register_canonicalize(local_optimizer([T.Elemwise])(lambda node: False)) is not None
    assert register_specialize("name")(len) is len
    assert T.TensorVariable and T.TensorConstant and theano.pp is theano.printing.pp
    assert T.verify_grad is theano.gradient.verify_grad


def test_tensor_type_takes_a_name():
    t = T.TensorType("float32", (False, True), name="column")
    assert str(t) == "column" and t == T.TensorType("float32", (False, True))
    assert t("x").type == t and t.make_variable("y").ndim == 2
    assert (
        T.TensorType("float64", (False, False)).filter_variable(T.row()).type == T.dmatrix().type
    )
    with pytest.raises(TypeError):
        T.TensorType("float64", (True, False)).filter_variable(T.dmatrix())


def test_gof_graph_walks_in_theanos_order():
    x, y = T.vectors("x", "y")
    w = theano.shared(np.ones(2), name="w")
    out = (x * w + y).sum()
    assert [v.name for v in theano.gof.graph.inputs([out])] == ["x", "w", "y"]
    nodes = theano.gof.graph.io_toposort([x, y], [out])
    assert nodes[-1] is out.owner


def test_is_same_graph():
    x, y = T.vectors("x", "y")
    same = theano.gof.graph.is_same_graph
    assert same(x + 1, x + 1) and not same(x + 1, y + 1) and same(x + 1, y + 1, givens={x: y})
    assert not same(x * (y * x), (x * y) * x) and same(T.exp(x) * 2, T.exp(x) * 2)


def test_clone_with_replacements():
    x, y = T.vectors("x", "y")
    z = T.tanh(x) + 1
    z2 = theano.clone(z, replace={x: y * 2})
    f = theano.function([y], z2)
    assert np.allclose(f(np.array([0.5, 1.0])), np.tanh([1.0, 2.0]) + 1)
    assert z.owner.inputs[0].owner.inputs[0] is x  # the original is untouched
    with pytest.raises(TypeError):
        theano.clone(z, replace={x: T.matrix()})  # strict: types must agree
    loose = theano.clone(z, replace={x: T.matrix("m")}, strict=False)
    assert loose.ndim == 2
    copies = theano.clone([z, x], share_inputs=False)
    assert copies[1] is not x and copies[1].type == x.type


def test_change_flags_as_context_and_decorator():
    with theano.change_flags(floatX="float32", compute_test_value="warn"):
        assert theano.config.floatX == "float32" and T.matrix().dtype == "float32"

    @theano.change_flags({"warn.round": True})
    def flag():
        return theano.config.warn.round

    assert flag() is True and theano.config.warn.round is False
    assert theano.config.floatX == "float64" and theano.config.compute_test_value == "off"


def test_config_flags_legacy_code_reads_and_sets():
    c = theano.config
    assert c.optimizer == "fast_run" and c.exception_verbosity == "low"
    assert c.on_unused_input == "raise" and c.warn.sum_div_dimshuffle_bug is False
    assert c.gpuarray.preallocate == 0 and c.dnn.enabled == "auto"
    assert c.dnn.conv.algo_fwd == "small" and c.traceback.limit == 8
    with theano.change_flags({"dnn.conv.algo_fwd": "none", "gpuarray.preallocate": 0.5}):
        assert c.dnn.conv.algo_fwd == "none" and c.gpuarray.preallocate == 0.5
    assert c.dnn.conv.algo_fwd == "small"
    with pytest.raises(ValueError):
        c.exception_verbosity = "medium"
    with pytest.raises(AttributeError):
        c.warn.no_such_flag = True


def test_config_optimizer_chooses_the_rewrites():
    x = T.vector("x")
    with theano.change_flags(optimizer="None"):
        f = theano.function([x], x * 1)
    assert f.maker.mode.optimizer is None and "mul" in str(f.program)
    assert theano.function([x], x * 1).maker.mode.optimizer == "fast_run"


def test_in_takes_theanos_argument_order():
    x, y = T.scalars("x", "y")
    f = theano.function([x, theano.In(y, "bias", 1.5)], x + y)
    assert f(1.0) == 2.5 and f(1.0, bias=2.0) == 3.0


def test_scalar_and_gpuarray_modules():
    assert theano.scalar.upcast("int32", "float32") == "float64"
    assert theano.scalar.upcast("int8", "float32") == "float32"
    assert theano.scalar.float32().ndim == 0 and theano.scalar.float32().dtype == "float32"
    from minitheano.gpuarray import dnn, pygpu_activated

    assert pygpu_activated is False and dnn.dnn_present() is False and not dnn.dnn_available()


# --- symbolic shapes of known length -------------------------------------------------------------


def test_shape_of_known_length_unpacks():
    x = T.tensor4("x")
    a, b, c, d = x.shape
    assert len(x.shape) == 4 and len(list(x.shape[2:])) == 2 and len(x.shape[-3:-1]) == 2
    pairs = list(zip((2, 2), x.shape[2:]))
    f = theano.function([x], [a * d, pairs[1][1] + b])
    assert [int(v) for v in f(np.zeros((2, 3, 5, 7)))] == [14, 10]
    assert T.get_vector_length(T.constant([1, 2, 3])) == 3
    with pytest.raises(TypeError):
        len(T.vector())  # the length of a vector input is not known
    with pytest.raises(TypeError):
        iter(T.matrix())
    with pytest.raises(ValueError):
        list(T.vector())  # as Theano: "length not known"


# --- interop -------------------------------------------------------------------------------------


def test_ndarray_op_variable_gives_a_variable():
    x = T.vector("x")
    for expr in (np.ones(3) + x, np.ones(3) * x, np.ones(3) - x, np.ones(3) > x, np.ones(3) @ x):
        assert isinstance(expr, T.TensorVariable)
    f = theano.function([x], np.arange(3.0) - x)
    assert np.allclose(f(np.ones(3)), [-1.0, 0.0, 1.0])


def test_list_of_slices_indexes_like_a_tuple():
    x = T.matrix("x")
    value = np.arange(12.0).reshape(3, 4)
    assert np.allclose(x[[slice(1, 3), 2]].eval({x: value}), value[1:3, 2])
    assert np.allclose(x[[0, 2]].eval({x: value}), value[[0, 2]])  # a list of ints stays advanced


def test_grad_of_an_integer_cost_is_zero_as_in_theano():
    x, i = T.vector("x"), T.iscalar("i")
    assert T.grad(i * 2, i).eval({i: 3}) == 0.0
    g = T.grad(T.cast(x, "int32").sum(), x)
    assert g.dtype == "float64" and np.all(g.eval({x: np.ones(2)}) == 0)
    g = T.grad(T.cast(x * 3, "int32").sum().astype("float64") + x.sum(), x)  # only the float path
    assert np.allclose(g.eval({x: np.ones(2)}), 1.0)


def test_fused_chain_of_float_and_int_vectors():
    # it failed at run time with "truth value of an array is ambiguous" once fused
    p, t = T.dvector("p"), T.ivector("t")
    out = T.maximum(1.0 - T.log(p / (1 - p)) * (2 * t - 1), 0.0)
    pv, tv = np.array([0.2, 0.7, 0.9]), np.array([1, 0, 1], dtype="int32")
    expected = np.maximum(1.0 - np.log(pv / (1 - pv)) * (2 * tv - 1), 0.0)
    for mode in ("FAST_RUN", theano.Mode().excluding("fuse")):
        assert np.allclose(theano.function([p, t], out, mode=mode)(pv, tv), expected)
    g = theano.function([p, t], T.grad(out.sum(), p))(pv, tv)
    assert np.all(np.isfinite(g))


# --- tensor functions ----------------------------------------------------------------------------


def test_variable_methods_match_numpy():
    x = T.matrix("x")
    v = np.array([[3.0, -1.0, 2.0], [0.5, 4.0, -2.0]])
    cases = {
        "norm": (x.norm(2, axis=1), np.linalg.norm(v, axis=1)),
        "norm1": (x.norm(1, keepdims=True), np.abs(v).sum(keepdims=True)),
        "clip": (x.clip(-1, 2), np.clip(v, -1, 2)),
        "round": (x.round(), np.round(v)),
        "argmax": (x.argmax(axis=1), v.argmax(axis=1)),
        "var": (x.var(axis=0), v.var(axis=0)),
        "var_ddof": (x.var(axis=1, ddof=1), v.var(axis=1, ddof=1)),
        "std": (x.std(), v.std()),
        "repeat": (x.repeat(2, axis=0), v.repeat(2, axis=0)),
        "squeeze": (x[:1].squeeze(), v[:1]),  # x[:1] is not known to have one row: kept
        "diagonal": (x.diagonal(1), v.diagonal(1)),
        "trace": (x[:, :2].trace(), np.trace(v[:, :2])),
        "cumsum": (x.cumsum(axis=1), v.cumsum(axis=1)),
        "dot": (x.dot(x.T), v.dot(v.T)),
        "T": (x.T, v.T),
        "size": (x.size, v.size),
        "any": (x.any(), v.any()),
        "all": (x.all(axis=0), v.all(axis=0)),
        "sort": (x.sort(), np.sort(v)),
        "argsort": (x.argsort(axis=0), np.argsort(v, axis=0, kind="stable")),
        "zeros_like": (x.zeros_like(), np.zeros_like(v)),
        "ones_like": (x.ones_like(), np.ones_like(v)),
        "nonzero": (x.nonzero()[1], np.nonzero(v)[1]),
        "nonzero_values": (x.nonzero_values(), v[v != 0]),
        "ravel": (x.ravel(), v.ravel()),
        "swapaxes": (x.swapaxes(0, 1), v.swapaxes(0, 1)),
        "take": (x.take([2, 0], axis=1), v.take([2, 0], axis=1)),
        "ptp": (x.ptp(axis=1), np.ptp(v, axis=1)),
        "exp": (x.exp(), np.exp(v)),
        "tanh": (x.tanh(), np.tanh(v)),
        "copy": (x.copy(), v),
        "fill": (x.fill(7.0), np.full_like(v, 7.0)),
        "divmod": (divmod(x, 2.0)[1], np.mod(v, 2.0)),
    }
    outputs = theano.function([x], [expr for expr, _ in cases.values()])(v)
    for (name, (_, expected)), got in zip(cases.items(), outputs):
        assert np.allclose(got, expected), name
    assert T.constant(5).get_scalar_constant_value() == 5


def test_every_theano_variable_method_is_there_or_listed():
    with open(os.path.join(HERE, "reference", "theano_names.json")) as f:
        methods = json.load(f)["theano.tensor.TensorVariable"]
    x = T.matrix()
    listed = " ".join(MISSING["minitheano.tensor.TensorVariable"].values()).split()
    assert sorted(n for n in methods if not hasattr(x, n)) == sorted(listed)
    with pytest.raises(MissingTheanoName, match="docs/porting.md"):
        x.arccosh()


def test_nd_dot_follows_theano():
    rng = np.random.RandomState(0)
    shapes = [((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (4,))]
    shapes += [((4,), (2, 4, 5)), ((2, 1, 3, 4), (4, 2))]
    for sa, sb in shapes:
        a, b = T.tensor(dtype="float64", shape=sa), T.tensor(dtype="float64", shape=sb)
        va, vb = rng.randn(*sa), rng.randn(*sb)
        assert np.allclose(theano.function([a, b], T.dot(a, b))(va, vb), np.dot(va, vb)), (sa, sb)
    theano.gradient.verify_grad(T.dot, [rng.randn(2, 3, 4), rng.randn(4, 5)], rng=rng)
    theano.gradient.verify_grad(T.dot, [rng.randn(3, 4), rng.randn(2, 4, 5)], rng=rng)


def test_square_roll_grids_and_stack():
    v, x, s = T.vector("v"), T.matrix("x"), T.iscalar("s")
    vv, xv = np.arange(5.0), np.arange(6.0).reshape(2, 3)
    assert np.allclose(T.square(v).eval({v: vv}), vv**2)
    f = theano.function([v, x, s], [T.roll(v, 2), T.roll(x, -1, 1), T.roll(x, s), T.roll(v, s)])
    got = f(vv, xv, 7)
    for g, e in zip(got, [np.roll(vv, 2), np.roll(xv, -1, 1), np.roll(xv, 7), np.roll(vv, 7)]):
        assert np.allclose(g, e)
    theano.gradient.verify_grad(lambda a: T.roll(a, 1, 0), [np.random.rand(3, 2)])
    for grid, ref in ((T.mgrid, np.mgrid), (T.ogrid, np.ogrid)):
        for g, e in zip(grid[0:4, 1:6:2], ref[0:4, 1:6:2]):
            assert np.array_equal(g.eval(), e)
    a, b = T.vectors("a", "b")
    values = {a: np.ones(2), b: np.zeros(2)}
    assert T.stack([a, b], axis=1).eval(values).shape == (2, 2)
    assert T.stack([a, b], 1).eval(values).shape == (2, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        T.stack([a, b])
        with pytest.raises(DeprecationWarning):
            T.stack(a, b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert np.array_equal(T.stack(a, b).eval(values), [[1, 1], [0, 0]])
        assert T.stack(T.scalar(), T.scalar()).ndim == 1


def test_get_scalar_constant_value():
    assert T.get_scalar_constant_value(T.constant(3) * 2) == 6
    assert T.get_scalar_constant_value(T.row().shape[0]) == 1
    assert T.get_scalar_constant_value(T.cast(T.constant(2.7), "int32")) == 2
    assert T.get_scalar_constant_value(T.alloc(np.float32(2.5), 3, 4)) == 2.5
    assert T.get_scalar_constant_value(np.array(4)) == 4
    for bad in (T.matrix().shape[0], T.scalar(), T.constant([1, 2])):
        with pytest.raises(T.NotScalarConstantError):
            T.get_scalar_constant_value(bad)
    assert issubclass(T.EmptyConstantError, T.NotScalarConstantError)


def test_repeat_and_tile_with_symbolic_counts():
    v, x = T.vector("v"), T.matrix("x")
    r, s = T.ivector("r"), T.iscalar("s")
    vv, xv = np.arange(3.0), np.arange(6.0).reshape(2, 3)
    rv = np.array([2, 0, 3], dtype="int32")
    f = theano.function(
        [v, x, r, s],
        [T.repeat(v, r), T.repeat(x, r, axis=1), T.repeat(x, s, axis=0), T.tile(x, (s, 2))],
    )
    got = f(vv, xv, rv, 2)
    expected = [
        np.repeat(vv, rv),
        np.repeat(xv, rv, axis=1),
        np.repeat(xv, 2, 0),
        np.tile(xv, (2, 2)),
    ]
    for g, e in zip(got, expected):
        assert np.array_equal(g, e)
    theano.gradient.verify_grad(lambda a: T.repeat(a, rv, axis=1), [np.random.rand(2, 3)])
    theano.gradient.verify_grad(lambda a: T.repeat(a, 3), [np.random.rand(4)])
    reps = T.ivector("reps")
    assert T.tile(x, reps, ndim=2).eval({x: xv, reps: np.array([1, 2], "int32")}).shape == (2, 6)
    with pytest.raises(ValueError, match="3 repeats for 2 elements"):
        T.repeat(x, r, axis=0).eval({x: xv, r: rv})


def test_diag_off_the_main_diagonal():
    v, x = T.vector("v"), T.matrix("x")
    vv, xv = np.arange(1.0, 4.0), np.arange(12.0).reshape(3, 4)
    for k in (-2, -1, 0, 1, 3):
        assert np.array_equal(T.diag(v, k).eval({v: vv}), np.diag(vv, k))
        assert np.array_equal(T.diag(x, k).eval({x: xv}), np.diag(xv, k))
        theano.gradient.verify_grad(lambda a, k=k: T.diag(a, k), [np.random.rand(3, 4)])
        theano.gradient.verify_grad(lambda a, k=k: T.diag(a, k), [np.random.rand(3)])
    t = T.tensor3("t")
    tv = np.random.rand(2, 3, 4)
    assert np.allclose(T.diagonal(t, 1, 0, 2).eval({t: tv}), np.diagonal(tv, 1, 0, 2))
    theano.gradient.verify_grad(lambda a: T.diagonal(a, -1, 2, 1), [tv])
    assert np.array_equal(T.tril(x, 1).eval({x: xv}), np.tril(xv, 1))
    assert np.array_equal(T.triu(x, -1).eval({x: xv}), np.triu(xv, -1))


# --- what is missing -----------------------------------------------------------------------------


def test_missing_theano_names_raise_a_helpful_attribute_error():
    import minitheano.tensor.nnet as nnet

    for module, name in ((theano, "OpFromGraph"), (T, "erf"), (nnet, "ConvOp")):
        with pytest.raises(MissingTheanoName, match=rf"theano.*\.{name} .*docs/porting.md"):
            getattr(module, name)
        assert not hasattr(module, name)
    assert issubclass(MissingTheanoName, AttributeError)
    with pytest.raises(AttributeError) as info:
        T.no_such_name_in_theano  # noqa: B018
    assert not isinstance(info.value, MissingTheanoName)


def test_the_table_matches_theano_and_minitheano():
    # every Theano name of the reference file is provided or listed as missing, and no listed
    # name is provided (scripts/theano_names.py --check prints the differences)
    import sys

    sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
    try:
        from theano_names import check
    finally:
        sys.path.pop(0)
    with open(os.path.join(HERE, "reference", "theano_names.json")) as f:
        assert check(json.load(f)) == []


def test_porting_guide_lists_every_missing_name():
    path = os.path.join(HERE, "..", "docs", "porting.md")
    with open(path) as f:
        text = f.read()
    for module, reasons in MISSING.items():
        for names in reasons.values():
            for name in names.split():
                assert f"`{name}`" in text, f"docs/porting.md does not list {module}.{name}"
