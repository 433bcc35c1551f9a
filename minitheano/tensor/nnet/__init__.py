"""``T.nnet``: activations, softmax, cross-entropies, convolution, batch normalization."""

from ..elemwise import sigmoid, softplus
from . import abstract_conv, bn, conv, neighbours  # noqa: F401  (T.nnet.bn ...; legacy conv)
from .abstract_conv import (
    Conv2d,
    Conv2dGradInputs,
    Conv2dGradWeights,
    Conv3d,
    Conv3dGradInputs,
    Conv3dGradWeights,
    conv2d,
    conv2d_grad_wrt_inputs,
    conv2d_transpose,
    conv3d,
    separable_conv2d,
)
from .abstract_conv import conv2d as abstract_conv2d
from .basic import (
    LogSoftmax,
    Softmax,
    SoftmaxGrad,
    binary_crossentropy,
    categorical_crossentropy,
    elu,
    h_softmax,
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
from .bn import batch_normalization

__all__ = [
    "conv2d",
    "abstract_conv2d",
    "conv2d_grad_wrt_inputs",
    "conv2d_transpose",
    "conv3d",
    "separable_conv2d",
    "Conv2d",
    "Conv2dGradInputs",
    "Conv2dGradWeights",
    "Conv3d",
    "Conv3dGradInputs",
    "Conv3dGradWeights",
    "batch_normalization",
    "h_softmax",
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
