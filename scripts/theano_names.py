"""Theano 1.0.5's public names, module by module, checked against minitheano.

With Theano's interpreter it writes the names (the reference file of the tests)::

    THEANO_FLAGS=device=cpu /work/venv-theano/bin/python scripts/theano_names.py \\
        > tests/reference/theano_names.json

With minitheano's (``python3 scripts/theano_names.py --check``) it prints the names of that
file that minitheano neither provides nor lists in ``minitheano/missing.py``, and the table
entries that are provided now (both should be empty); ``--markdown`` prints the table as the
list of missing names that ``docs/porting.md`` ends with.

A module's names are the functions, classes, op instances and submodules that Theano defines
(for the packages ``theano``, ``theano.tensor`` and ``theano.tensor.nnet``, also those they
re-export from other Theano modules); what they import from NumPy, six or the standard library
is left out.
"""

from __future__ import annotations

import importlib
import json
import sys
import types

MODULES = (
    "theano",
    "theano.tensor",
    "theano.tensor.nnet",
    "theano.tensor.extra_ops",
    "theano.tensor.nlinalg",
    "theano.tensor.slinalg",
    "theano.gradient",
    "theano.printing",
)
PACKAGES = ("theano", "theano.tensor", "theano.tensor.nnet")
VARIABLE = "theano.tensor.TensorVariable"  # the methods and properties of tensor variables
REFERENCE = "tests/reference/theano_names.json"


def _defined_here(module_name: str, value) -> bool:
    if isinstance(value, types.ModuleType):
        return value.__name__.rpartition(".")[0] == module_name
    if isinstance(value, (type, types.FunctionType)):
        owner = value.__module__ or ""
        return owner.startswith("theano") and (module_name in PACKAGES or owner == module_name)
    if isinstance(value, (bool, int, float, str, bytes, list, tuple, dict, set, frozenset)):
        return False
    owner = type(value).__module__ or ""
    return owner.startswith("theano")


def theano_names() -> dict[str, list[str]]:
    """``{module: [names]}`` for the Theano modules of ``MODULES`` (run under Theano)."""
    names = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        names[module_name] = sorted(
            n
            for n, v in vars(module).items()
            if not n.startswith("_") and _defined_here(module_name, v)
        )
    operators = importlib.import_module("theano.tensor.var")._tensor_py_operators
    names[VARIABLE] = sorted(n for n in vars(operators) if not n.startswith("_"))
    return names


def check(reference: dict[str, list[str]]) -> list[str]:
    """Problems with ``minitheano/missing.py`` against the Theano names (run under minitheano)."""
    from minitheano.missing import MISSING, MissingTheanoName, reason_for

    problems = []
    for theano_module, names in reference.items():
        module_name = "mini" + theano_module
        if theano_module == VARIABLE:
            module = importlib.import_module("minitheano.tensor").matrix()
        else:
            module = importlib.import_module(module_name)
        for name in names:
            listed = reason_for(module_name, name) is not None
            try:
                getattr(module, name)
            except MissingTheanoName:
                continue
            except AttributeError:
                if not listed:
                    problems.append(f"not provided and not in the table: {module_name}.{name}")
                continue
            if listed:
                problems.append(f"provided now, remove it from the table: {module_name}.{name}")
    for module_name, reasons in MISSING.items():
        if module_name == "mini" + VARIABLE:
            continue  # checked above
        for names in reasons.values():
            for name in names.split():
                if hasattr(importlib.import_module(module_name), name):
                    problems.append(
                        f"provided now, remove it from the table: {module_name}.{name}"
                    )
    return sorted(set(problems))


def markdown() -> str:
    """The table of ``minitheano/missing.py`` as Markdown, one section per Theano module."""
    from minitheano.missing import MISSING, REASONS, _theano_path

    lines = []
    for module_name, reasons in MISSING.items():
        lines += ["", f"### `{_theano_path(module_name)}`", ""]
        for reason, names in reasons.items():
            listed = ", ".join(f"`{n}`" for n in sorted(names.split(), key=str.lower))
            lines.append(f"- {REASONS[reason][0].upper()}{REASONS[reason][1:]}: {listed}.")
    return "\n".join(lines[1:])


if __name__ == "__main__":
    if "--markdown" in sys.argv:
        print(markdown())
    elif "--check" in sys.argv:
        with open(REFERENCE) as f:
            print("\n".join(check(json.load(f))) or "ok")
    else:
        json.dump(theano_names(), sys.stdout, indent=1, sort_keys=True)
        print()
