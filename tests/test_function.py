"""theano.function: outputs, updates, givens, inputs, errors, pickling."""

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.compile.function import MissingInputError, UnusedInputError


def test_outputs_one_list_or_none():
    x = T.dvector("x")
    assert isinstance(theano.function([x], x * 2)([1, 2]), np.ndarray)
    out = theano.function([x], [x * 2, x.sum()])([1, 2])
    assert isinstance(out, list) and out[1].shape == () and out[1] == 3
    s = theano.shared(0.0)
    assert theano.function([x], updates=[(s, x.sum())])([1, 2]) == []
    assert s.get_value() == 3


@pytest.mark.parametrize("kind", ["list", "dict", "ordered"])
def test_updates_are_computed_from_old_values_then_written_together(kind):
    a, b = theano.shared(1.0, name="a"), theano.shared(2.0, name="b")
    pairs = [(a, b), (b, a)]  # a swap only works if both read the old values
    updates = {"list": pairs, "dict": dict(pairs), "ordered": OrderedDict(pairs)}[kind]
    f = theano.function([], [], updates=updates)
    f()
    assert (a.get_value(), b.get_value()) == (2.0, 1.0)


def test_update_with_the_wrong_type_names_both_types_and_the_cast():
    W = theano.shared(np.zeros(3, dtype="float32"), name="W")
    with pytest.raises(TypeError, match=r"float32.*float64.*T.cast"):
        theano.function([], [], updates=[(W, W * np.float64(2))])
    with pytest.raises(TypeError, match="not a shared variable"):
        theano.function([], [], updates=[(T.vector(), W)])


def test_givens_replace_inputs_shared_variables_and_intermediate_expressions():
    x, y = T.dvector("x"), T.dvector("y")
    data = theano.shared(np.arange(10.0), name="data")
    i = T.lscalar("i")
    f = theano.function([i], (x * 2).sum(), givens={x: data[i * 2 : i * 2 + 2]})
    assert f(1) == 2 * (2 + 3)
    W = theano.shared(np.ones(2), name="W")
    g = theano.function([y], (y * W).sum(), givens=[(W, y)])
    assert g([3.0, 4.0]) == 25
    hidden = x * 3
    h = theano.function([y], hidden + 1, givens={hidden: y})
    np.testing.assert_array_equal(h([1.0, 2.0]), [2.0, 3.0])
    with pytest.raises(TypeError, match="givens"):
        theano.function([y], x.sum(), givens={x: T.ivector()})


def test_input_checks():
    x = T.fvector("x")
    f = theano.function([x], x * 2)
    with pytest.raises(TypeError, match="float64"):
        f(np.ones(3))  # float64 array -> float32 input is lossy
    assert theano.function([x], x * 2, allow_input_downcast=True)(np.ones(3)).dtype == "float32"
    np.testing.assert_array_equal(f([1, 2, 3]), [2, 4, 6])  # a list of ints is lossless
    with pytest.raises(TypeError, match="ndim"):
        f(np.ones((2, 2), dtype="float32"))
    with pytest.raises(TypeError, match="takes 1 arguments"):
        f([1.0], [2.0])
    with pytest.raises(TypeError, match="missing"):
        f()
    i = T.iscalar("i")
    g = theano.function([i], i + 1)
    assert g(3) == 4
    with pytest.raises(TypeError):
        g(2.5)


def test_python_float_lists_may_become_floatx():
    theano.config.floatX = "float32"
    x = T.vector("x")
    np.testing.assert_allclose(theano.function([x], x)([0.1, 0.2]), [0.1, 0.2], rtol=1e-6)


def test_in_with_default_and_call_by_name():
    x, y = T.dscalar("x"), T.dscalar("y")
    f = theano.function([x, theano.In(y, value=1.0, name="bias")], x + y)
    assert f(2.0) == 3.0 and f(2.0, 5.0) == 7.0 and f(2.0, bias=10.0) == 12.0
    assert f(x=1.0) == 2.0
    with pytest.raises(TypeError, match="unknown input name"):
        f(2.0, z=1.0)


def test_unused_and_missing_inputs():
    x, y = T.dvector("x"), T.dvector("y")
    with pytest.raises(UnusedInputError):
        theano.function([x, y], x * 2)
    assert theano.function([x, y], x * 2, on_unused_input="ignore")([1.0], [2.0])[0] == 2
    with pytest.raises(MissingInputError, match="y"):
        theano.function([x], x + y)
    with pytest.raises(TypeError, match="shared variable"):
        theano.function([theano.shared(1.0)], [])


def test_results_are_fresh_numpy_arrays():
    W = theano.shared(np.ones(3), name="W")
    f = theano.function([], W)
    out = f()
    out[0] = 100
    assert W.get_value()[0] == 1
    x = T.dvector()
    value = np.ones(2)
    res = theano.function([x], x)(value)
    res[0] = 5
    assert value[0] == 1
    assert theano.function([], T.constant(2.0) * 3)().shape == ()


def test_maker_fgraph_toposort_lists_compiled_nodes():
    x = T.dmatrix()
    f = theano.function([x], T.tanh(x).max())
    ops = [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    assert ops == ["Elemwise", "Reduce"]


def test_failed_call_changes_no_shared_variable():
    W = theano.shared(np.ones((2, 2)), name="W")
    b = theano.shared(np.zeros(2), name="b")
    x = T.dmatrix("x")
    cost = T.dot(x, W).sum()
    f = theano.function([x], cost, updates=[(b, b + 1), (W, W - 0.1 * T.grad(cost, W))])
    with pytest.raises(ValueError, match="Dot"):
        f(np.ones((3, 5)))  # wrong inner size: fails after b's update value was computed
    np.testing.assert_array_equal(W.get_value(), np.ones((2, 2)))
    np.testing.assert_array_equal(b.get_value(), np.zeros(2))


def test_runtime_error_names_op_shapes_dtypes_and_the_users_line():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    z = T.dot(x, y)  # the line the error must point at
    f = theano.function([x, y], z)
    with pytest.raises(ValueError) as info:
        f(np.ones((2, 3)), np.ones((4, 5)))
    message = str(info.value)
    assert "Dot" in message and "(2, 3)" in message and "(4, 5)" in message
    assert "float64" in message
    assert "test_function.py:" in message
    # the recorded line is the `z = T.dot(x, y)` statement of this test
    lineno = int(message.split("test_function.py:")[1].split()[0])
    with open(__file__) as fh:
        assert "z = T.dot(x, y)" in fh.read().splitlines()[lineno - 1]


def test_build_time_errors_name_the_op_and_types():
    with pytest.raises(TypeError, match=r"Dot.*tensor3"):
        T.Dot()(T.tensor3(), T.matrix())  # the op (T.dot of a tensor3 is a tensordot)
    with pytest.raises(TypeError, match="integer or bool"):
        T.and_(T.fvector(), T.fvector())
    with pytest.raises(IndexError, match="too many indices"):
        T.vector()[1, 2]


def test_pickle_and_deepcopy_of_graphs_shared_and_functions():
    W = theano.shared(np.arange(4.0).reshape(2, 2), name="W")
    x = T.dmatrix("x")
    out = T.dot(x, W).sum()
    f = theano.function([x], out, updates=[(W, W * 2)])
    g, W2 = pickle.loads(pickle.dumps((f, W)))
    assert g(np.ones((1, 2))) == f(np.ones((1, 2))) == 6
    np.testing.assert_array_equal(W2.get_value(), np.arange(4.0).reshape(2, 2) * 2)  # g updated W2
    assert W.get_value()[1, 1] == 6  # f updated W
    h = copy.deepcopy(f)
    h(np.ones((1, 2)))
    assert W.get_value()[1, 1] == 6  # the copy has its own W
    graph = pickle.loads(pickle.dumps(out))
    assert theano.printing.debugprint(graph, file="str").count("Dot") == 1


def test_mode_fast_compile_and_compile_time():
    import time

    x = T.dmatrix()
    y = (x * 1 + 0).sum()
    start = time.perf_counter()
    f = theano.function([x], y, mode="FAST_COMPILE")
    assert time.perf_counter() - start < 1.0
    assert len(f.maker.fgraph.toposort()) > len(theano.function([x], y).maker.fgraph.toposort())
    with pytest.raises(ValueError, match="mode"):
        theano.function([x], y, mode="DEBUG_WHATEVER")


# --- outputs never alias storage that outlives the call ---------------------------------------
def test_a_constant_output_is_a_fresh_array_each_call():
    f = theano.function([], T.constant(np.arange(3.0)) + 1)  # folded to a constant
    first = f()
    first[0] = 100
    np.testing.assert_array_equal(f(), [1, 2, 3])
    g = theano.function([], T.constant(np.arange(3.0)))
    g()[:] = -1
    np.testing.assert_array_equal(g(), [0, 1, 2])


def test_an_output_that_is_also_an_update_does_not_alias_the_shared_value():
    s = theano.shared(np.zeros(3))
    f = theano.function([], s + 1, updates=[(s, s + 1)])
    out = f()
    out[:] = -5
    np.testing.assert_array_equal(s.get_value(), [1, 1, 1])
    # the same with a view of the shared value as the output
    g = theano.function([], s[1:], updates=[(s, s * 2)])
    g()[:] = 99
    np.testing.assert_array_equal(s.get_value(), [2, 2, 2])


def test_repeated_outputs_and_inputs_returned_as_outputs_are_distinct_arrays():
    x = T.dvector("x")
    y = x * 2
    a, b = theano.function([x], [y, y])(np.ones(3))
    assert a is not b and not np.may_share_memory(a, b)
    value = np.ones(3)
    out = theano.function([x], x)(value)
    assert out is not value and not np.may_share_memory(out, value)
    a, b = theano.function([x], [x[1:], x[:2]])(value)
    assert not np.may_share_memory(a, b) and not np.may_share_memory(a, value)


def test_out_with_borrow_may_return_internal_storage():
    x = T.dvector("x")
    f = theano.function([x], theano.Out(x * 2, borrow=True))
    np.testing.assert_array_equal(f(np.ones(2)), [2, 2])
    c = theano.function([], theano.Out(T.constant(np.arange(2.0)), borrow=True))
    assert c() is c()  # borrowed: the constant's own array, as the user asked


# --- updates are all-or-nothing, and cost O(N) ------------------------------------------------
def test_an_interrupted_call_writes_every_update_or_none():
    import signal
    import time

    shared = [theano.shared(np.zeros(2)) for _ in range(100)]
    f = theano.function([], [], updates=[(s, s + 1) for s in shared])
    f()
    start = time.perf_counter()
    for _ in range(5):
        f()
    call = (time.perf_counter() - start) / 5
    armed = [False]

    def interrupt(signum, frame):
        if armed[0]:
            armed[0] = False
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    rng = np.random.RandomState(0)
    interrupted = 0
    try:
        for _ in range(200):
            try:
                try:
                    armed[0] = True
                    signal.setitimer(signal.ITIMER_REAL, max(rng.uniform(0, 1.2 * call), 1e-6))
                    f()
                finally:
                    armed[0] = False
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except KeyboardInterrupt:
                interrupted += 1
            values = {float(s.get_value()[0]) for s in shared}
            assert len(values) == 1, f"a mix of old and new values: {sorted(values)}"
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert interrupted > 20  # the test really interrupted calls


def test_writing_updates_costs_linear_time():
    import time

    def per_call(n):
        shared = [theano.shared(np.zeros(2)) for _ in range(n)]
        f = theano.function([], [], updates=[(s, s + 1) for s in shared])
        f()
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            f()
            best = min(best, time.perf_counter() - start)
        return best

    # 10x the updates: linear is ~10x the time, the former quadratic write was ~100x
    assert per_call(1000) < 35 * per_call(100)


def test_the_fast_input_path_checks_what_filter_checks():
    c = T.dcol("c")
    f = theano.function([c], c * 2)
    np.testing.assert_array_equal(f(np.ones((3, 1))), np.full((3, 1), 2.0))  # as is
    np.testing.assert_array_equal(f([[1.0], [2.0]]), [[2.0], [4.0]])  # converted
    np.testing.assert_array_equal(f(np.ones((2, 1), "float32")), np.full((2, 1), 2.0))
    with pytest.raises(TypeError, match="at index 0.*broadcastable dim 1"):
        f(np.ones((3, 2)))
    with pytest.raises(TypeError, match="at index 0"):
        f(np.ones(3))
    v = T.fvector()
    with pytest.raises(TypeError, match="at index 0.*int64"):
        theano.function([v], v * 2)(np.ones(2, "int64"))
