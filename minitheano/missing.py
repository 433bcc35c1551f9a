"""Theano names minitheano does not provide, in one table, and the error that names them.

A module's ``__getattr__`` (called only for names it lacks) raises ``missing_attribute(...)``:
a ``MissingTheanoName`` (an ``AttributeError``, so ``hasattr`` stays False) that says why the
name is missing and points to ``docs/porting.md``, which lists every name of the table.
"""

from __future__ import annotations

PORTING_GUIDE = "docs/porting.md"

#: why names are missing
REASONS = {
    "internals": "Theano's internals (C code, linkers, BLAS, GPU, and the helpers of its own "
    "implementation) have no counterpart here",
    "rewrites": "Theano's optimizer machinery has no counterpart here (minitheano's rewrites are "
    "an explicit list of functions in minitheano/tensor/rewrites.py)",
    "op_class": "an op class of Theano's that minitheano does not have as such (what it computes "
    "may be available through another function)",
    "special": "special functions are not implemented",
    "complex": "complex numbers are not supported",
    "mpi": "Theano's MPI ops are not provided (see minitheano.distributed)",
    "conv": "one of Theano's own convolution implementations (C ops, block-sparse products); "
    "minitheano's are the abstract convolutions (conv2d, conv3d and their gradients)",
    "todo": "not implemented",
}

#: minitheano module -> reason -> the Theano names missing there (space separated)
MISSING: dict[str, dict[str, str]] = {
    "minitheano": {
        "internals": """
            CLinker Container DualLinker FunctionMaker Generic InconsistencyError Linker
            LocalLinker OpWiseCLinker OpenMPOp PerformLinker SymbolicInput SymbolicOutput Type
            configdefaults configparser disable_log_handler function_dump generic has_handlers
            misc object2 test tests version
        """,
        "todo": """
            FunctionGraph OpFromGraph OrderedUpdates ProfileStats as_op pprint
            scan_checkpoints sparse_grad subgraph_grad updates
        """,
    },
    "minitheano.tensor": {
        "internals": """
            AdvancedBooleanIndexingError AdvancedIndexingError AsTensorError Default
            DisconnectedType Generic alloc_validate_shape
            MakeSlice MethodNotDefined NoneConst NoneTypeT ParamsType ShapeError SliceConstant
            SliceType SubtensorPrinter TensorConstantSignature Type adv_index_broadcastable_pattern
            as_index_variable as_int_none_variable blas blas_c blas_headers blas_scipy
            check_advanced_indexing_dimensions check_and_normalize_axes check_and_reject_bool
            check_equal_numpy config constructor default div_proxy elemwise_cgen
            get_canonical_form_slice get_idx_list hashtype inc_code int32 int32_t io is_flat
            isinf_ isnan_ join_ key_to_cmp makeKeepDims make_constant make_slice
            min_informative_str mod_check none_type_t numpy_scalar opt_uncanonicalize pprint
            register_transfer setdefault sharedvar slicetype transfer type_other utils
            values_eq_approx_always_true
        """,
        "op_class": """
            AdvancedBooleanIncSubtensor AdvancedBooleanSubtensor AdvancedIncSubtensor
            AdvancedIncSubtensor1 AdvancedSubtensor AdvancedSubtensor1 AllocEmpty Argmax
            BaseAdvancedIncSubtensor BaseAdvancedSubtensor CAReduce Choose DiffOp Eye
            MaxAndArgmax Mean Nonzero Rebroadcast ScalarFromTensor Split
            SpecifyShape Sum Tensor TensorFromScalar Tile Tri advanced_boolean_inc_subtensor
            advanced_boolean_set_subtensor advanced_boolean_subtensor advanced_inc_subtensor
            advanced_inc_subtensor1 advanced_set_subtensor advanced_set_subtensor1
            advanced_subtensor advanced_subtensor1 round_half_away_from_zero round_half_to_even
            scalar_from_tensor tensor_from_scalar
        """,
        "special": """
            chi2sf erf erfc erfcinv erfcx erfinv gamma gammainc gammaincc gammal gammaln gammau
            i0 i1 iv j0 j1 jv psi tri_gamma xlogx
        """,
        "complex": """
            angle complex complex_from_polar conj imag real ctensor6 ctensor7 ztensor6 ztensor7
        """,
        "mpi": """
            MPIRecv MPIRecvWait MPISend MPISendWait irecv isend mpi_send_wait_cmp
            mpi_send_wait_key mpi_tag_cmp mpi_tag_key recv send
        """,
        "todo": """
            LoadFromDisk allclose arccosh arcsinh arctan2 arctanh argtopk bartlett
            batched_tensordot bincount bitwise_and bitwise_not bitwise_or bitwise_xor btensor6
            btensor7 ceil_intdiv choose consider_constant cov deg2rad divmod dtensor6 dtensor7
            fill_diagonal fill_diagonal_offset ftensor6 ftensor7 grad_not_implemented
            grad_undefined inverse_permutation iround isclose itensor6 itensor7 load ltensor6
            ltensor7 numeric_grad power rad2deg ravel_multi_index
            specify_shape split tensor6 tensor7 topk topk_and_argtopk trunc unravel_index
            wtensor6 wtensor7
        """,
    },
    "minitheano.tensor.TensorVariable": {
        "complex": "conj conjugate imag real",
        "todo": """
            arccosh arcsinh arctanh choose compress deg2rad rad2deg searchsorted trunc
        """,
    },
    "minitheano.tensor.nnet": {
        "op_class": """
            CrossentropyCategorical1Hot CrossentropyCategorical1HotGrad
            CrossentropySoftmax1HotWithBiasDx CrossentropySoftmaxArgmax1HotWithBias
            Prepend_scalar_constant_to_each_row Prepend_scalar_to_each_row SoftmaxWithBias
            crossentropy_categorical_1hot crossentropy_categorical_1hot_grad
            crossentropy_softmax_1hot crossentropy_softmax_1hot_with_bias
            crossentropy_softmax_1hot_with_bias_dx crossentropy_softmax_argmax_1hot_with_bias
            crossentropy_softmax_max_and_argmax_1hot
            crossentropy_softmax_max_and_argmax_1hot_with_bias logsoftmax_op scalar_sigmoid
            sigmoid_inplace softmax_grad softmax_graph softmax_op softmax_with_bias
        """,
        "rewrites": """
            crossentropy_to_crossentropy_with_softmax
            crossentropy_to_crossentropy_with_softmax_with_bias
            graph_merge_softmax_with_crossentropy_softmax opt softmax_simplifier
        """,
        "internals": "nnet sigm",
        "conv": "ConvOp blocksparse corr corr3d",
        "todo": """
            confusion_matrix prepend_0_to_each_row prepend_1_to_each_row
            prepend_scalar_to_each_row
        """,
    },
    "minitheano.tensor.extra_ops": {
        "op_class": """
            Bartlett CpuContiguous CumprodOp CumsumOp DiffOp FillDiagonal FillDiagonalOffset
            RavelMultiIndex SearchsortedOp Unique UnravelIndex
        """,
        "internals": "cpu_contiguous disconnected_type int_t",
        "todo": """
            bartlett bartlett_ bincount compress fill_diagonal fill_diagonal_
            fill_diagonal_offset fill_diagonal_offset_ ravel_multi_index searchsorted
            unravel_index
        """,
    },
    "minitheano.tensor.nlinalg": {
        "op_class": "EighGrad QRIncomplete TensorInv TensorSolve",
        "todo": "Eig eig lstsq norm tensorinv tensorsolve",
    },
    "minitheano.tensor.slinalg": {
        "op_class": "CholeskyGrad EigvalshGrad ExpmGrad",
        "todo": "Eigvalsh Expm eigvalsh expm kron",
    },
    "minitheano.gradient": {
        "op_class": "ConsiderConstant DisconnectedGrad GradScale UndefinedGrad ZeroGrad",
        "internals": """
            DisconnectedType FAST_RUN consider_constant_ disconnected_grad_ disconnected_type
            mode_not_slow null_type undefined_grad_ zero_grad_
        """,
        "todo": """
            NullTypeGradError consider_constant format_as grad_not_implemented grad_scale
            grad_undefined numeric_grad subgraph_grad undefined_grad
        """,
    },
    "minitheano.printing": {
        "internals": """
            DefaultPrinter FunctionPrinter IgnorePrinter LeafPrinter OperatorPrinter PPrinter
            PatternPrinter PrinterState config default_printer leaf_printer
        """,
        "todo": "hex_digest min_informative_str position_independent_str pprint var_descriptor",
    },
}


class MissingTheanoName(AttributeError):
    """A Theano name that minitheano does not provide (``hasattr`` gives False)."""


def _theano_path(module_name: str) -> str:
    return "theano" + module_name[len("minitheano") :]


_INDEX: dict | None = None  # (module, name) -> reason, built on first use


def reason_for(module_name: str, name: str) -> str | None:
    """Why ``module_name.name`` is missing, or None when the table does not list it."""
    global _INDEX
    if _INDEX is None:
        _INDEX = {
            (module, n): reason
            for module, reasons in MISSING.items()
            for reason, names in reasons.items()
            for n in names.split()
        }
    return _INDEX.get((module_name, name))


def missing_attribute(module_name: str, name: str, what: str | None = None) -> AttributeError:
    """The error for ``module_name.name``: a ``MissingTheanoName`` for a Theano name of the
    table, else a plain ``AttributeError`` (``what`` names the object, default the module)."""
    reason = reason_for(module_name, name)
    if reason is None:
        return AttributeError(f"{what or f'module {module_name!r}'} has no attribute {name!r}")
    return MissingTheanoName(
        f"{_theano_path(module_name)}.{name} is not provided by minitheano: {REASONS[reason]}; "
        f"{PORTING_GUIDE} lists what is supported, what differs and what is missing"
    )


def module_getattr(module_name: str):
    """A module-level ``__getattr__`` that raises ``missing_attribute`` (for modules with no
    lazy names of their own): ``__getattr__ = module_getattr(__name__)``."""

    def __getattr__(name: str):
        raise missing_attribute(module_name, name)

    return __getattr__
