"""MRG_RandomStreams: Theano 1.0.5's numbers, statistics, updates, pickling and errors.

The reference numbers (tests/reference/theano_mrg.npz) come from real Theano with its C code
(tests/reference/make_mrg_reference.py, whose cases this file imports). What must agree bit for
bit: the generator states, the raw uniform numbers (float32 and float64), binomial,
multinomial and choice. Within a tolerance, with why:
- ``normal``: Box-Muller's log, cos and sin come from glibc in Theano's C code and from
  NumPy's SIMD functions here; they differ by an ulp in some inputs (a few ulps after
  sqrt and the products);
- ``uniform(low, high)`` and ``normal(avg, std)``: Theano's C code is built with
  ``-march=native``, so ``u * (high - low) + low`` becomes one fused multiply-add (one
  rounding) on CPUs with FMA; here the product and the sum are rounded separately.
"""

import copy
import importlib.util
import os
import pickle

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.random import mrg_core
from minitheano.random.mrg import MRG_RandomStreams, guess_n_streams
from minitheano.random.mrg_ops import MRGUniform

from .backends import NUMPY_AS_DEVICE, select_device

_spec = importlib.util.spec_from_file_location(
    "make_mrg_reference",
    os.path.join(os.path.dirname(__file__), "reference", "make_mrg_reference.py"),
)
REF = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(REF)
DATA = np.load(REF.PATH)

TODO = [(s, d, n) for s in REF.SEEDS for d in REF.DTYPES for n in REF.CASES]
TODO += [(REF.SEEDS[0], d, n) for d in REF.DTYPES for n in REF.EXTRA_CASES]
TOLERANT = ("normal", "uniform_low_high")


@pytest.fixture(autouse=True)
def _float32():
    theano.config.floatX = "float32"  # as in the reference run


def _two_calls(srng, build, dtype):
    inputs, outputs, args = build(srng, T, dtype)
    f = theano.function(inputs, outputs)
    return REF._pack([o for _ in range(2) for o in f(*args)])


@pytest.mark.parametrize("seed, dtype, name", TODO)
def test_matches_theano(seed, dtype, name):
    build = {**REF.CASES, **REF.EXTRA_CASES}[name]
    got = _two_calls(MRG_RandomStreams(seed), build, dtype)
    want = DATA[REF.key(seed, dtype, name)]
    assert got.dtype == want.dtype and got.shape == want.shape
    if not name.startswith(TOLERANT):
        np.testing.assert_array_equal(got, want)
        return
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(got, want, rtol=8 * eps, atol=16 * eps)
    assert np.mean(got == want) > 0.6  # most are bit for bit: the streams are the same


@pytest.mark.parametrize("seed", REF.SEEDS)
def test_substream_states_match_theano(seed):
    srng = MRG_RandomStreams(seed)
    first = srng.get_substream_rstates(5, "float32")
    second = srng.get_substream_rstates(3, "float64", inc_rstate=False)
    got = np.concatenate([first, second, srng.rstate[None]])
    np.testing.assert_array_equal(got, DATA[f"substreams__{seed}"])
    assert got.dtype == np.int32


def test_seed_restarts_the_draws_as_theano_does():
    srng = MRG_RandomStreams(REF.SEEDS[0])
    f = theano.function([], [srng.uniform((3, 5)), srng.normal((4,))])
    f()
    srng.seed(987)
    got = REF._pack([o for _ in range(2) for o in f()])
    want = DATA["reseed__float32__987"]
    np.testing.assert_array_equal(got[:15], want[:15])
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=2e-6)


# --- the generator ---------------------------------------------------------------------------


@pytest.mark.parametrize("n_streams, n", [(1, 300), (3, 1001), (7, 50), (200, 20000), (9, 5)])
def test_chunked_draw_equals_the_stream_by_stream_draw(n_streams, n, monkeypatch):
    start = mrg_core.substream_states([5] * 6, n_streams)
    monkeypatch.setattr(mrg_core, "TARGET_WIDTH", 1)  # one lane per stream, step by step
    slow_state, slow = mrg_core.draw(np, start, n, "float64")
    monkeypatch.setattr(mrg_core, "TARGET_WIDTH", 64)
    monkeypatch.setattr(mrg_core, "MIN_CHUNK_STEPS", 2)
    fast_state, fast = mrg_core.draw(np, start, n, "float64")
    np.testing.assert_array_equal(fast, slow)
    np.testing.assert_array_equal(fast_state, slow_state)


def test_draw_leaves_its_input_alone_and_runs_on_the_device_code_path():
    start = mrg_core.substream_states([7] * 6, 4)
    kept = start.copy()
    op = MRGUniform("float32", 2)
    state, sample = op.perform(np, start, np.array([3, 5]))
    np.testing.assert_array_equal(start, kept)
    assert not np.shares_memory(state, start) and sample.shape == (3, 5)
    state2, sample2 = op.perform(NUMPY_AS_DEVICE, start, np.array([3, 5]))
    np.testing.assert_array_equal(sample2, sample)
    np.testing.assert_array_equal(state2, state)


def test_long_draws_on_the_device_code_path_are_chunked_alike():
    start = mrg_core.substream_states([9] * 6, 4)
    state, sample = mrg_core.draw(np, start, 100_003, "float32")
    state2, sample2 = mrg_core.draw(NUMPY_AS_DEVICE, start, 100_003, "float32")
    np.testing.assert_array_equal(sample2, sample)
    np.testing.assert_array_equal(state2, state)


def test_float32_samples_stay_below_one_even_at_the_top_of_the_range():
    top = np.full(3, mrg_core.M1, dtype=np.uint32)
    row = np.empty(3, dtype="float32")
    mrg_core._write(np, row, top, "float32")
    assert row.max() < 1.0
    row64 = np.empty(3)
    mrg_core._write(np, row64, top, "float64")
    assert row64.max() < 1.0


def test_device_backend_gives_the_cpu_numbers(monkeypatch):
    f = theano.function([], MRG_RandomStreams(3).normal((50,)))
    want = f()
    select_device("device-path", monkeypatch)
    g = theano.function([], MRG_RandomStreams(3).normal((50,)))
    np.testing.assert_array_equal(g(), want)


# --- statistics ------------------------------------------------------------------------------


def test_uniform_and_normal_moments():
    srng = MRG_RandomStreams(42)
    u, z = theano.function([], [srng.uniform((100, 100)), srng.normal((100, 100), 3.0, 2.0)])()
    assert u.dtype == "float32" and 0 < u.min() and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.005
    assert abs(z.mean() - 3.0) < 0.05 and abs(z.std() - 2.0) < 0.05
    lo_hi = theano.function([], srng.uniform((1000,), low=-3.0, high=-2.0, dtype="float64"))()
    assert lo_hi.dtype == "float64" and -3 < lo_hi.min() and lo_hi.max() < -2


def test_truncated_normal_stays_within_two_std():
    srng = MRG_RandomStreams(42)
    z, t = theano.function(
        [], [srng.normal((4001,), truncate=True), srng.truncated_normal((4001,), 1.0, 0.5)]
    )()
    assert np.abs(z).max() <= 2.0 and z.shape == (4001,)
    assert t.min() >= 1.0 - 2 * 0.5 / 0.8796 - 1e-6 and abs(t.std() - 0.5) < 0.03


def test_binomial_frequencies_follow_p():
    p = np.array([[0.1, 0.5, 0.9]], dtype="float32").repeat(3000, axis=0)
    srng = MRG_RandomStreams(7)
    b = theano.function([], srng.binomial(p.shape, p=p, dtype="int8"))()
    assert b.dtype == "int8" and set(np.unique(b)) <= {0, 1}
    np.testing.assert_allclose(b.mean(axis=0), [0.1, 0.5, 0.9], atol=0.03)


def test_multinomial_and_choice_shapes_and_frequencies():
    pvals = np.array([[0.2, 0.3, 0.5]] * 2000, dtype="float32")
    srng = MRG_RandomStreams(7)
    counts, picks = theano.function(
        [], [srng.multinomial(n=4, pvals=pvals), srng.choice(size=2, replace=False, p=pvals)]
    )()
    assert counts.dtype == "int64" and (counts.sum(axis=1) == 4).all()
    np.testing.assert_allclose(counts.mean(axis=0) / 4, [0.2, 0.3, 0.5], atol=0.03)
    assert picks.shape == (2000, 2) and (picks[:, 0] != picks[:, 1]).all()
    np.testing.assert_allclose(np.bincount(picks[:, 0]) / 2000, [0.2, 0.3, 0.5], atol=0.04)
    with pytest.warns(DeprecationWarning):
        alias = srng.multinomial_wo_replacement(n=2, pvals=pvals)
    assert alias.owner.op == picks_op(srng, pvals)


def picks_op(srng, pvals):
    return srng.choice(size=2, replace=False, p=pvals).owner.op


# --- state updates ---------------------------------------------------------------------------


def test_each_call_draws_anew_unless_default_updates_are_off():
    srng = MRG_RandomStreams(1)
    u = srng.uniform((4,))
    f = theano.function([], u)
    assert not np.array_equal(f(), f())
    state = u.rstate
    before = state.get_value()
    g = theano.function([], u, no_default_updates=True)
    np.testing.assert_array_equal(g(), g())
    np.testing.assert_array_equal(state.get_value(), before)
    h = theano.function([], u, no_default_updates=[state])
    np.testing.assert_array_equal(h(), h())
    keep = theano.function([], u, updates=[(state, state)])  # an explicit update wins
    np.testing.assert_array_equal(keep(), keep())
    assert srng.updates() == [(state, u.update[1])]
    assert srng.state_updates[0][:2] == (state, u.update[1])


def test_a_draw_used_twice_in_one_call_is_one_draw():
    srng = MRG_RandomStreams(1)
    u = srng.uniform((5,))
    a, b = theano.function([], [u, u + 0])()
    np.testing.assert_array_equal(a, b)


def test_pickled_and_copied_functions_continue_the_stream():
    srng = MRG_RandomStreams(11)
    x = T.matrix("x")
    out = x * srng.binomial(size=x.shape, p=0.5, dtype="float32") + srng.normal((2, 3))
    f = theano.function([x], out)
    v = np.ones((2, 3), dtype="float32")
    f(v)
    clones = [pickle.loads(pickle.dumps(f)), copy.deepcopy(f)]
    want = f(v)
    for g in clones:
        np.testing.assert_array_equal(g(v), want)
    again = pickle.loads(pickle.dumps(srng))
    assert len(again.state_updates) == 2


# --- graphs ----------------------------------------------------------------------------------


def test_gradient_flows_through_a_dropout_mask():
    srng = MRG_RandomStreams(5)
    w = theano.shared(np.ones((3, 4), dtype="float32"), name="W")
    x = T.matrix("x")
    h = T.dot(x, w)
    mask = srng.binomial(size=h.shape, p=0.5, dtype="float32")
    cost = (h * mask).sum()
    gw = T.grad(cost, w)
    f = theano.function([x], [gw, mask], no_default_updates=True)
    xv = np.arange(6, dtype="float32").reshape(2, 3)
    g, m = f(xv)
    np.testing.assert_allclose(g, xv.T @ m)


def test_symbolic_and_mixed_sizes():
    srng = MRG_RandomStreams(2)
    x = T.matrix("x")
    n = T.lscalar("n")
    outs = [srng.uniform(x.shape), srng.normal((n, 3)), srng.uniform([2, x.shape[0]])]
    f = theano.function([x, n], outs)
    a, b, c = f(np.zeros((4, 5), dtype="float32"), 5)
    assert a.shape == (4, 5) and b.shape == (5, 3) and c.shape == (2, 4)
    assert outs[0].ndim == 2 and outs[2].ndim == 2
    assert theano.function([n], srng.uniform((n,)))(0).shape == (0,)
    shape = theano.function([x], srng.uniform(x.shape).shape)
    assert tuple(shape(np.zeros((2, 7), dtype="float32"))) == (2, 7)


def test_streams_used_per_draw_follow_theano():
    assert guess_n_streams((7,)) == 1 and guess_n_streams((3, 5)) == 2
    assert guess_n_streams([1000, 1000]) == 60 * 256 and guess_n_streams((2,)) == 2
    x = T.vector()
    assert guess_n_streams(x.shape) == 60 * 256
    srng = MRG_RandomStreams(1)
    srng.uniform((17, 3))
    srng.normal((3,))
    assert [s.get_value().shape for s, *_ in srng.state_updates] == [(8, 6), (60 * 256, 6)]


def test_debugprint_names_the_draw():
    srng = MRG_RandomStreams(1)
    text = theano.printing.debugprint(srng.uniform((2, 3), dtype="float64"), file="str")
    assert text.splitlines()[0].startswith("mrg_uniform{float64}.1")


def test_legacy_import_paths():
    from minitheano.random import MRG_RandomStreams as from_random
    from minitheano.sandbox.rng_mrg import MRG_RandomStreams as from_sandbox

    assert from_random is from_sandbox is MRG_RandomStreams


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda s: s.uniform((2, 3), ndim=3), ValueError, "ndim=3.*2 entries"),
        (lambda s: s.uniform((2.0, 3)), TypeError, "ints or integer scalars.*2.0"),
        (lambda s: s.uniform((0, 3)), ValueError, "<= 0"),
        (lambda s: s.uniform("abc"), TypeError, "tuple of ints"),
        (lambda s: s.uniform((2,), dtype="int32"), TypeError, "dtype must be one of"),
        (lambda s: s.uniform((2,), low=np.zeros((2, 2))), ValueError, "low has ndim 2"),
        (lambda s: s.uniform(T.matrix().shape[0] * T.vector()), TypeError, "integer vector"),
        (lambda s: s.normal((3,), avg=np.zeros((3, 3))), ValueError, "avg has ndim 2"),
        (lambda s: s.binomial((3,), p=np.full((3, 2), 0.5)), ValueError, "p has ndim 2"),
        (lambda s: s.binomial((3, 5), p=np.full((3, 2), 0.5)), ValueError, r"\(3, 2\).*\(3, 5\)"),
        (lambda s: s.normal((4,), std=np.ones(3)), ValueError, r"std of shape \(3,\)"),
        (lambda s: s.binomial(p=0.5), TypeError, "size must be given"),
        (lambda s: s.binomial((3,), n=2), NotImplementedError, "n > 1"),
        (lambda s: s.multinomial(pvals=[0.5, 0.5]), ValueError, "pvals must be a matrix"),
        (lambda s: s.multinomial(size=(2,), pvals=[[1.0]]), ValueError, "not used"),
        (lambda s: s.multinomial(), TypeError, "pvals must be given"),
        (lambda s: s.choice(p=[0.5, 0.5]), ValueError, "p must be a matrix"),
        (lambda s: s.choice(a=3, p=[[1.0]]), TypeError, "a must be None"),
    ],
)
def test_bad_arguments_say_what_is_wrong(call, error, match):
    with pytest.raises(error, match=match):
        call(MRG_RandomStreams(1))


@pytest.mark.parametrize(
    "seed, error",
    [
        (0, ValueError),
        (2**31, ValueError),
        ([1, 2, 3], TypeError),
        ([0, 0, 0, 1, 1, 1], ValueError),
        ("x", TypeError),
    ],
)
def test_bad_seeds(seed, error):
    with pytest.raises(error, match="seed"):
        MRG_RandomStreams(seed)


def test_choice_without_replacement_needs_enough_outcomes():
    srng = MRG_RandomStreams(1)
    f = theano.function([], srng.choice(size=3, replace=False, p=[[0.5, 0.5]]))
    with pytest.raises(ValueError, match="without replacement"):
        f()
