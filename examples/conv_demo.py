"""The LeNet tutorial's convolution demo: two random 9x9 RGB filters and a sigmoid.

The tutorial convolves its ``3wolfmoon.jpg`` photo; pass any picture with ``--image`` (read by
matplotlib), or a synthetic RGB image is used. With matplotlib installed the image and the two
filtered channels are saved side by side (``--out``, default conv_demo.png).

    python examples/conv_demo.py [--image photo.jpg] [--out conv_demo.png]
"""

import argparse
import os

import numpy

import minitheano as theano
import minitheano.tensor as T
from minitheano.tensor.nnet import conv2d


def synthetic_image(height=240, width=320):
    """An RGB test card: stripes, a disc and a gradient (values in [0, 1))."""
    yy, xx = numpy.mgrid[0:height, 0:width] / numpy.array([height, width])[:, None, None]
    disc = ((yy - 0.5) ** 2 + (xx - 0.6) ** 2 < 0.05).astype(float)
    stripes = (numpy.sin(40 * xx) > 0).astype(float)
    return numpy.stack([0.9 * disc + 0.05, 0.5 * stripes + 0.2 * yy, xx * 0.99], axis=-1)


def build_filter():
    rng = numpy.random.RandomState(23455)
    input = T.tensor4(name="input")
    # initialize shared variable for weights
    w_shp = (2, 3, 9, 9)
    w_bound = numpy.sqrt(3 * 9 * 9)
    W = theano.shared(
        numpy.asarray(
            rng.uniform(low=-1.0 / w_bound, high=1.0 / w_bound, size=w_shp), dtype=input.dtype
        ),
        name="W",
    )
    # biases, usually zero, here random to simulate learned values
    b_shp = (2,)
    b = theano.shared(
        numpy.asarray(rng.uniform(low=-0.5, high=0.5, size=b_shp), dtype=input.dtype), name="b"
    )
    conv_out = conv2d(input, W)
    output = T.nnet.sigmoid(conv_out + b.dimshuffle("x", 0, "x", "x"))
    return theano.function([input], output)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", default=None)
    parser.add_argument(
        "--out", default="out/conv_demo.png", help="the picture (default: out/conv_demo.png)"
    )
    args = parser.parse_args(argv)
    f = build_filter()
    if args.image:
        import matplotlib.image

        img = numpy.asarray(matplotlib.image.imread(args.image), dtype="float64")[..., :3]
        img = img / 256.0 if img.max() > 1 else img
    else:
        img = synthetic_image()
    height, width = img.shape[:2]
    img_ = img.transpose(2, 0, 1).reshape(1, 3, height, width)
    filtered_img = f(img_)
    print(
        f"image {img.shape} -> filtered {filtered_img.shape}, values in "
        f"[{filtered_img.min():.3f}, {filtered_img.max():.3f}]"
    )
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as pylab
    except ImportError:
        print("(matplotlib is not installed: no picture; pip install 'minitheano[examples]')")
        return filtered_img
    pylab.subplot(1, 3, 1)
    pylab.axis("off")
    pylab.imshow(img)
    pylab.gray()
    pylab.subplot(1, 3, 2)
    pylab.axis("off")
    pylab.imshow(filtered_img[0, 0, :, :])
    pylab.subplot(1, 3, 3)
    pylab.axis("off")
    pylab.imshow(filtered_img[0, 1, :, :])
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    pylab.savefig(args.out, dpi=100)
    print(f"saved {args.out}")
    return filtered_img


if __name__ == "__main__":
    main()
