"""Op-spec entries of the convolution family, pooling in 3-D, neighbours, batch normalization,
hierarchical softmax and relu with a tensor slope, each against a plain NumPy loop
(``nnet_references``). ``op_specs.SPECS`` includes them: import ``op_specs``, not this module.
"""

from __future__ import annotations

import numpy as np

import minitheano.tensor as T
from minitheano.tensor.nnet import abstract_conv, bn, neighbours
from minitheano.tensor.signal import pool

from .nnet_references import (
    bn_train_reference,
    conv_reference,
    h_softmax_reference,
    neibs_reference,
    pool_reference,
    transposed_reference,
)
from .op_specs import OpSpec, u

TARGETS = np.array([6, 0, 3], dtype="int32")

NNET_SPECS = [
    OpSpec(
        "conv3d_half_strided",
        lambda x, w: abstract_conv.conv3d(x, w, border_mode="half", subsample=(2, 1, 1)),
        [u(2, 3, 5, 7, 3), u(2, 3, 3, 2, 1)],
        lambda x, w: conv_reference(x, w, ((1, 1), (1, 1), (0, 0)), (2, 1, 1)),
    ),
    OpSpec(
        "conv3d_dilated_noflip",
        lambda x, w: abstract_conv.conv3d(x, w, filter_flip=False, filter_dilation=(1, 2, 1)),
        [u(2, 3, 5, 7, 3), u(5, 3, 2, 2, 2)],
        lambda x, w: conv_reference(x, w, ((0, 0),) * 3, flip=False, dilation=(1, 2, 1)),
    ),
    OpSpec(
        "conv2d_groups",
        lambda x, w: abstract_conv.conv2d(x, w, num_groups=3, border_mode=(1, 0)),
        [u(2, 3, 5, 7), u(6, 1, 3, 2)],
        lambda x, w: conv_reference(x, w, ((1, 1), (0, 0)), groups=3),
    ),
    OpSpec(
        "conv2d_transposed",
        lambda gz, w: abstract_conv.conv2d_grad_wrt_inputs(
            gz, w, (2, 3, 7, 5), subsample=(2, 2), border_mode="half"
        ),
        [u(2, 5, 4, 3), u(5, 3, 3, 3)],
        lambda gz, w: transposed_reference(gz, w, (2, 3, 7, 5), ((1, 1), (1, 1)), (2, 2)),
    ),
    OpSpec(
        "pool_3d_max",
        lambda x: pool.pool_3d(x, ws=(2, 3, 1), ignore_border=True),
        [u(2, 3, 5, 7, 3)],
        lambda x: pool_reference(x, (2, 3, 1), (2, 3, 1), "max"),
    ),
    OpSpec(
        "pool_3d_average_overlapping",
        lambda x: pool.pool_3d(x, (2, 2, 2), True, (1, 2, 1), mode="average_inc_pad"),
        [u(2, 5, 7, 3)],
        lambda x: pool_reference(x, (2, 2, 2), (1, 2, 1), "average"),
    ),
    OpSpec(
        "pool_2d_symbolic_ws",
        lambda x, ws: pool.pool_2d(x, ws=ws, stride=(ws[1], ws[0]), ignore_border=True),
        [u(2, 3, 5, 7), np.array([2, 3], dtype="int32")],
        lambda x, ws: pool_reference(x, (2, 3), (3, 2), "max"),
    ),
    OpSpec(
        "images2neibs_valid_step",
        lambda x: neighbours.images2neibs(x, (3, 2), (2, 1)),
        [u(2, 3, 5, 7)],
        lambda x: neibs_reference(x, (3, 2), (2, 1), "valid"),
    ),
    OpSpec(
        "images2neibs_wrap_centered",
        lambda x: neighbours.images2neibs(x, (3, 5), (2, 3), mode="wrap_centered"),
        [u(2, 3, 5, 7)],
        lambda x: neibs_reference(x, (3, 5), (2, 3), "wrap_centered"),
    ),
    OpSpec(
        "images2neibs_half",
        lambda x: neighbours.images2neibs(x, (3, 2), (2, 1), mode="half"),
        [u(2, 3, 5, 7)],
        lambda x: neibs_reference(x, (3, 2), (2, 1), "half"),
    ),
    OpSpec(
        "images2neibs_full",
        lambda x: neighbours.images2neibs(x, (2, 3), (1, 2), mode="full"),
        [u(2, 3, 5, 7)],
        lambda x: neibs_reference(x, (2, 3), (1, 2), "full"),
    ),
    OpSpec(
        "batch_normalization_train_spatial",
        lambda x, g, b: bn.batch_normalization_train(x, g, b, "spatial")[0],
        [u(2, 3, 5, 7) * 3 + 1, u(3), u(3)],
        lambda x, g, b: bn_train_reference(x, g[:, None, None], b[:, None, None], (0, 2, 3)),
    ),
    OpSpec(
        "batch_normalization_train_statistics",
        lambda x, g, b: T.concatenate(bn.batch_normalization_train(x, g, b)[1:], axis=0),
        [u(5, 3, 2) * 3, u(1, 3, 2), u(1, 3, 2)],
        lambda x, g, b: np.concatenate(
            [x.mean(0, keepdims=True), 1 / np.sqrt(x.var(0, keepdims=True) + 1e-4)]
        ),
    ),
    OpSpec(
        "batch_normalization_test",
        lambda x, g, b, m, v: bn.batch_normalization_test(x, g, b, m, v, axes=(0, 2)),
        [u(2, 3, 5), u(3), u(3), u(3), u(3) ** 2 + 0.5],
        lambda x, g, b, m, v: (
            (x - m[:, None]) * g[:, None] / np.sqrt(v[:, None] + 1e-4) + b[:, None]
        ),
    ),
    OpSpec(
        "batch_normalization_formula",
        bn.batch_normalization,
        [u(3, 5), u(5), u(5), u(5), u(5) ** 2 + 0.5],
        lambda x, g, b, m, s: (x - m) / s * g + b,
    ),
    OpSpec(
        "h_softmax_all",
        lambda x, W1, b1, W2, b2: T.nnet.h_softmax(x, 3, 7, 2, 5, W1, b1, W2, b2),
        [u(3, 4), u(4, 2), u(2), u(2, 4, 5), u(2, 5)],
        h_softmax_reference,
    ),
    OpSpec(
        "h_softmax_target",
        lambda x, W1, b1, W2, b2, t: T.nnet.h_softmax(x, 3, 7, 2, 5, W1, b1, W2, b2, t),
        [u(3, 4), u(4, 2), u(2), u(2, 4, 5), u(2, 5), TARGETS],
        h_softmax_reference,
    ),
    OpSpec(
        "relu_tensor_alpha",
        T.nnet.relu,
        [u(3, 5), u(5) * 0.3],
        lambda x, a: np.where(x > 0, x, a * x),
    ),
]
