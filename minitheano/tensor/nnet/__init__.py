"""``T.nnet``: activations, softmax, cross-entropies and convolution."""

from ..elemwise import sigmoid, softplus
from . import conv  # noqa: F401  (legacy module T.nnet.conv)
from .abstract_conv import Conv2d, Conv2dGradInputs, Conv2dGradWeights, conv2d
from .basic import (
    LogSoftmax,
    Softmax,
    SoftmaxGrad,
    binary_crossentropy,
    categorical_crossentropy,
    elu,
    hard_sigmoid,
    log_softmax,
    logsoftmax,
    relu,
    selu,
    sigmoid_binary_crossentropy,
    softmax,
    softsign,
    ultra_fast_sigmoid,
)

__all__ = [
    "conv2d",
    "Conv2d",
    "Conv2dGradInputs",
    "Conv2dGradWeights",
    "sigmoid",
    "softplus",
    "relu",
    "softmax",
    "logsoftmax",
    "log_softmax",
    "Softmax",
    "SoftmaxGrad",
    "LogSoftmax",
    "categorical_crossentropy",
    "binary_crossentropy",
    "sigmoid_binary_crossentropy",
    "ultra_fast_sigmoid",
    "hard_sigmoid",
    "elu",
    "selu",
    "softsign",
]


from ...missing import module_getattr  # noqa: E402

__getattr__ = module_getattr(__name__)  # Theano names not provided: say so (missing.py)
