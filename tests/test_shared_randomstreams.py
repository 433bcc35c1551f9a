"""``RandomStreams`` and ``raw_random``: Theano 1.0.5's numbers for the same seed, and the
behaviour of random states as shared variables (default updates, pickling, gradients)."""

import copy
import importlib.util
import os
import pickle
import types

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.gradient import verify_grad
from minitheano.random import RandomStreams, raw_random
from minitheano.random.permute_rows import PermuteRowElements, permute_row_elements
from minitheano.random.raw_random import RandomFunction, RandomStateType, random_state_type

from .backends import BACKENDS, select_device

_HERE = os.path.join(os.path.dirname(__file__), "reference")
_spec = importlib.util.spec_from_file_location(
    "make_randomstreams_reference", os.path.join(_HERE, "make_randomstreams_reference.py")
)
REF = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(REF)
LIB = types.SimpleNamespace(
    T=T,
    shared=theano.shared,
    function=theano.function,
    raw_random=raw_random,
    RandomStreams=RandomStreams,
)


@pytest.fixture(scope="module")
def theano_numbers():
    with np.load(os.path.join(_HERE, "theano_randomstreams.npz")) as data:
        return dict(data)


def assert_same(got, want):
    got = np.asarray(got)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def check_against_reference(theano_numbers, case, seed, results):
    for call, outs in enumerate(results):
        for j, value in enumerate(outs):
            assert_same(value, theano_numbers[REF.key(case, seed, call, j)])


# --- the numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(REF.CASES))
def test_same_numbers_as_theano(theano_numbers, case):
    for seed in REF.SEEDS:
        check_against_reference(theano_numbers, case, seed, REF.run_case(LIB, case, seed))


def test_seed_reseeds_every_stream_as_theano_does(theano_numbers):
    for seed in REF.SEEDS:
        check_against_reference(theano_numbers, "reseed", seed, REF.run_reseed(LIB, seed))


def test_seed_none_goes_back_to_the_first_seed(theano_numbers):
    rs = RandomStreams(234)
    f = theano.function([], rs.uniform((2, 3), low=-1.0, high=3.0))
    first = f()
    f()
    rs.seed()
    assert_same(f(), first)
    assert_same(first, theano_numbers[REF.key("uniform_f64", 234, 0, 0)])


@pytest.mark.parametrize("device", BACKENDS)
def test_numbers_on_every_backend(theano_numbers, device, monkeypatch):
    select_device(device, monkeypatch)
    for case in ("dropout", "shuffle_row_elements", "normal_f32", "multinomial_rows"):
        check_against_reference(theano_numbers, case, 234, REF.run_case(LIB, case, 234))


# --- random states as shared variables -----------------------------------------------------


def test_default_update_advances_and_no_default_updates_does_not(theano_numbers):
    rs = RandomStreams(234)
    u = rs.uniform((2, 3), low=-1.0, high=3.0)
    first, second = (theano_numbers[REF.key("uniform_f64", 234, k, 0)] for k in (0, 1))
    frozen = theano.function([], u, no_default_updates=True)
    assert_same(frozen(), first)
    assert_same(frozen(), first)
    frozen_rng = theano.function([], u, no_default_updates=[u.rng])
    assert_same(frozen_rng(), first)
    f = theano.function([], u)
    assert u.rng.default_update is u.update[1] and rs.updates() == [u.update]
    assert_same(f(), first)
    assert_same(frozen(), second)  # the state f advanced is the one every function reads
    assert_same(f(), second)


def test_explicit_updates_win_over_the_default_update(theano_numbers):
    rs = RandomStreams(234)
    u = rs.uniform((2, 3), low=-1.0, high=3.0)
    f = theano.function([], u, updates=[(u.rng, u.rng)])  # keep the state: same draw each call
    first = theano_numbers[REF.key("uniform_f64", 234, 0, 0)]
    assert_same(f(), first)
    assert_same(f(), first)
    g = theano.function([], u, updates=rs.updates())
    assert_same(g(), first)
    assert_same(g(), theano_numbers[REF.key("uniform_f64", 234, 1, 0)])


def test_shared_random_state_values_are_copies():
    state = np.random.RandomState(5)
    rng = theano.shared(state, name="rng")
    assert isinstance(rng.type, RandomStateType) and str(rng.type) == "RandomStateType"
    assert rng.get_value() is not state and rng.get_value(borrow=True) is not state
    assert RandomStateType.values_eq(rng.get_value(), state)
    rng.get_value().uniform()  # drawing from a copy leaves the shared state alone
    assert RandomStateType.values_eq(rng.get_value(borrow=True), state)
    with pytest.raises(TypeError, match="RandomState"):
        rng.set_value(np.zeros(3))
    rs = RandomStreams(1)
    u = rs.normal((2,))
    rs[u.rng] = np.random.RandomState(7)
    assert RandomStateType.values_eq(rs[u.rng], np.random.RandomState(7))


def test_a_draw_never_changes_its_input_state():
    op = RandomFunction("normal", T.TensorType("float64", (False,)))
    state = np.random.RandomState(3)
    before = copy.deepcopy(state)
    new_state, sample = op.perform(np, state, np.array([4]), np.array(0.0), np.array(1.0))
    assert RandomStateType.values_eq(state, before)
    assert new_state is not state and not RandomStateType.values_eq(new_state, state)
    np.testing.assert_array_equal(sample, before.normal(0.0, 1.0, (4,)))


def test_a_failed_call_changes_no_state():
    rs = RandomStreams(2)
    x = T.vector("x")
    u = rs.uniform((2,))
    f = theano.function([x], u + x)
    before = u.rng.get_value()
    with pytest.raises(ValueError):
        f(np.ones(3))  # the draw runs, the addition fails
    assert RandomStateType.values_eq(u.rng.get_value(), before)


def test_pickled_and_copied_functions_continue_the_stream():
    rs = RandomStreams(234)
    x = T.matrix("x")
    y = x * rs.binomial(x.shape, p=0.5, dtype="float64") + rs.normal((3, 4))
    f = theano.function([x], y)
    value = np.arange(12.0).reshape(3, 4)
    f(value)
    g = pickle.loads(pickle.dumps(f))
    h = copy.deepcopy(f)
    expected = f(value)
    np.testing.assert_array_equal(g(value), expected)
    np.testing.assert_array_equal(h(value), expected)
    np.testing.assert_array_equal(g(value), f(value))  # each copy has its own state now
    rs2 = pickle.loads(pickle.dumps(rs))
    assert [
        RandomStateType.values_eq(a.get_value(), b.get_value())
        for (a, _), (b, _) in zip(rs.state_updates, rs2.state_updates)
    ] == [True, True]


def test_gradient_flows_through_x_times_mask():
    rs = RandomStreams(234)
    x = T.matrix("x")
    mask = rs.binomial(x.shape, p=0.5, dtype="float64")
    cost = (x * mask * x).sum()
    gx = T.grad(cost, x)
    f = theano.function([x], [gx, mask])
    value = np.arange(12.0).reshape(3, 4)
    g, m = f(value)
    np.testing.assert_array_equal(g, 2 * value * m)  # d/dx sum(m x^2) = 2 m x
    assert 0 < m.sum() < m.size


def test_symbolic_size_from_x_shape():
    rs = RandomStreams(234)
    x = T.tensor3("x")
    u = rs.normal(x.shape, avg=1.0)
    assert u.ndim == 3 and u.broadcastable == (False,) * 3
    f = theano.function([x], [u, u.shape])
    sample, shape = f(np.zeros((2, 3, 5)))
    assert sample.shape == (2, 3, 5) and tuple(shape) == (2, 3, 5)
    assert rs.uniform((1, 3)).broadcastable == (True, False)
    assert rs.binomial((1, 3)).broadcastable == (False, False)  # as in Theano


def test_debugprint_and_program_name_the_draw():
    rs = RandomStreams(1)
    u = rs.uniform((2,))
    text = theano.printing.debugprint(u, file="str")
    assert text.splitlines()[0].startswith("RandomFunction{uniform}.1 [id A]")
    f = theano.function([], u)
    assert "RandomFunction{uniform}(s0, " in str(f.program)
    assert "update of" in theano.printing.debugprint(f, file="str")


# --- errors --------------------------------------------------------------------------------


def test_bad_arguments_say_what_disagrees():
    rs = RandomStreams(1)
    with pytest.raises(ValueError, match=r"ndim=3 disagrees with the size \(2, 3\)"):
        rs.uniform((2, 3), ndim=3)
    with pytest.raises(ValueError, match=r"\(4,\), \(\) do not broadcast to the size \(2, 3\)"):
        rs.uniform((2, 3), low=np.zeros(4))
    with pytest.raises(ValueError, match="more than the 1 dims"):
        rs.normal((3,), avg=np.zeros((2, 3)))
    with pytest.raises(TypeError, match="integers"):
        rs.uniform((2.0, 3))
    with pytest.raises(TypeError, match=r"write \(5,\)"):
        rs.uniform(5)
    with pytest.raises(TypeError, match="give a size"):
        rs.choice(a=3)
    with pytest.raises(TypeError, match="lam is required"):
        rs.poisson((2,))
    with pytest.raises(ValueError, match="pass ndim"):
        rs.uniform(T.lvector("n"))
    with pytest.raises(TypeError, match="RandomStateType"):
        raw_random.uniform(np.random.RandomState(1), (2,))
    with pytest.raises(TypeError, match="low must be integers"):
        rs.random_integers((2,), low=0.5)


def test_parameters_that_do_not_broadcast_fail_at_run_time_with_the_shapes():
    rs = RandomStreams(1)
    low = T.vector("low")
    f = theano.function([low], rs.uniform((2, 3), low=low))
    assert f(np.zeros(3)).shape == (2, 3)
    with pytest.raises(ValueError, match=r"\(4,\), \(\) do not broadcast to the size \(2, 3\)"):
        f(np.zeros(4))
    n = T.lvector("n")
    g = theano.function([n], rs.uniform(n, ndim=2))
    with pytest.raises(ValueError, match="has 3 dims"):
        g(np.array([1, 2, 3]))


# --- permute_row_elements and the import paths ----------------------------------------------


def test_permute_row_elements_forward_inverse_shape_and_gradient(rng):
    x = T.tensor3("x")
    y = T.lmatrix("y")
    value = rng.rand(2, 3, 4)
    perm = np.array([rng.permutation(4) for _ in range(3)])
    out = permute_row_elements(x, y)
    f = theano.function([x, y], [out, out.shape, permute_row_elements(out, y, inverse=True)])
    got, shape, back = f(value, perm)
    np.testing.assert_array_equal(got, np.take_along_axis(value, perm[None], axis=-1))
    assert tuple(shape) == (2, 3, 4)
    np.testing.assert_array_equal(back, value)
    verify_grad(lambda v: permute_row_elements(v, perm[None]), [value], rng=rng)
    row = T.row("row")  # a broadcast x: its gradient sums over the permutations
    verify_grad(lambda r: permute_row_elements(T.addbroadcast(r, 0), perm), [rng.rand(1, 4)])
    assert PermuteRowElements(True) != PermuteRowElements(False) and row.ndim == 2


def test_legacy_import_paths():
    import minitheano.tensor.raw_random as legacy_raw
    import minitheano.tensor.shared_randomstreams as legacy
    from minitheano.tensor.shared_randomstreams import RandomStreams as Legacy

    assert legacy.RandomStreams is RandomStreams is Legacy
    assert T.shared_randomstreams is legacy and T.raw_random is legacy_raw
    assert legacy_raw.uniform is raw_random.uniform
    assert legacy_raw.random_state_type == random_state_type
    with pytest.raises(AttributeError):
        T.not_a_module  # noqa: B018
