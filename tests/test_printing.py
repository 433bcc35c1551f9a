"""debugprint, pp, printed programs and profiles."""

import io

import numpy as np

import minitheano as theano
import minitheano.tensor as T
from minitheano.printing import debugprint, pp


def _graph():
    x = T.dmatrix("x")
    W = theano.shared(np.ones((3, 2)), name="W")
    b = theano.shared(np.zeros(2), name="b")
    return x, W, b, T.nnet.sigmoid(T.dot(x, W) + b)


def test_debugprint_golden():
    x, W, b, out = _graph()
    assert (
        debugprint(out, file="str")
        == """\
Elemwise{sigmoid} [id A] ''
 |Elemwise{add} [id B] ''
 | |Dot [id C] ''
 | | |x [id D]
 | | |W [id E]
 | |DimShuffle{x,0} [id F] ''
 | | |b [id G]"""
    )


def test_debugprint_options():
    x, W, b, out = _graph()
    typed = debugprint(out, file="str", print_type=True)
    assert "<TensorType(float64, matrix)>" in typed
    assert "[id" not in debugprint(out, file="str", ids="")
    assert debugprint(out, file="str", depth=1) == "Elemwise{sigmoid} [id A] ''"
    buf = io.StringIO()
    debugprint([out, out.sum()], file=buf)
    assert buf.getvalue().count("Elemwise{sigmoid}") == 2


def test_debugprint_of_a_compiled_function_shows_updates():
    x, W, b, out = _graph()
    f = theano.function([x], out.max(), updates=[(W, W * 2)])
    text = debugprint(f, file="str")
    assert text.startswith("Max{axis=[0, 1]}") and "update of W:" in text
    assert "FusedElemwise{sigmoid(add(i0, i1))}" in text  # the compiled graph is printed


def test_pp_is_math_like():
    x, W, b, out = _graph()
    assert pp(out) == "sigmoid((Dot(x, W) + b.dimshuffle('x', 0)))"
    y = T.dscalar("y")
    assert pp(y**2 - 3 * y) == "((y ** 2.0) - (3.0 * y))"  # int constants take y's dtype


def test_print_program_one_line_per_step():
    x, W, b, out = _graph()
    f = theano.function([x], out)
    lines = str(f.program).splitlines()
    assert lines[0] == "s0 <- input x : TensorType(float64, matrix)"
    assert any(line.startswith("s") and "= Dot(" in line for line in lines)
    assert lines[-1].startswith("return s")


def test_profile_summary_lists_ops_nodes_calls_shares_and_shapes():
    x, W, b, out = _graph()
    f = theano.function([x], out.sum(), profile=True)
    for _ in range(3):
        f(np.ones((4, 3)))
    buf = io.StringIO()
    f.profile.summary(file=buf)
    text = buf.getvalue()
    assert "calls: 3" in text and "Ops (by total time)" in text and "Apply nodes" in text
    assert "Dot" in text and "[(4, 2)]" in text and "%" in text
    assert sum(f.profile.node_calls.values()) == 3 * len(f.program.steps)
