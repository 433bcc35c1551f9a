"""Types, constructors, config.floatX and Theano's casting rules."""

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.config import Config


def test_typed_constructors_have_theano_dtypes_and_patterns():
    assert T.lscalar().type == T.TensorType("int64", ())
    assert T.ivector().dtype == "int32"
    assert T.fmatrix().type == T.TensorType("float32", (False, False))
    assert T.dtensor4().type == T.TensorType("float64", (False,) * 4)
    assert T.brow().broadcastable == (True, False)
    assert T.wcol().broadcastable == (False, True) and T.wcol().dtype == "int16"
    assert T.tensor3("x").name == "x" and T.tensor3().ndim == 3
    assert T.matrix(dtype="int8").dtype == "int8"
    assert T.tensor("float32", (False, True)).broadcastable == (False, True)


def test_plural_constructors_follow_theano():
    x, y, z = T.dmatrices("x", "y", "z")
    assert [v.name for v in (x, y, z)] == ["x", "y", "z"] and x.type == T.dmatrix().type
    assert T.iscalars("k").type == T.iscalar().type  # one name: one variable, not a list
    a, b = T.fvectors("ab")  # one string of several letters: one variable per letter
    assert (a.name, b.name, a.dtype) == ("a", "b", "float32")
    assert [v.ndim for v in T.ltensor4s(3)] == [4, 4, 4] and T.ltensor4s(3)[0].name is None
    assert T.rows("r", "s")[1].broadcastable == (True, False) and T.cols("c").ndim == 2
    theano.config.floatX = "float32"
    assert {v.dtype for v in T.matrices("p", "q")} == {"float32"}
    assert [v.ndim for v in T.tensor3s(2) + T.tensor5s(1)] == [3, 3, 5]
    assert not hasattr(T, "bmatrices")  # Theano has plurals for f, d, i, l only


def test_floatx_is_read_when_the_variable_is_created():
    assert T.matrix().dtype == "float64"
    theano.config.floatX = "float32"
    assert T.matrix().dtype == "float32" and T.scalar().dtype == "float32"
    with pytest.raises(ValueError, match="floatX"):
        theano.config.floatX = "float8"


def test_flags_from_the_environment():
    import os

    old = dict(os.environ)
    try:
        os.environ["THEANO_FLAGS"] = "floatX=float64,device=cpu"
        os.environ["MINITHEANO_FLAGS"] = "floatX=float32"
        cfg = Config()
        assert cfg.floatX == "float32" and cfg.device == "cpu"
    finally:
        os.environ.clear()
        os.environ.update(old)


@pytest.mark.parametrize("spelling", ["cuda", "cuda0", "gpu", "gpu1", "CUDA"])
def test_device_spellings(spelling):
    theano.config.device = spelling
    assert theano.config.device == "cuda"


def test_python_float_becomes_floatx_and_int_the_smallest_int():
    x = T.fvector()
    assert (x * 2).dtype == "float32"  # int8 constant
    assert (x + 1.5).dtype == "float64"  # floatX is float64
    theano.config.floatX = "float32"
    assert (x + 1.5).dtype == "float32"
    assert T.constant(3).dtype == "int8" and T.constant(300).dtype == "int16"
    assert T.constant(2**40).dtype == "int64"
    assert T.constant(np.float32(1)).dtype == "float32"  # NumPy scalars keep their dtype


def test_mixed_dtypes_upcast_like_numpy():
    assert (T.ivector() * T.fvector()).dtype == "float64"
    assert (T.bvector() + T.fvector()).dtype == "float32"
    assert (T.ivector() + T.lvector()).dtype == "int64"
    assert (T.ivector() / T.ivector()).dtype == theano.config.floatX
    assert T.exp(T.ivector()).dtype == "float64" and T.exp(T.bvector()).dtype == "float32"
    assert T.lt(T.fvector(), 0).dtype == "bool"


@pytest.mark.parametrize(
    "dtype, out_dtype",
    [("bool", "float32"), ("int8", "float32"), ("uint8", "float32"), ("int16", "float32")]
    + [("int32", "float64"), ("int64", "float64"), ("float32", "float32")],
)
def test_floor_and_ceil_of_integers_are_floats_as_in_theano(dtype, out_dtype):
    x = T.vector(dtype=dtype)
    values = np.array([1, 0, 1] if dtype == "bool" else [5, 0, 7], dtype)
    for fn in (T.floor, T.ceil):
        assert fn(x).dtype == out_dtype
        out = theano.function([x], fn(x))(values)
        assert out.dtype == out_dtype
        np.testing.assert_array_equal(out, values.astype(out_dtype))


def test_pow_of_bools_is_int8_as_in_theano():
    a, b = T.vector(dtype="bool"), T.vector(dtype="bool")
    assert (a**b).dtype == "int8" and (a ** T.bvector()).dtype == "int8"
    out = theano.function([a, b], a**b)([True, False, False], [True, True, False])
    assert out.dtype == "int8"
    np.testing.assert_array_equal(out, [1, 0, 1])


def test_subtraction_negation_and_sign_of_bools_are_refused_when_built():
    a = T.vector(dtype="bool")
    for build in (lambda: a - a, lambda: -a, lambda: T.sgn(a)):
        with pytest.raises(TypeError, match=r"not defined for bool inputs.*T\.xor"):
            build()
    assert (a - T.bvector()).dtype == "int8" and (-T.bvector()).dtype == "int8"


def test_sgd_update_stays_float32():
    theano.config.floatX = "float32"
    W = theano.shared(np.zeros((3, 2), dtype="float32"))
    x = T.matrix()
    cost = T.sum(T.dot(x, W) ** 2)
    gW = T.grad(cost, W)
    assert gW.dtype == "float32"
    assert (W - 0.1 * gW).dtype == "float32"


def test_variables_are_truthy_except_ordering_comparisons():
    x = T.vector()
    assert bool(x) and bool(x + 1)
    for cmp in (x < 1, x <= 1, x > 1, x >= 1):
        with pytest.raises(TypeError, match="boolean"):
            bool(cmp)
    with pytest.raises(TypeError):
        0 < x < 1  # noqa: B015 (the chained comparison must not silently misbehave)


def test_tensor_variable_properties():
    x = T.tensor3("x")
    assert x.ndim == 3 and x.dtype == "float64" and x.name == "x"
    assert x.type.broadcastable == (False, False, False)
    assert x.shape.ndim == 1 and x.shape.dtype == "int64"
    assert x.dimshuffle(2, 0, 1).ndim == 3 and x.dimshuffle((0, "x", 1, 2)).broadcastable[1]


def test_dimshuffle_refuses_to_drop_a_non_broadcastable_dim():
    with pytest.raises(ValueError, match="only broadcastable dims"):
        T.matrix().dimshuffle(0)
    with pytest.raises(ValueError, match="not an axis"):
        T.matrix().dimshuffle(0, 2)
    assert T.row().dimshuffle(1).ndim == 1


def test_flatten_keeps_leading_dims():
    x = T.tensor4()
    assert x.flatten(2).ndim == 2
    f = theano.function([x], x.flatten(3))
    assert f(np.zeros((2, 3, 5, 7))).shape == (2, 3, 35)


def test_theano_names_and_module_paths():
    import minitheano
    from minitheano import In, config, function, shared  # noqa: F401

    assert minitheano.tensor.nnet.sigmoid is T.nnet.sigmoid
    activation = minitheano.tensor.nnet.sigmoid
    assert activation == T.nnet.sigmoid  # the tutorial's HiddenLayer test
    assert T.nnet.conv2d is minitheano.tensor.nnet.conv2d
    from minitheano.tensor.signal import downsample, pool  # noqa: F401


def test_sort_argsort_cumsum_check_their_axis():
    m = T.dmatrix("m")
    for build in (T.sort, T.argsort, T.cumsum, T.cumprod):
        with pytest.raises(ValueError, match=r"axis 2 is out of range for TensorType\(float64, m"):
            build(m, axis=2)
    assert T.sort(m, axis=None).ndim == 1 and T.cumsum(m, axis=-1).ndim == 2


def test_apply_clone_with_new_inputs_keeps_source_and_names():
    x, y = T.dmatrix("x"), T.fmatrix("y")
    out = (x + 1).sum(axis=0)
    out.name = "total"
    node = out.owner
    clone = node.clone_with_new_inputs([y.astype("float64")])
    assert clone.op == node.op and clone.source == node.source
    assert clone.outputs[0].name == "total" and clone.inputs[0].owner is not None
    with pytest.raises(TypeError):
        node.clone_with_new_inputs([T.dvector(), T.dvector()])


def test_monkeypatch_sets_and_undoes_a_flag():
    # pytest 9 saves the attribute from the instance's __dict__: flags must live there
    before = theano.config.threads
    patch = pytest.MonkeyPatch()
    patch.setattr(theano.config, "threads", before + 3)
    assert theano.config.threads == before + 3
    patch.undo()
    assert theano.config.threads == before
    assert vars(theano.config)["threads"] == before


def test_change_flags_restores_on_error():
    with pytest.raises(KeyError):
        with theano.config.change_flags(floatX="float32"):
            assert T.matrix().dtype == "float32"
            raise KeyError
    assert theano.config.floatX == "float64"


@pytest.mark.parametrize(
    "dtype, out_dtype", [("int8", "float32"), ("uint8", "float32"), ("bool", "float32")]
)
def test_float_functions_of_small_integers_are_computed_in_the_output_dtype(dtype, out_dtype):
    # NumPy computes exp(int8) in float16: exp(12) would be inf, exp(5) 148.375
    x = T.vector(dtype=dtype)
    values = np.array([1, 0, 1], dtype) if dtype == "bool" else np.array([5, 12, 1], dtype)
    for fn, ref in [(T.exp, np.exp), (T.sqrt, np.sqrt), (T.log1p, np.log1p)]:
        out = theano.function([x], fn(x))(values)
        assert out.dtype == out_dtype
        np.testing.assert_allclose(out, ref(values.astype("float64")), rtol=1e-6)
    assert float(theano.function([], T.exp(True))()) == pytest.approx(np.e, rel=1e-7)


def test_sigmoid_of_integers_is_a_float():
    i = T.ivector()
    out = theano.function([i], T.nnet.sigmoid(i))(np.array([1, -2], "int32"))
    assert out.dtype == "float64"
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-np.array([1.0, -2.0]))))


@pytest.mark.parametrize("dtype", ["bool", "int8", "int16", "int32", "uint8"])
def test_sum_and_prod_of_a_scalar_have_theanos_dtype(dtype):
    x = T.scalar(dtype=dtype)
    expected = "uint64" if dtype.startswith("u") else "int64"
    for reduce in (T.sum, T.prod):
        assert reduce(x).dtype == expected
        assert theano.function([x], reduce(x))(np.asarray(1, dtype)).dtype == expected
    assert T.sum(T.vector(dtype=dtype)).dtype == expected  # as for ndim >= 1


@pytest.mark.parametrize("shape, ndim, out", [((0, 0), 2, (0, 0)), ((2, 0, 3), 2, (2, 0))])
def test_flatten_of_empty_arrays(shape, ndim, out):
    x = T.TensorType("float64", (False,) * len(shape))()
    assert theano.function([x], T.flatten(x, ndim))(np.zeros(shape)).shape == out


def test_full_slices_are_nodes_that_set_subtensor_accepts():
    x, m = T.dvector(), T.dmatrix()
    for indexed in (x[:], x[...]):
        out = theano.function([x], T.set_subtensor(indexed, 5.0))(np.ones(3))
        np.testing.assert_array_equal(out, [5, 5, 5])
    out = theano.function([m], T.inc_subtensor(m[:, :], 1.0))(np.ones((2, 2)))
    np.testing.assert_array_equal(out, np.full((2, 2), 2.0))


def test_average_pooling_of_integers_is_refused_when_built():
    from minitheano.tensor.signal.pool import pool_2d

    x = T.itensor4()
    for mode in ("average_exc_pad", "average_inc_pad"):
        with pytest.raises(TypeError, match=rf"{mode}.*needs a float input.*int32"):
            pool_2d(x, (2, 2), ignore_border=True, mode=mode)
    values = np.arange(16, dtype="int32").reshape(1, 1, 4, 4)
    out = theano.function([x], pool_2d(x, (2, 2), ignore_border=True, mode="max"))(values)
    np.testing.assert_array_equal(out, [[[[5, 7], [13, 15]]]])


@pytest.mark.parametrize("value", [[1, "a"], "abc", [[1.0, 2.0], [3.0]], b"xy", None])
def test_bad_input_values_name_the_input_index(value):
    x = T.dvector()
    f = theano.function([x], x * 2)
    with pytest.raises(TypeError, match=r"Bad input argument to function .*at index 0"):
        f(value)


def test_a_string_into_an_integer_scalar_names_the_input_index():
    i, n = T.dvector(), T.lscalar()
    f = theano.function([i, n], i * n)
    with pytest.raises(TypeError, match=r"at index 1.*'x'.*not a number"):
        f([1.0], "x")


def test_run_time_numpy_type_errors_stay_type_errors():
    from minitheano.compile.program import Step, runtime_error

    x = T.dvector("x")
    node = (x * 2).owner
    try:
        np.add(np.ones(2, "int64"), 1.5, out=np.ones(2, "int64"))
    except TypeError as exc:  # NumPy's UFuncTypeError, whose constructor takes no message
        err = runtime_error(Step(node, None, (0,), (1,)), [np.ones(2)], exc)
    assert isinstance(err, TypeError)
    assert "Cannot cast ufunc" in str(err) and "built at" in str(err)
