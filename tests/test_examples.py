"""The tutorial examples on the real MNIST."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))


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
