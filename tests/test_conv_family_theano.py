"""The convolution family, batch normalization, neighbours and hierarchical softmax against
Theano 1.0.5's numbers (made by ``tests/reference/make_conv_family_reference.py``, which holds
the cases: the same builders run here with minitheano)."""

import os

import numpy as np
import pytest

import minitheano

from .reference.make_conv_family_reference import CASES, OUTPUT, run

REFERENCE = np.load(OUTPUT)


@pytest.mark.parametrize("name", list(CASES))
def test_matches_theano(name):
    got = run(minitheano, name)
    expected = [REFERENCE[f"{name}/{i}"] for i in range(len(got))]
    assert f"{name}/{len(got)}" not in REFERENCE  # as many outputs as Theano's
    for i, (value, reference) in enumerate(zip(got, expected)):
        assert value.shape == reference.shape, (name, i)
        np.testing.assert_allclose(value, reference, rtol=1e-10, atol=1e-12, err_msg=f"{name}/{i}")


def test_reference_script_is_next_to_its_numbers():
    assert os.path.dirname(OUTPUT).endswith(os.path.join("tests", "reference"))
