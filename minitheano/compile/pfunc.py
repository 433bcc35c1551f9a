"""``theano.compile.pfunc``: ``pfunc``, the function constructor ``theano.function`` calls."""

from .function import function

__all__ = ["pfunc"]


def pfunc(
    params,
    outputs=None,
    mode=None,
    updates=None,
    givens=None,
    no_default_updates=False,
    accept_inplace=False,
    name=None,
    rebuild_strict=True,
    allow_input_downcast=None,
    profile=None,
    on_unused_input=None,
    output_keys=None,
):
    """Compile ``outputs`` as a function of ``params``: the same as ``theano.function``."""
    if output_keys is not None:
        raise NotImplementedError("pfunc: output_keys (dict outputs) is not supported")
    return function(
        params,
        outputs,
        mode=mode,
        updates=updates,
        givens=givens,
        no_default_updates=no_default_updates,
        accept_inplace=accept_inplace,
        name=name,
        rebuild_strict=rebuild_strict,
        allow_input_downcast=allow_input_downcast,
        profile=profile,
        on_unused_input=on_unused_input,
    )
