"""The LeNet tutorial's max-pooling demo: ``pool_2d`` with and without ``ignore_border``.

Prints the same numbers as the tutorial (inputs from ``RandomState(1).rand(3, 2, 5, 5)``).
"""

import numpy

import minitheano as theano
import minitheano.tensor as T
from minitheano.tensor.signal import pool


def main():
    input = T.dtensor4("input")
    maxpool_shape = (2, 2)
    pool_out = pool.pool_2d(input, maxpool_shape, ignore_border=True)
    f = theano.function([input], pool_out)

    invals = numpy.random.RandomState(1).rand(3, 2, 5, 5)
    print("With ignore_border set to True:")
    print("invals[0, 0, :, :] =\n", invals[0, 0, :, :])
    print("output[0, 0, :, :] =\n", f(invals)[0, 0, :, :])

    pool_out = pool.pool_2d(input, maxpool_shape, ignore_border=False)
    f = theano.function([input], pool_out)
    print("With ignore_border set to False:")
    print("invals[1, 0, :, :] =\n ", invals[1, 0, :, :])
    print("output[1, 0, :, :] =\n ", f(invals)[1, 0, :, :])


if __name__ == "__main__":
    main()
