"""Draw the tutorial LeNet's training function: the pictures in docs/visualization.md.

Writes, into ``--out`` (default ``out/``): the compiled graph (SVG), the before/after-rewrites
view (SVG), the profile overlay (SVG), the offline HTML viewer (lenet_viewer.html, with its
``js/`` folder), the profile summary (lenet_profile.txt), and, if Chromium is installed, a
screenshot of the viewer (lenet_viewer.png). The documentation's pictures are made with
``--out docs/img``.

    python examples/lenet_gallery.py [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

import minitheano as theano
import minitheano.tensor as T
from minitheano.d3viz import d3viz
from minitheano.viz import compare_rewrites

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import convolutional_mlp  # noqa: E402
import headless_chromium  # noqa: E402


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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="folder for the pictures (default: out)")
    out = parser.parse_args(argv).out
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
    if headless_chromium.find_chromium():
        shot = os.path.join(out, "lenet_viewer.png")
        result = headless_chromium.load_page(page, screenshot=shot, width=1400, height=900)
        print(f"viewer: {result.status}, {result.dataset.get('nodes')} nodes drawn -> {shot}")
    report = plain.maker.rewrite_report
    print(f"train_model: {report.nodes_before} nodes as written, {report.nodes_after} compiled")
    print(report)


if __name__ == "__main__":
    main()
