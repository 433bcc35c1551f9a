"""Draw the tutorial LeNet's training function: the pictures in docs/visualization.md.

Writes, into OUT (default docs/img): the compiled graph (SVG), the before/after-rewrites view
(SVG), the profile overlay (SVG), the offline HTML viewer (lenet_viewer.html), the profile
summary (lenet_profile.txt), and, if Chromium is installed, a screenshot of the viewer.

    python examples/lenet_gallery.py [OUT]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np

import minitheano as theano
import minitheano.tensor as T
from minitheano.d3viz import d3viz
from minitheano.viz import compare_rewrites

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import convolutional_mlp  # noqa: E402


def build_train_model(profile):
    theano.config.floatX = "float32"
    x, y = T.matrix("x"), T.ivector("y")
    layers, cost = convolutional_mlp.build_lenet(np.random.RandomState(23455), x, y, 500, [20, 50])
    for k, layer in enumerate(layers):  # dotted names let the pictures group each layer
        layer.W.name, layer.b.name = f"layer{k}.W", f"layer{k}.b"
    params = layers[3].params + layers[2].params + layers[1].params + layers[0].params
    grads = T.grad(cost, params)
    return theano.function(
        [x, y],
        cost,
        updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)],
        profile=profile,
        name="train_model",
    )


def main(out="docs/img"):
    os.makedirs(out, exist_ok=True)
    rng = np.random.RandomState(0)
    batch = (rng.rand(500, 784).astype("float32"), rng.randint(0, 10, 500).astype("int32"))
    plain = build_train_model(profile=False)
    plain(*batch)
    theano.printing.pydotprint(plain, os.path.join(out, "lenet_train.svg"), format="svg")
    compare_rewrites(plain, os.path.join(out, "lenet_rewrites.svg"))
    profiled = build_train_model(profile=True)
    for _ in range(20):  # the first call (allocations, shape recording) weighs 1/20 only
        profiled(*batch)
    theano.printing.pydotprint(profiled, os.path.join(out, "lenet_profile.svg"), format="svg")
    with open(os.path.join(out, "lenet_profile.txt"), "w") as f:
        profiled.profile.summary(file=f, n_apply_to_print=15)
    page = d3viz(profiled, os.path.join(out, "lenet_viewer.html"), title="LeNet train_model")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--user-data-dir=/tmp/minitheano-chromium",
                "--window-size=1400,900",
                f"--screenshot={os.path.join(out, 'lenet_viewer.png')}",
                f"file://{os.path.abspath(page)}",
            ],
            capture_output=True,
            timeout=120,
        )
    report = plain.maker.rewrite_report
    print(f"train_model: {report.nodes_before} nodes as written, {report.nodes_after} compiled")
    print(report)


if __name__ == "__main__":
    main(*sys.argv[1:])
