"""scan: values and gradients against NumPy loops, finite differences and real Theano."""

import os
import pickle
import sys
import types

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.gradient import verify_grad
from minitheano.ifelse import ifelse
from minitheano.random import MRG_RandomStreams, RandomStreams
from minitheano.scan import Scan
from minitheano.scan_module import until
from minitheano.scan_module.scan_utils import equal_computations

from .backends import BACKENDS, select_device

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "reference"))
import make_scan_reference as reference  # noqa: E402

RNG = np.random.RandomState(0)


def _rnn(x, h0, W):
    h, _ = theano.scan(
        lambda x_t, h, W: T.tanh(x_t + T.dot(h, W)), sequences=x, outputs_info=h0, non_sequences=W
    )
    return h


def _numpy_rnn(X, H0, W):
    h, out = H0, []
    for x_t in X:
        h = np.tanh(x_t + h @ W)
        out.append(h)
    return np.array(out)


@pytest.mark.parametrize("device", BACKENDS)
def test_rnn_values_and_gradients(device, monkeypatch):
    select_device(device, monkeypatch)
    X, H0, W = RNG.randn(5, 3), RNG.randn(3), RNG.randn(3, 3) * 0.5
    x, h0, w = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")
    f = theano.function([x, h0, w], _rnn(x, h0, w))
    np.testing.assert_allclose(f(X, H0, W), _numpy_rnn(X, H0, W), rtol=1e-12)
    verify_grad(lambda x, h0, w: _rnn(x, h0, w), [X, H0, W], rng=np.random.RandomState(1))


@pytest.mark.parametrize("name", sorted(reference.CASES))
def test_same_numbers_as_theano(name):
    """Taps, go_backwards, outputs not fed back, while loops, truncated gradients and random
    draws inside the loop give Theano 1.0.5's numbers (tests/reference/make_scan_reference.py)."""
    ns = types.SimpleNamespace(
        theano=theano,
        T=T,
        until=until,
        RandomStreams=RandomStreams,
        MRG_RandomStreams=MRG_RandomStreams,
    )
    expected = np.load(os.path.join(os.path.dirname(__file__), "reference", "theano_scan.npz"))
    outputs = reference.run_case(ns, reference.CASES[name])
    for k, out in enumerate(outputs):
        np.testing.assert_allclose(out, expected[f"{name}/{k}"], rtol=1e-12, atol=1e-14)


def test_sequence_taps_and_fed_back_taps():
    s = T.dvector("s")
    second_diff, _ = theano.scan(
        lambda a, b, c: a - 2 * b + c, sequences=dict(input=s, taps=[-1, 0, 1])
    )
    np.testing.assert_allclose(theano.function([s], second_diff)(np.arange(6.0) ** 2), [2] * 4)
    init = T.dvector("init")
    fib, _ = theano.scan(
        lambda a, b: a + b, outputs_info=dict(initial=init, taps=[-2, -1]), n_steps=6
    )
    np.testing.assert_allclose(theano.function([init], fib)([1.0, 1.0]), [2, 3, 5, 8, 13, 21])
    verify_grad(
        lambda init: theano.scan(
            lambda a, b: T.sin(a) * b, outputs_info=dict(initial=init, taps=[-2, -1]), n_steps=5
        )[0],
        [np.array([0.3, 0.8])],
    )


def test_outputs_not_fed_back_and_the_order_of_outputs():
    x = T.dvector("x")

    def step(x_t, acc):
        return x_t * 10, acc + x_t  # the first output is a map, the second a sum

    (tens, sums), _ = theano.scan(step, sequences=x, outputs_info=[None, T.constant(0.0)])
    f = theano.function([x], [tens, sums])
    a, b = f(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(a, [10, 20, 30])
    np.testing.assert_allclose(b, [1, 3, 6])


def test_until_stops_the_loop_and_its_gradient_pads_the_sequence():
    x = T.dvector("x")
    out, _ = theano.scan(
        lambda x_t, acc: (acc + x_t, until(acc + x_t > 5)),
        sequences=x,
        outputs_info=T.constant(0.0),
    )
    f = theano.function([x], [out, T.grad(out.sum(), x)])
    values, grad = f(np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    np.testing.assert_allclose(values, [1, 3, 6])
    np.testing.assert_allclose(grad, [3, 2, 1, 0, 0])  # steps not run get no gradient


def test_go_backwards_and_symbolic_n_steps():
    x, n = T.dvector("x"), T.lscalar("n")
    out, _ = theano.scan(
        lambda x_t, acc: acc * 10 + x_t,
        sequences=x,
        outputs_info=T.constant(0.0),
        go_backwards=True,
        n_steps=n,
    )
    f = theano.function([x, n], out)
    np.testing.assert_allclose(f(np.array([1.0, 2.0, 3.0, 4.0]), 3), [4, 43, 432])
    with pytest.raises(ValueError, match="fewer than the 5 steps"):
        f(np.array([1.0, 2.0, 3.0, 4.0]), 5)
    verify_grad(
        lambda x: theano.scan(
            lambda x_t, acc: T.sin(acc) + x_t**2,
            sequences=x,
            outputs_info=T.constant(0.1),
            go_backwards=True,
        )[0],
        [RNG.randn(4)],
    )


def test_truncated_gradient_matches_truncated_bptt_in_numpy():
    X, W, H0 = RNG.randn(6, 2), RNG.randn(2, 2) * 0.5, RNG.randn(2)
    x, w, h0 = T.dmatrix("x"), T.dmatrix("w"), T.dvector("h0")
    h, _ = theano.scan(
        lambda x_t, h, w: T.tanh(x_t + T.dot(h, w)),
        sequences=x,
        outputs_info=h0,
        non_sequences=w,
        truncate_gradient=2,
    )
    gx, gw = theano.function([x, w, h0], T.grad(h[-1].sum(), [x, w]))(X, W, H0)
    hs = _numpy_rnn(X, H0, W)
    a, ref_gw, ref_gx = np.ones(2), np.zeros_like(W), np.zeros_like(X)
    for t in (5, 4):  # only the last two steps
        pre = a * (1 - hs[t] ** 2)
        ref_gx[t] = pre
        ref_gw += np.outer(hs[t - 1], pre)
        a = W @ pre
    np.testing.assert_allclose(gx, ref_gx, rtol=1e-12)
    np.testing.assert_allclose(gw, ref_gw, rtol=1e-12)


def test_nested_scans_values_and_gradients():
    def inner_sum(row, w):
        total, _ = theano.reduce(lambda v, acc, w: acc + T.tanh(v * w), row, T.constant(0.0), w)
        return total

    def outer(m, w):
        sums, _ = theano.scan(inner_sum, sequences=m, non_sequences=w)
        return sums

    M = RNG.randn(3, 4)
    m, w = T.dmatrix("m"), T.dscalar("w")
    np.testing.assert_allclose(
        theano.function([m, w], outer(m, w))(M, 0.7), np.tanh(M * 0.7).sum(1), rtol=1e-12
    )
    verify_grad(outer, [M, np.array(0.7)])


def test_shared_variables_inside_fn_are_found_and_updated():
    W = theano.shared(np.eye(2) * 0.5, name="W")
    counter = theano.shared(np.int64(0), name="counter")
    x = T.dmatrix("x")

    def step(x_t, h):
        return T.dot(h, W) + x_t, {counter: counter + 1}

    h, updates = theano.scan(step, sequences=x, outputs_info=T.zeros((2,)))
    assert list(updates) == [counter]
    cost = h.sum()
    f = theano.function([x], [cost, T.grad(cost, W)], updates=updates)
    X = RNG.randn(3, 2)
    value, gW = f(X)
    assert counter.get_value() == 3
    Wv, hv, ref = 0.5 * np.eye(2), np.zeros(2), 0.0
    for x_t in X:
        hv = hv @ Wv + x_t
        ref += hv.sum()
    assert np.isclose(value, ref)
    eps = 1e-6
    for i, j in np.ndindex(2, 2):
        W.set_value(Wv + eps * (np.arange(4).reshape(2, 2) == 2 * i + j))
        plus = f(X)[0]
        W.set_value(Wv - eps * (np.arange(4).reshape(2, 2) == 2 * i + j))
        assert np.isclose(gW[i, j], (plus - f(X)[0]) / (2 * eps), rtol=1e-6)


def test_random_draws_advance_between_steps_and_calls():
    srng = RandomStreams(seed=7)
    draws, updates = theano.scan(lambda: srng.uniform((2,)), n_steps=3)
    f = theano.function([], draws, updates=updates)
    first, second = f(), f()
    assert len({tuple(row) for row in np.concatenate([first, second])}) == 6
    g = theano.function([], draws, no_default_updates=True)  # nothing moves the stream on
    np.testing.assert_array_equal(g(), g())


def test_second_derivatives_through_scan():
    a = T.dscalar("a")
    z, _ = theano.scan(
        lambda h, a: T.sin(a * h) + h, outputs_info=T.constant(0.3), non_sequences=a, n_steps=4
    )
    first = T.grad(z[-1], a)
    second = T.grad(first, a)
    f = theano.function([a], [z[-1], first, second])
    value, g1, g2 = f(0.7)
    fc = theano.function([a], z[-1])
    eps = 1e-4
    assert np.isclose(g1, (fc(0.7 + eps) - fc(0.7 - eps)) / (2 * eps), rtol=1e-6)
    assert np.isclose(g2, (fc(0.7 + eps) - 2 * value + fc(0.7 - eps)) / eps**2, rtol=1e-4)


def test_map_reduce_foldl_foldr():
    x = T.dvector("x")
    squares, _ = theano.map(lambda v: v**2, sequences=x)
    total, _ = theano.reduce(lambda v, acc: acc + v, x, T.constant(0.0))
    left, _ = theano.foldl(lambda v, acc: acc * 10 + v, x, T.constant(0.0))
    right, _ = theano.foldr(lambda v, acc: acc * 10 + v, x, T.constant(0.0))
    f = theano.function([x], [squares, total, left, right])
    out = f(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(out[0], [1, 4, 9])
    assert out[1:] == [6, 123, 321]


def test_n_steps_one_applies_fn_once_without_a_loop():
    x = T.dvector("x")
    out, _ = theano.scan(lambda v: v * 2, sequences=x, n_steps=1)
    f = theano.function([x], out)
    np.testing.assert_allclose(f(np.array([3.0, 4.0])), [6.0])
    assert not any(isinstance(s.node.op, Scan) for s in f.program.steps)


def test_loop_invariants_are_computed_once_outside_the_loop():
    x, W = T.dmatrix("x"), T.dmatrix("W")
    h, _ = theano.scan(lambda x_t: T.dot(x_t, T.exp(W)), sequences=x)
    f = theano.function([x, W], h)
    scan_step = next(s for s in f.program.steps if isinstance(s.node.op, Scan))
    inner = str(scan_step.fn.inner_programs[0][1])
    assert "exp" in str(f.program).replace(inner, "") and "exp" not in inner
    X, Wv = RNG.randn(3, 2), RNG.randn(2, 2)
    np.testing.assert_allclose(f(X, Wv), X @ np.exp(Wv))


def test_state_type_mismatch_raises_at_build_time_naming_types_and_line():
    x = T.fvector("x")
    with pytest.raises(ValueError) as info:
        theano.scan(lambda v, acc: acc + T.cast(v, "float64"), sequences=x, outputs_info=x[0])
    message = str(info.value)
    assert "float32" in message and "float64" in message
    assert f"{__file__}:" in message  # the user's line


def test_outputs_info_count_mismatch_and_missing_steps_raise():
    x = T.dvector("x")
    with pytest.raises(ValueError, match="outputs_info"):
        theano.scan(lambda v, acc: [v, acc], sequences=x, outputs_info=[T.constant(0.0)])
    with pytest.raises(ValueError, match="number of steps"):
        theano.scan(lambda acc: acc, outputs_info=T.constant(0.0))


def test_error_inside_a_step_names_the_step_the_node_and_the_line_in_fn():
    x = T.dmatrix("x")

    def step(x_t):
        return x_t.reshape((2, 2))  # fails on the rows of length 3

    out, _ = theano.scan(step, sequences=x)
    f = theano.function([x], out)
    with pytest.raises(ValueError) as info:
        f(np.ones((3, 3)))
    message = str(info.value)
    assert "step 0 of 3" in message and "Reshape" in message
    assert f"{__file__}:{step.__code__.co_firstlineno + 1}" in message


def test_debugprint_and_program_show_the_inner_graph():
    x, h0, w = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")
    h = _rnn(x, h0, w)
    text = theano.printing.debugprint(h, file="str")
    assert "Inner graphs of the scan ops:" in text
    assert " > | |x[t] [id" in text and "-> [id" in text
    f = theano.function([x, h0, w], h)
    program = str(f.program)
    assert "for{scan_fn} step:" in program and "input x[t]" in program


def test_pickling_a_function_with_a_scan_and_its_gradient():
    X, H0, W = RNG.randn(4, 3), RNG.randn(3), RNG.randn(3, 3) * 0.5
    x, h0, w = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")
    h = _rnn(x, h0, w)
    f = theano.function([x, h0, w], [h, T.grad(h.sum(), w)])
    g = pickle.loads(pickle.dumps(f))
    for a, b in zip(f(X, H0, W), g(X, H0, W)):
        np.testing.assert_array_equal(a, b)


def test_ordered_updates_merge_and_refuse_conflicts():
    a, b = theano.shared(0.0, name="a"), theano.shared(0.0, name="b")
    _, ua = theano.scan(lambda: {a: a + 1}, n_steps=2)
    _, ub = theano.scan(lambda: {b: b + 2}, n_steps=2)
    merged = ua + ub
    assert list(merged) == [a, b]
    theano.function([], [], updates=merged)()
    assert (a.get_value(), b.get_value()) == (2.0, 4.0)
    with pytest.raises(KeyError):
        ua + {a: a * 3}


def test_ifelse_inside_a_step_and_a_loop_inside_a_branch_stay_lazy():
    x, c, k = T.dmatrix("x"), T.dvector("c"), T.iscalar("k")
    out, _ = theano.scan(
        lambda row, c_t: ifelse(T.gt(c_t, 0), row.sum(), row.reshape((2, 3)).sum()),
        sequences=[x, c],
    )
    f = theano.function([x, c], out)
    np.testing.assert_array_equal(f(np.ones((2, 5)), [1.0, 1.0]), [5.0, 5.0])
    with pytest.raises(ValueError, match="step 1 of 2"):
        f(np.ones((2, 5)), [1.0, -1.0])
    loop, _ = theano.scan(lambda row: row.reshape((2, 3)).sum(), sequences=x)
    g = theano.function([k, x], ifelse(k, x.sum(), loop.sum()))
    assert g(1, np.ones((2, 5))) == 10.0  # the loop (failing on rows of 5) never ran


def test_print_inside_a_step_prints_at_every_step(capsys):
    out, _ = theano.scan(
        lambda a: theano.printing.Print("a")(a) + 1, outputs_info=T.constant(0.0), n_steps=3
    )
    theano.function([], out)()
    assert capsys.readouterr().out.splitlines() == [f"a __str__ = {v}" for v in (0.0, 1.0, 2.0)]


def test_strict_wants_shared_variables_in_non_sequences():
    W = theano.shared(2.0, name="W")
    with pytest.raises(ValueError, match="strict=True.*W"):
        theano.scan(lambda a: a * W, outputs_info=T.constant(1.0), n_steps=2, strict=True)
    out, _ = theano.scan(
        lambda a, W: a * W, outputs_info=T.constant(1.0), non_sequences=W, n_steps=2, strict=True
    )
    np.testing.assert_array_equal(theano.function([], out)(), [2.0, 4.0])


def test_zero_and_negative_step_counts():
    n = T.lscalar("n")
    out, _ = theano.scan(lambda a: a * 2, outputs_info=T.constant(1.0), n_steps=n)
    f = theano.function([n], out)
    assert f(0).shape == (0,)
    with pytest.raises(IndexError, match="negative"):
        f(-1)


def test_equal_loops_merge_and_equal_computations():
    x = T.dvector("x")
    a, _ = theano.scan(lambda v, acc: acc + v, sequences=x, outputs_info=T.constant(0.0))
    b, _ = theano.scan(lambda v, acc: acc + v, sequences=x, outputs_info=T.constant(0.0))
    c, _ = theano.scan(lambda v, acc: acc * v, sequences=x, outputs_info=T.constant(0.0))
    f = theano.function([x], [a, b * 2, c])
    assert sum(isinstance(s.node.op, Scan) for s in f.program.steps) == 2  # a and b: one loop
    np.testing.assert_array_equal(f([1.0, 2.0])[1], [2.0, 6.0])
    y, z = T.dvector("y"), T.dvector("z")
    assert equal_computations([T.exp(y) + 1], [T.exp(z) + 1], [y], [z])
    assert not equal_computations([T.exp(y) + 1], [T.exp(z) + 2], [y], [z])


@pytest.mark.parametrize("streams", [MRG_RandomStreams, RandomStreams])
def test_gradient_through_a_dropout_mask_drawn_inside_the_loop(streams):
    """The forward loop keeps its masks for the backward loop (no second draw)."""
    srng = streams(seed=3)

    def step(x_t, h, W):
        mask = srng.binomial(size=(3,), p=0.5, dtype="float64")
        return T.tanh(x_t + T.dot(h * mask, W))

    x, W = T.dmatrix("x"), T.dmatrix("W")
    h, _ = theano.scan(step, sequences=x, outputs_info=T.zeros((3,)), non_sequences=W)
    cost = (h**2).sum()
    f = theano.function([x, W], [cost, T.grad(cost, W)], no_default_updates=True)
    X, Wv = RNG.randn(5, 3), RNG.randn(3, 3)
    _, gW = f(X, Wv)
    eps, numeric = 1e-6, np.zeros_like(Wv)
    for idx in np.ndindex(3, 3):
        d = np.zeros_like(Wv)
        d[idx] = eps
        numeric[idx] = (f(X, Wv + d)[0] - f(X, Wv - d)[0]) / (2 * eps)
    np.testing.assert_allclose(gW, numeric, rtol=1e-6, atol=1e-9)


def test_gradient_through_a_loop_invariant_computed_outside():
    verify_grad(
        lambda x, W: theano.scan(lambda x_t: T.dot(x_t, T.exp(W)), sequences=x)[0],
        [RNG.randn(3, 2), RNG.randn(2, 2)],
    )


def test_per_step_results_nothing_reads_are_not_computed():
    x, h0, w = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")
    cost = _rnn(x, h0, w).sum()

    def backward_outputs(wrt):
        f = theano.function([x, h0, w], T.grad(cost, wrt))
        step = next(s for s in f.program.steps if str(s.node.op) == "for{grad_of_scan_fn}")
        return len(step.fn.inner_programs[0][1].output_slots), f

    only_w, f = backward_outputs([w])
    with_x, g = backward_outputs([w, x])
    assert (only_w, with_x) == (2, 3)  # the gradient of x is not computed when not asked for
    X, H0, W = RNG.randn(4, 3), RNG.randn(3), RNG.randn(3, 3) * 0.5
    np.testing.assert_allclose(f(X, H0, W)[0], g(X, H0, W)[0], rtol=1e-12)


def test_the_forward_loop_keeps_intermediates_only_for_a_gradient_that_reads_them():
    x, h0 = T.dmatrix("x"), T.dvector("h0")
    h, _ = theano.scan(lambda x_t, h: T.tanh(T.exp(x_t) * h), sequences=x, outputs_info=h0)

    def inner(f, name):
        step = next(s for s in f.program.steps if str(s.node.op) == name)
        return step.fn.inner_programs[0][1]

    plain = theano.function([x, h0], h)
    assert len(inner(plain, "for{scan_fn}").output_slots) == 1  # nothing kept
    g = theano.function([x, h0], T.grad(h.sum(), [x, h0]))
    assert len(inner(g, "for{scan_fn}").output_slots) == 2  # exp(x_t) kept for the backward
    assert "exp" not in str(inner(g, "for{grad_of_scan_fn}"))  # ... which does not recompute it
    verify_grad(
        lambda x, h0: theano.scan(
            lambda x_t, h: T.tanh(T.exp(x_t) * h), sequences=x, outputs_info=h0
        )[0],
        [RNG.randn(3, 2), RNG.randn(2)],
    )
