"""ifelse: lazy (only the chosen branch runs), gradients, printing; and printing.Print."""

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.gradient import verify_grad
from minitheano.ifelse import IfElse, ifelse

from .backends import BACKENDS, select_device


def _failing_branch(x):
    return x.reshape((2, 3)).sum()  # raises unless x has 6 elements


@pytest.mark.parametrize("device", BACKENDS)
def test_only_the_chosen_branch_runs(device, monkeypatch):
    select_device(device, monkeypatch)
    a, b, x = T.dscalar("a"), T.dscalar("b"), T.dvector("x")
    f = theano.function([a, b, x], ifelse(T.lt(a, b), x.sum(), _failing_branch(x)))
    assert f(1.0, 2.0, np.ones(5)) == 5.0  # the else branch would fail on 5 elements
    with pytest.raises(ValueError, match="reshape"):
        f(3.0, 2.0, np.ones(5))
    assert f(3.0, 2.0, np.ones(6)) == 6.0


def test_switch_stays_strict():
    a, x = T.dscalar("a"), T.dvector("x")
    f = theano.function([a, x], T.switch(T.gt(a, 0), x.sum(), _failing_branch(x)))
    with pytest.raises(ValueError, match="reshape"):
        f(1.0, np.ones(5))


def test_several_outputs_and_the_form_of_the_result():
    c, x, y = T.iscalar("c"), T.dvector("x"), T.dvector("y")
    pair = ifelse(c, [x, y], [y, x])
    assert isinstance(pair, list) and len(pair) == 2
    assert isinstance(ifelse(c, (x, y), (y, x)), tuple)
    f = theano.function([c, x, y], pair)
    np.testing.assert_array_equal(f(1, [1.0], [2.0]), [[1.0], [2.0]])
    np.testing.assert_array_equal(f(0, [1.0], [2.0]), [[2.0], [1.0]])


def test_nested_ifelse_and_values_shared_with_the_outer_graph():
    c1, c2, x = T.iscalar("c1"), T.iscalar("c2"), T.dvector("x")
    shared_part = T.exp(x)  # used by a branch and by the outer graph: computed once, eagerly
    inner = ifelse(c2, shared_part.sum(), _failing_branch(x))
    out = ifelse(c1, inner, x.max()) + shared_part[0]
    f = theano.function([c1, c2, x], out)
    value = np.array([0.0, 1.0, 2.0])
    assert np.isclose(f(1, 1, value), np.exp(value).sum() + 1)
    assert np.isclose(f(0, 0, value), 2.0 + 1)  # neither inner branch runs


def test_gradients_flow_into_the_chosen_branch():
    c = T.iscalar("c")
    x = T.dvector("x")
    y = ifelse(c, (x**2).sum(), T.sin(x).sum())
    g = theano.function([c, x], T.grad(y, x))
    value = np.array([0.5, -1.0])
    np.testing.assert_allclose(g(1, value), 2 * value)
    np.testing.assert_allclose(g(0, value), np.cos(value))
    verify_grad(lambda x: ifelse(T.gt(x.sum(), 0), x**3, T.tanh(x)), [np.array([0.3, 0.4])])


def test_branches_must_have_the_same_types():
    c, x, f = T.iscalar("c"), T.dvector("x"), T.fvector("f")
    with pytest.raises(TypeError, match="identical types"):
        ifelse(c, x, f)
    with pytest.raises(TypeError, match="scalar"):
        ifelse(x, x, x)
    with pytest.raises(ValueError, match="as many"):
        ifelse(c, [x, x], [x])


def test_the_program_shows_both_branches_and_shapes_are_inferred():
    c, x = T.iscalar("c"), T.dvector("x")
    out = ifelse(c, T.exp(x), T.log(x))
    f = theano.function([c, x], [out, out.shape])
    text = str(f.program)
    assert "if{}" in text and "then:" in text and "else:" in text
    assert [np.asarray(v).tolist() for v in f(1, [1.0, 2.0])][1] == [2]
    assert isinstance(out.owner.op, IfElse)


def test_print_prints_at_run_time_and_passes_values_and_gradients(capsys):
    x = T.dvector("x")
    shown = theano.printing.Print("x is", attrs=("shape", "sum"))(x)
    f = theano.function([x], [shown * 2, T.grad((shown**2).sum(), x)])
    out, grad = f(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(out, [2.0, 4.0])
    np.testing.assert_array_equal(grad, [2.0, 4.0])
    assert capsys.readouterr().out.splitlines() == ["x is shape = (2,)", "x is sum = 3.0"]
    f(np.array([1.0]))
    assert "x is shape = (1,)" in capsys.readouterr().out
