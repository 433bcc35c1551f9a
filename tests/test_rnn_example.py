"""examples/rnn.py: a few iterations of each cell lower the loss and write the plot."""

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))


@pytest.mark.parametrize("cell", ["elman", "lstm"])
def test_rnn_example_learns_and_plots(cell, tmp_path, capsys):
    import rnn

    losses, test_mse = rnn.main(
        ["--cell", cell, "--iterations", "40", "--steps", "20", "--batch", "8"]
        + ["--hidden", "8", "--out", str(tmp_path), "--no-progress"]
    )
    assert np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5])
    assert test_mse < losses[0]
    png = tmp_path / "rnn.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"saved {png}" in capsys.readouterr().out
