"""Reference numbers for the convolution family, batch normalization, neighbours and
hierarchical softmax, computed with real Theano 1.0.5.

Run it under Theano (kept out of this repository)::

    THEANO_FLAGS=cxx=,floatX=float64,device=cpu \\
        /path/to/venv-theano/bin/python tests/reference/make_conv_family_reference.py

It writes ``theano_conv_family.npz`` next to itself: for every case of ``CASES``, the outputs
(each op's value and the gradients of ``sum(sin(output))``) on the case's inputs.
``tests/test_conv_family_theano.py`` runs the same builders with minitheano: the builders take
the library as an argument and use only the API the two share. Float64, so the comparison is to
rounding.
"""

from __future__ import annotations

import importlib
import os
import sys
from types import SimpleNamespace

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "theano_conv_family.npz")


def modules(theano):
    """The modules the builders use, from ``theano`` or ``minitheano``."""

    def load(name):
        return importlib.import_module(f"{theano.__name__}.{name}")

    return SimpleNamespace(
        theano=theano,
        T=theano.tensor,
        ac=load("tensor.nnet.abstract_conv"),
        pool=load("tensor.signal.pool"),
        neib=load("tensor.nnet.neighbours"),
        bn=load("tensor.nnet.bn"),
        nnet=load("tensor.nnet"),
    )


def with_grads(m, out, wrt):
    """``out`` and the gradients of ``sum(sin(out))`` with respect to ``wrt``."""
    return [out] + m.T.grad(m.T.sum(m.T.sin(out)), wrt)


def _r(seed, *shape):
    return np.random.RandomState(seed).uniform(-1, 1, size=shape)


def _conv(kind, **kw):
    def build(m, x, w):
        return with_grads(m, getattr(m.ac, kind)(x, w, **kw), [x, w])

    return build


def _transposed(m, gz, w):
    return with_grads(
        m,
        m.ac.conv2d_grad_wrt_inputs(gz, w, (2, 3, 9, 8), subsample=(2, 2), border_mode=1),
        [gz, w],
    )


def _filter_grad(m, x, gz):
    out = m.ac.conv2d_grad_wrt_weights(x, gz, (4, 3, 3, 2), border_mode="half", subsample=(1, 2))
    return with_grads(m, out, [x, gz])


def _pool3(mode, grad=True, **kw):
    def build(m, x):
        out = m.pool.pool_3d(x, mode=mode, **kw)
        return with_grads(m, out, [x]) if grad else [out]  # Theano: no gradient with padding

    return build


def _pool2_symbolic(m, x, ws, stride, pad):
    out = m.pool.pool_2d(x, ws=ws, stride=stride, pad=pad, ignore_border=True, mode="max")
    return with_grads(m, out, [x])


def _neibs(mode, shape, step, grad=True):
    def build(m, x):
        out = m.neib.images2neibs(x, shape, step, mode=mode)
        return with_grads(m, out, [x]) if grad else [out]

    return build


def _neibs_inverse(mode, grad=True):
    def build(m, x):
        out = m.neib.neibs2images(m.neib.images2neibs(x, (2, 3), mode=mode), (2, 3), x.shape, mode)
        return with_grads(m, out, [x]) if grad else [out]  # Theano's gradient fails here

    return build


def _bn_train(axes, ndim_params):
    def build(m, x, gamma, beta, rmean, rvar):
        out, mean, invstd, new_mean, new_var = m.bn.batch_normalization_train(
            x, gamma, beta, axes, 1e-3, 0.3, rmean, rvar
        )
        return with_grads(m, out, [x, gamma, beta]) + [mean, invstd, new_mean, new_var]

    return build


def _bn_test(m, x, gamma, beta, mean, var):
    out = m.bn.batch_normalization_test(x, gamma, beta, mean, var, "spatial", 1e-3)
    return with_grads(m, out, [x, gamma, beta, mean, var])


def _bn_formula(m, x, gamma, beta, mean, std):
    return with_grads(m, m.bn.batch_normalization(x, gamma, beta, mean, std), [x, gamma, std])


def _h_softmax(m, x, W1, b1, W2, b2, *target):
    out = m.nnet.h_softmax(x, 4, 11, 3, 4, W1, b1, W2, b2, *target)
    return with_grads(m, out, [x, W1, b1, W2, b2])


def _relu(m, x, alpha):
    return with_grads(m, m.nnet.relu(x, alpha), [x, alpha])


def _upsampling(**kw):
    def build(m, x):
        return with_grads(m, m.ac.bilinear_upsampling(x, **kw), [x])

    return build


I32 = np.int32
X4 = _r(1, 2, 4, 7, 6)
X5 = _r(2, 2, 3, 5, 6, 4)
BN_X = _r(9, 5, 3, 4, 2) * 3 + 1

#: name -> (builder, inputs)
CASES = {
    "conv2d_groups": (
        _conv("conv2d", num_groups=2, border_mode=(1, 2), subsample=(2, 1)),
        [X4, _r(3, 6, 2, 3, 2)],
    ),
    "conv2d_unshared": (
        _conv("conv2d", unshared=True, subsample=(1, 2)),
        [X4, _r(4, 5, 5, 3, 4, 3, 2)],
    ),
    "conv2d_unshared_noflip_groups": (
        _conv("conv2d", unshared=True, filter_flip=False, num_groups=2, border_mode="half"),
        [X4, _r(5, 4, 7, 6, 2, 3, 3)],
    ),
    "conv2d_asymmetric_dilated": (
        _conv("conv2d", border_mode=((1, 2), (0, 1)), filter_dilation=(2, 1)),
        [X4, _r(6, 3, 4, 2, 3)],
    ),
    "conv3d": (
        _conv("conv3d", border_mode="half", subsample=(1, 2, 1), filter_dilation=(1, 1, 2)),
        [X5, _r(7, 4, 3, 2, 3, 2)],
    ),
    "conv3d_full_noflip": (
        _conv("conv3d", border_mode="full", filter_flip=False),
        [X5, _r(8, 2, 3, 3, 2, 2)],
    ),
    "conv3d_padded_strided": (
        _conv("conv3d", border_mode=(1, 0, 2), subsample=(2, 2, 1)),
        [X5, _r(10, 3, 3, 2, 3, 3)],
    ),
    "conv2d_transposed": (_transposed, [_r(11, 2, 4, 5, 4), _r(12, 4, 3, 3, 3)]),
    "conv2d_grad_wrt_weights": (_filter_grad, [_r(13, 2, 3, 6, 5), _r(14, 2, 4, 6, 3)]),
    "separable_conv2d": (
        lambda m, x, dw, pw: with_grads(m, m.ac.separable_conv2d(x, dw, pw, 4), [x, dw, pw]),
        [X4, _r(15, 8, 1, 3, 3), _r(16, 5, 8, 1, 1)],
    ),
    "bilinear_2": (_upsampling(ratio=2), [_r(17, 2, 3, 3, 4)]),
    "bilinear_3_2d_kernel": (_upsampling(ratio=3, use_1D_kernel=False), [_r(18, 1, 2, 3, 3)]),
    "bilinear_frac_3_2": (
        _upsampling(frac_ratio=(3, 2), use_1D_kernel=False),
        [_r(19, 1, 2, 4, 3)],
    ),
    "pool3d_max": (_pool3("max", ws=(2, 2, 2), ignore_border=False), [X5]),
    "pool3d_max_stride_pad": (
        _pool3("max", ws=(3, 2, 2), stride=(2, 1, 2), pad=(1, 1, 0), ignore_border=True),
        [X5],
    ),
    "pool3d_sum": (_pool3("sum", ws=(2, 3, 2), stride=(1, 2, 2), ignore_border=False), [X5]),
    "pool3d_average_inc_pad": (
        _pool3("average_inc_pad", ws=(2, 2, 3), pad=(1, 1, 1), ignore_border=True),
        [X5],
    ),
    "pool3d_average_exc_pad": (
        _pool3(
            "average_exc_pad",
            grad=False,
            ws=(3, 2, 2),
            stride=(1, 1, 1),
            pad=(1, 0, 1),
            ignore_border=True,
        ),
        [X5],
    ),
    "pool3d_average_exc_pad_no_pad": (
        _pool3("average_exc_pad", ws=(3, 2, 2), stride=(2, 1, 1), ignore_border=False),
        [X5],
    ),
    "pool2d_symbolic_ws": (
        _pool2_symbolic,
        [X4, np.array([3, 2], I32), np.array([2, 1], I32), np.array([1, 0], I32)],
    ),
    "neibs_valid": (_neibs("valid", (2, 3), None), [X4[:, :, :6]]),
    "neibs_valid_step": (_neibs("valid", (3, 2), (2, 2), grad=False), [X4]),  # Theano: a scan
    "neibs_ignore_borders": (_neibs("ignore_borders", (3, 4), (2, 1), grad=False), [X4]),
    "neibs_wrap_centered": (_neibs("wrap_centered", (3, 5), (2, 3), grad=False), [X4]),
    "neibs_half": (_neibs("half", (3, 2), (1, 1), grad=False), [X4]),
    "neibs_full": (_neibs("full", (2, 3), (1, 1), grad=False), [X4]),
    "neibs2images_valid": (_neibs_inverse("valid"), [X4[:, :, :6]]),
    "neibs2images_ignore_borders": (_neibs_inverse("ignore_borders", grad=False), [X4]),
    "bn_train_per_activation": (
        _bn_train("per-activation", 3),
        [BN_X, _r(20, 3, 4, 2), _r(21, 3, 4, 2), _r(22, 3, 4, 2), _r(23, 3, 4, 2) + 2],
    ),
    "bn_train_spatial": (
        _bn_train("spatial", 1),
        [BN_X, _r(24, 3), _r(25, 3), _r(26, 3), _r(27, 3) + 2],
    ),
    "bn_train_axes_full_rank": (
        _bn_train((0, 2), 4),
        [BN_X, _r(28, 1, 3, 1, 2), _r(29, 1, 3, 1, 2), _r(30, 1, 3, 1, 2), _r(31, 1, 3, 1, 2) + 2],
    ),
    "bn_test": (_bn_test, [BN_X, _r(32, 3), _r(33, 3), _r(34, 3), _r(35, 3) + 2]),
    "bn_formula": (
        _bn_formula,
        [BN_X, _r(36, 1, 3, 4, 2), _r(37, 1, 3, 4, 2), _r(38, 1, 3, 4, 2), _r(39, 1, 3, 4, 2) + 2],
    ),
    "h_softmax_all": (
        _h_softmax,
        [_r(40, 4, 5), _r(41, 5, 3), _r(42, 3), _r(43, 3, 5, 4), _r(44, 3, 4)],
    ),
    "h_softmax_target": (
        _h_softmax,
        [
            _r(40, 4, 5),
            _r(41, 5, 3),
            _r(42, 3),
            _r(43, 3, 5, 4),
            _r(44, 3, 4),
            np.array([10, 0, 5, 7], I32),
        ],
    ),
    "relu_tensor_alpha": (_relu, [_r(45, 3, 4), _r(46, 4) * 0.3]),
}


def run(theano, name):
    """The outputs of case ``name`` computed with ``theano`` (or minitheano)."""
    m = modules(theano)
    build, arrays = CASES[name]
    inputs = [m.T.TensorType(str(a.dtype), tuple(s == 1 for s in a.shape))() for a in arrays]
    outputs = build(m, *inputs)
    return theano.function(inputs, outputs, on_unused_input="ignore")(*arrays)


def main():
    import theano

    assert theano.__version__.startswith("1.0.5"), theano.__version__
    results = {}
    for name in CASES:
        for i, value in enumerate(run(theano, name)):
            results[f"{name}/{i}"] = np.asarray(value)
        print(name, "ok", file=sys.stderr)
    np.savez_compressed(OUTPUT, **results)
    print(f"wrote {len(results)} arrays to {OUTPUT}")


if __name__ == "__main__":
    main()
