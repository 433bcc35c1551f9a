"""Each rewrite: a golden test of the compiled program, and unchanged results."""

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.compile.mode import Mode

x, y, v = T.dmatrix("x"), T.dmatrix("y"), T.dvector("v")
NO_FUSION = Mode().excluding("fuse")

# name: (inputs, output, rewrite expected in the report, golden program)
CASES = {
    "merge": (
        [x],
        T.exp(x) + T.exp(x),
        "merge",
        """\
s0 <- input x : TensorType(float64, matrix)
s1 = Elemwise{exp}(s0)
s2 = Elemwise{add}(s1, s1)  # free s1
return s2""",
    ),
    "neutral_elements": (
        [x],
        (x * 1 + 0) / 1,
        "remove_neutral_elements",
        """\
s0 <- input x : TensorType(float64, matrix)
return s0""",
    ),
    "double_negation": (
        [x],
        T.neg(-x),
        "remove_double_negation",
        """\
s0 <- input x : TensorType(float64, matrix)
return s0""",
    ),
    "useless_cast": (
        [x],
        T.Elemwise("cast", "float64")(x) * 2,
        "remove_useless_cast",
        """\
s0 <- input x : TensorType(float64, matrix)
s1 <- constant [[2.0]]
s2 = Elemwise{mul}(s0, s1)
return s2""",
    ),
    "dimshuffle_of_dimshuffle": (
        [x],
        x.dimshuffle(1, 0).dimshuffle(1, 0) + 1,
        "fold_dimshuffles",
        """\
s0 <- input x : TensorType(float64, matrix)
s1 <- constant [[1.0]]
s2 = Elemwise{add}(s0, s1)
return s2""",
    ),
    "full_slices": (
        [x],
        x[:, :] * 2,
        "remove_full_slices",
        """\
s0 <- input x : TensorType(float64, matrix)
s1 <- constant [[2.0]]
s2 = Elemwise{mul}(s0, s1)
return s2""",
    ),
    "reshape_of_reshape": (
        [x],
        x.reshape((6,)).reshape((3, 2)) * 2,
        "fold_reshapes",
        """\
s0 <- input x : TensorType(float64, matrix)
s1 <- constant [3, 2]
s2 <- constant [[2.0]]
s3 = Reshape{ndim=2}(s0, s1)
s4 = Elemwise{mul}(s3, s2)  # free s3
return s4""",
    ),
    "constant_folding": (
        [x],
        x * (T.constant(2.0) + T.constant(3.0)),
        "constant_fold",
        """\
s0 <- input x : TensorType(float64, matrix)
s1 <- constant [[5.0]]
s2 = Elemwise{mul}(s0, s1)
return s2""",
    ),
    "log_softmax": (
        [x],
        T.log(T.nnet.softmax(x)),
        "log_softmax_to_logsoftmax",
        """\
s0 <- input x : TensorType(float64, matrix)
s1 = LogSoftmax(s0)
return s1""",
    ),
    "log_sigmoid": (
        [v],
        T.log(T.nnet.sigmoid(v)),
        "log_sigmoid_to_softplus",
        """\
s0 <- input v : TensorType(float64, vector)
s1 = Elemwise{neg}(s0)
s2 = Elemwise{softplus}(s1)  # free s1
s3 = Elemwise{neg}(s2)  # free s2
return s3""",
    ),
    "cancel_division": (
        [v],
        T.grad(T.log(T.nnet.sigmoid(v)).sum(), v),
        "cancel_division",
        """\
s0 <- input v : TensorType(float64, vector)
s1 <- constant [1.0]
s2 = Elemwise{sigmoid}(s0)
s3 = Elemwise{sub}(s1, s2)  # free s2
return s3""",
    ),
    "multiply_by_zero": (
        [x],
        T.exp(x) * 0 + x,
        "multiply_by_zero",
        """\
s0 <- input x : TensorType(float64, matrix)
return s0""",
    ),
    "simplify_pow": (
        [x],
        x**2 + x**1 + x**0.5 + x**-1,
        "simplify_pow",
        """\
s0 <- input x : TensorType(float64, matrix)
s1 = Elemwise{sqr}(s0)
s2 = Elemwise{add}(s1, s0)  # free s1
s3 = Elemwise{sqrt}(s0)
s4 = Elemwise{add}(s2, s3)  # free s2, s3
s5 = Elemwise{inv}(s0)
s6 = Elemwise{add}(s4, s5)  # free s4, s5
return s6""",
    ),
    "square_of_product": (
        [x],
        x * x,
        "square_of_product",
        """\
s0 <- input x : TensorType(float64, matrix)
s1 = Elemwise{sqr}(s0)
return s1""",
    ),
    "remove_alloc_in_elemwise": (
        [x],
        T.grad(T.sum(T.exp(x)), x),
        "remove_alloc_in_elemwise",
        """\
s0 <- input x : TensorType(float64, matrix)
s1 = Elemwise{exp}(s0)
return s1""",
    ),
    "shape_from_inputs": (
        [x],
        T.exp(x).shape,
        "shape_from_inputs",
        """\
s0 <- input x : TensorType(float64, matrix)
s1 = Shape(s0)
return s1""",
    ),
    "index_make_vector": (
        [x],
        T.concatenate([x, x], axis=1).shape[1],
        "index_make_vector",
        """\
s0 <- input x : TensorType(float64, matrix)
s1 = Shape(s0)
s2 = Subtensor{1}(s1)  # free s1
s3 = Elemwise{add}(s2, s2)  # free s2
return s3""",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_rewrite_golden_program_and_unchanged_results(name):
    inputs, output, rule, golden = CASES[name]
    f = theano.function(inputs, output, mode=NO_FUSION)
    assert str(f.program) == golden
    assert f.maker.rewrite_report.fired[rule] >= 1
    plain = theano.function(inputs, output, mode=Mode(optimizer=None))
    assert str(plain.program) != golden  # without rewrites the program is the one as written
    values = [
        np.random.RandomState(0).uniform(0.1, 1, (3, 2))
        if i.ndim == 2
        else np.random.RandomState(1).uniform(-2, 2, 4)
        for i in inputs
    ]
    np.testing.assert_allclose(f(*values), plain(*values), rtol=1e-12)


def test_softmax_nll_gradient_uses_the_log_softmax_form():
    labels = T.ivector("labels")
    cost = -T.mean(T.log(T.nnet.softmax(x))[T.arange(labels.shape[0]), labels])
    f = theano.function([x, labels], T.grad(cost, x), mode=NO_FUSION)
    assert f.maker.rewrite_report.fired["softmax_grad_of_log"] == 1
    ops = [type(s.node.op).__name__ for s in f.program.steps]
    assert "SoftmaxGrad" not in ops and "Softmax" in ops  # g - sum(g) * softmax(x)
    assert "true_div" not in str(f.program).split("Softmax")[1]  # no division by softmax
    plain = theano.function([x, labels], T.grad(cost, x), mode=Mode(optimizer=None))
    z, lab = np.random.RandomState(0).randn(4, 5), np.array([1, 0, 4, 2], dtype="int32")
    np.testing.assert_allclose(f(z, lab), plain(z, lab), rtol=1e-12)


def test_elementwise_fusion_golden_and_results():
    f = theano.function([x, y], T.tanh(x * y + 1))
    assert (
        str(f.program)
        == """\
s0 <- input x : TensorType(float64, matrix)
s1 <- input y : TensorType(float64, matrix)
s2 <- constant [[1.0]]
s3 = FusedElemwise{tanh(add(mul(i0, i1), i2))}(s0, s1, s2)
return s3"""
    )
    a, b = np.random.rand(300, 500), np.random.rand(300, 500)  # large: split over threads
    np.testing.assert_allclose(f(a, b), np.tanh(a * b + 1), rtol=1e-15)
    g = theano.function([x, y], T.tanh(x * y + 1), mode=NO_FUSION)
    assert [type(s.node.op).__name__ for s in g.program.steps] == ["Elemwise"] * 3


def test_fusion_keeps_the_broadcast_check():
    for mode in (None, NO_FUSION):  # the fused step and the plain Elemwise one
        f = theano.function([x, y], T.tanh(x * y + 1), mode=mode)
        with pytest.raises(ValueError, match=r"dimension mismatch: input 0 has size 1 in dim 1"):
            f(np.ones((3, 1)), np.ones((3, 4)))
        np.testing.assert_allclose(f(np.ones((3, 4)), np.ones((3, 4))), np.tanh(2.0))


def test_fused_chain_reuses_a_dead_buffer_that_is_not_first_in_line():
    # the bool buffer of eq dies first; taking the float one after it by list.remove compared
    # the arrays with == ("truth value of an array ... is ambiguous")
    f = theano.function([x, y], T.cos(y * T.eq(x, y) + T.sin(x)) * x)
    assert "FusedElemwise" in str(f.program)
    a, b = np.arange(6.0).reshape(2, 3), np.array([[0.0, 5, 2], [3, 1, 5]])
    np.testing.assert_allclose(f(a, b), np.cos(b * (a == b) + np.sin(a)) * a, rtol=1e-15)


def test_fusion_keeps_channels_last_memory_layout():
    t = T.dtensor4()
    f = theano.function([t], T.tanh(t * 2 + 1))
    data = np.random.rand(64, 12, 12, 20).transpose(0, 3, 1, 2)
    out = f(data)
    np.testing.assert_allclose(out, np.tanh(data * 2 + 1))
    assert out.strides[1] < out.strides[3]  # the channels stayed innermost


def test_fast_compile_runs_merge_only_and_the_report_lists_rewrites():
    f = theano.function([x], (x * 1) + (x * 1), mode="FAST_COMPILE")
    assert list(f.maker.rewrite_report.fired) == ["merge"]
    text = str(theano.function([x], T.neg(-x) * 1).maker.rewrite_report)
    assert "remove_double_negation" in text and "nodes ->" in text


def test_zero_gradients_are_not_back_propagated():
    # cA.py's L_jacob: the gradient of an integer division is zero, so the (large) subgraph
    # below it gets no gradient computation at all; likewise for 0.0 * L1
    w = T.dmatrix("w")
    big = T.sum(T.exp(w[:, :, None] * w[:, None, :]))
    cost = T.sum(w**2) + big // 10 + 0.0 * T.sum(abs(w))
    g = T.grad(cost, w)
    nodes = theano.graph.toposort([g])
    assert all(o.ndim < 3 for n in nodes for o in n.outputs)  # nothing of `big` is left
    assert not any(str(n.op) in ("Elemwise{sgn}", "Elemwise{abs}") for n in nodes)
    f = theano.function([w], g)
    value = np.random.RandomState(0).rand(3, 3)
    np.testing.assert_allclose(f(value), 2 * value)


def test_sum_of_a_product_with_zero_is_never_computed():
    w = T.dmatrix("w")
    f = theano.function([w], T.sum(w**2) + 0.0 * T.sum(abs(w)))
    assert "abs" not in str(f.program)
    np.testing.assert_allclose(f(np.ones((2, 3))), 6.0)


@pytest.mark.parametrize(
    "shapes, dtype",
    [
        (((10, 1, 500), (1, 784, 500)), "float64"),  # rows larger than a cache block
        (((37, 5), (37, 5)), "float32"),  # float32 accumulated in float64
        (((0, 3), (0, 3)), "float64"),  # empty
        (((1000,), (1000,)), "float64"),
    ],
)
def test_sum_of_an_elementwise_chain_is_one_fused_step(shapes, dtype):
    rng = np.random.RandomState(0)
    a, b = (rng.rand(*s).astype(dtype) for s in shapes)
    ta, tb = (T.TensorType(dtype, tuple(n == 1 for n in s))() for s in shapes)
    f = theano.function([ta, tb], T.sum(T.sqr(ta * tb) + ta))
    assert [type(s.node.op).__name__ for s in f.program.steps] == ["FusedSum"]
    expected = (np.square(a.astype("float64") * b) + a).sum()
    result = f(a, b)
    assert result.dtype == dtype
    np.testing.assert_allclose(result, expected, rtol=1e-6 if dtype == "float32" else 1e-12)


def test_fused_sum_reads_channels_last_inputs_and_keeps_the_broadcast_check():
    t = T.dtensor4()
    f = theano.function([t], T.sum(T.exp(t) * 2))
    data = np.random.rand(6, 9, 9, 20).transpose(0, 3, 1, 2)
    np.testing.assert_allclose(f(data), (np.exp(data) * 2).sum(), rtol=1e-12)
    m, n = T.dmatrix(), T.dmatrix()
    g = theano.function([m, n], T.sum(m * n))
    with pytest.raises(ValueError, match="dimension mismatch"):
        g(np.ones((3, 1)), np.ones((3, 4)))


def test_small_and_blocked_fused_evaluation_agree(monkeypatch):
    from minitheano.tensor import fusion

    out = T.tanh(x * y + 1) * T.exp(-x) + 0.5 * y**2 - T.nnet.sigmoid(x) / (1 + x * x)
    f = theano.function([x, y], out)
    assert [type(s.node.op).__name__ for s in f.program.steps] == ["FusedElemwise"]
    a, b = np.random.RandomState(0).rand(2, 60, 70)
    expected = np.tanh(a * b + 1) * np.exp(-a) + 0.5 * b**2 - 1 / (1 + np.exp(-a)) / (1 + a * a)
    small = f(a, b)  # 4200 elements: plain calls
    monkeypatch.setattr(fusion, "SMALL_ELEMENTS", 0)
    blocked = theano.function([x, y], out)(a, b)  # the blocked evaluation
    np.testing.assert_allclose(small, expected, rtol=1e-13)
    np.testing.assert_allclose(blocked, expected, rtol=1e-13)
