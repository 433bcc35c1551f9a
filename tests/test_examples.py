"""The tutorial examples on the real MNIST."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))


def test_one_epoch_of_logistic_regression_prints_the_tutorial_numbers(mnist_dir, tmp_path, capsys):
    import logistic_sgd

    best_valid, test_error, _, compile_s = logistic_sgd.sgd_optimization_mnist(
        n_epochs=1, dataset=mnist_dir, model_file=str(tmp_path / "best_model.pkl")
    )
    out = capsys.readouterr().out
    # the tutorial's printed figures, to the digit
    assert "epoch 1, minibatch 83/83, validation error 12.458333 %" in out
    assert "epoch 1, minibatch 83/83, test error of best model 12.375000 %" in out
    assert abs(best_valid * 100 - 12.458333) < 1e-4 and abs(test_error * 100 - 12.375) < 1e-4
    assert compile_s < 0.5


@pytest.mark.slow
def test_logistic_regression_reaches_the_tutorial_error(mnist_dir, tmp_path, capsys):
    import logistic_sgd

    best_valid, test_error, seconds, compile_s = logistic_sgd.sgd_optimization_mnist(
        dataset=mnist_dir, model_file=str(tmp_path / "best_model.pkl")
    )
    out = capsys.readouterr().out
    # the tutorial's printed figures, to the digit
    assert "epoch 1, minibatch 83/83, validation error 12.458333 %" in out
    assert test_error <= 0.08
    assert abs(test_error * 100 - 7.489583) < 1e-4 and abs(best_valid * 100 - 7.5) < 1e-4
    assert compile_s < 0.5
    logistic_sgd.predict(str(tmp_path / "best_model.pkl"), mnist_dir)
    assert "Predicted values" in capsys.readouterr().out


def test_maxpool_demo_prints_the_tutorial_numbers(capsys):
    import maxpool_demo

    maxpool_demo.main()
    out = capsys.readouterr().out
    assert "[[0.72032449 0.39676747]\n [0.6852195  0.87811744]]" in out
    assert (
        "[[0.67883553 0.58930554 0.69975836]" in out
        and "[0.90340192 0.80739129 0.39767684]]" in out
    )


def test_conv_demo_filters_an_rgb_image(tmp_path):
    import conv_demo
    import numpy as np
    from scipy.signal import correlate2d

    out = conv_demo.main(["--out", str(tmp_path / "demo.png")])
    img = conv_demo.synthetic_image()
    assert out.shape == (1, 2, img.shape[0] - 8, img.shape[1] - 8)
    # reference for one output pixel block: sigmoid(sum_c conv(img_c, W_k,c) + b_k)
    f = conv_demo.build_filter()  # same seed, so the same W and b as the run above
    shared = {v.name: v for v in f.program.variables if getattr(v, "name", None) in ("W", "b")}
    w, b = shared["W"].get_value(), shared["b"].get_value()
    patch = img[:20, :20].transpose(2, 0, 1)
    ref = sum(correlate2d(patch[c], w[1, c, ::-1, ::-1], mode="valid") for c in range(3)) + b[1]
    np.testing.assert_allclose(out[0, 1, :12, :12], 1 / (1 + np.exp(-ref)), rtol=1e-10)
