"""MRG31k3p, the combined multiple recursive generator of L'Ecuyer and Touzin (2000), vectorised.

A state is six int32 numbers: ``(x1[n], x1[n-1], x1[n-2])`` of the first component (modulo
``M1``) and ``(x2[n], x2[n-1], x2[n-2])`` of the second (modulo ``M2``). One step is

    x1[n+1] = (2**22 * x1[n-1] + (2**7 + 1) * x1[n-2]) mod M1
    x2[n+1] = (2**15 * x2[n] + (2**15 + 1) * x2[n-2]) mod M2

and its output is ``x1 - x2`` brought into ``(0, M1]``, scaled to ``(0, 1]``.

Many independent streams run side by side: the rows of a state matrix ``(n_streams, 6)``.
Sample ``i`` of a draw comes from stream ``i % n_streams`` (as in Theano). The step is done
with uint32 arithmetic over all streams at once. States always hold residues (below ``M1``
and ``M2``), and on residues Theano's int32 code computes the exact residues of the formulas
above, as does this code, so the bits agree. Because each component is linear, ``k`` steps
are one matrix power: substreams start ``2**72`` steps apart, streams ``2**134`` apart, and a
long draw on few streams is cut into chunks that start from jumped states.

All array code takes the array module ``xp`` (NumPy or CuPy); matrix powers are Python ints.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

M1 = 2147483647  # 2**31 - 1
M2 = 2147462579  # 2**31 - 21069

# one step of each component on the column (x[n], x[n-1], x[n-2])
A1 = ((0, 4194304, 129), (1, 0, 0), (0, 1, 0))
A2 = ((32768, 0, 32769), (1, 0, 0), (0, 1, 0))

#: the float32 scale: the largest float whose product with float32(M1) stays below 1.0, so a
#: float32 sample is never 1.0 (Theano's constant for float32)
NORM_FLOAT32 = np.float32(4.6566126e-10)
NORM_FLOAT64 = 4.656612873077392578125e-10  # 2**-31: float64 samples lie in (0, 1]
NORM_FLOAT16 = np.float16(3.0458e-05)

#: long draws are cut into chunks that run side by side, up to this many lanes: wider steps
#: spread NumPy's per-call overhead (much gained below a few thousand lanes, ~10% at 15360)
TARGET_WIDTH = 1 << 15
#: the same on a GPU, where each of a step's ~25 operations is a kernel launch
DEVICE_TARGET_WIDTH = 1 << 20
#: the fewest steps per chunk: a chunk's start costs a jump, worth about 30 steps
MIN_CHUNK_STEPS = 64


# --- exact modular matrix algebra on Python ints -------------------------------------------


def _matmul_mod(a, b, m):
    return tuple(
        tuple(sum(a[i][k] * b[k][j] for k in range(3)) % m for j in range(3)) for i in range(3)
    )


def matrix_power_mod(a, e: int, m: int):
    """``a ** e`` modulo ``m`` for a 3x3 matrix of ints (square and multiply)."""
    result = ((1, 0, 0), (0, 1, 0), (0, 0, 1))
    while e:
        if e & 1:
            result = _matmul_mod(result, a, m)
        a = _matmul_mod(a, a, m)
        e >>= 1
    return result


@lru_cache(maxsize=256)
def jump_matrices(steps: int):
    """The pair of matrices that advance the two components by ``steps`` steps."""
    return matrix_power_mod(A1, steps, M1), matrix_power_mod(A2, steps, M2)


def _matvec_mod(xp, mat, vecs, m: int):
    """``mat @ v mod m`` for each row ``v`` of the int64 array ``vecs`` (..., 3).

    Entries are below 2**31, so each product fits in int64; each is reduced before summing.
    """
    out = None
    for k in range(3):
        column = xp.asarray([row[k] for row in mat], dtype=np.int64)
        term = (column * vecs[..., k : k + 1]) % m
        out = term if out is None else out + term
    return out % m


def jump(xp, states, matrices):
    """``states`` (..., 6) advanced by the pair of jump ``matrices``, as int64."""
    states = states.astype(np.int64)
    first = _matvec_mod(xp, matrices[0], states[..., :3], M1)
    second = _matvec_mod(xp, matrices[1], states[..., 3:], M2)
    return xp.concatenate([first, second], axis=-1)


def geometric_states(xp, start, matrices, count: int):
    """``count`` states per row of ``start`` (rows, 6): ``J**c @ start`` for c = 0 .. count-1.

    Returns an int64 array (count, rows, 6). Computed by doubling: the first ``k`` states
    jumped by ``J**k`` give the next ``k``, so ``log2(count)`` vectorised steps suffice.
    """
    out = xp.empty((count,) + tuple(start.shape), dtype=np.int64)
    out[0] = start
    done, power = 1, matrices
    while done < count:
        todo = min(done, count - done)
        out[done : done + todo] = jump(xp, out[:todo], power)
        done += todo
        power = tuple(_matmul_mod(p, p, m) for p, m in zip(power, (M1, M2)))
    return out


SUBSTREAM_JUMP = jump_matrices(2**72)
STREAM_JUMP = jump_matrices(2**134)


def substream_states(rstate, n_streams: int):
    """``n_streams`` rows of int32 state, each ``2**72`` steps after the one before."""
    start = np.asarray(rstate, dtype=np.int64).reshape(1, 6)
    return geometric_states(np, start, SUBSTREAM_JUMP, n_streams)[:, 0].astype(np.int32)


def next_stream_start(rstate):
    """The state ``2**134`` steps after ``rstate``: where the next draw's substreams begin."""
    start = np.asarray(rstate, dtype=np.int64).reshape(1, 6)
    return jump(np, start, STREAM_JUMP)[0].astype(np.int32)


# --- the step, over all lanes at once --------------------------------------------------------


class Lanes:
    """The six state columns of many lanes as uint32 arrays, stepped all at once.

    ``step`` advances every lane once and leaves the lane outputs in ``k`` (ints in
    ``[1, M1]``). Buffers are recycled (a step allocates nothing): the oldest value of each
    component is dropped by the step, and its buffer receives the next new value.
    """

    def __init__(self, xp, states):
        cols = xp.asarray(states).astype(np.int32).view(np.uint32)
        self.xp = xp
        self.x1 = [xp.ascontiguousarray(cols[:, i]) for i in range(3)]
        self.x2 = [xp.ascontiguousarray(cols[:, i]) for i in range(3, 6)]
        width = cols.shape[0]
        self.spare1, self.spare2, self.t, self.k = (
            xp.empty(width, dtype=np.uint32) for _ in range(4)
        )
        self.mask = xp.empty(width, dtype=bool)

    def step(self):
        xp, t = self.xp, self.t
        u32 = np.uint32

        def reduce(y, m):
            # y in [0, 2m) -> y mod m: min(y, y - m) is y - m when y >= m, and y when y - m
            # wraps around (Theano's "if (y < 0 || y >= m) y -= m" on the same bits)
            xp.subtract(y, u32(m), out=t)
            xp.minimum(y, t, out=y)

        def shifted_sum(x, mask, left, right, out, times=1):
            # out = ((x & mask) << left) + (x >> right) * times: 2**left * x modulo M1 (a
            # rotation of 31 bits, times=1) or M2 (2**31 = 21069 mod M2), without overflow
            xp.bitwise_and(x, u32(mask), out=out)
            xp.left_shift(out, u32(left), out=out)
            xp.right_shift(x, u32(right), out=t)
            if times != 1:
                xp.multiply(t, u32(times), out=t)
            xp.add(out, t, out=out)

        # first component: x1 <- (2**22 * x12 + 2**7 * x13 + x13) mod M1, as Theano
        x11, x12, x13 = self.x1
        y, c = self.spare1, self.k  # k is scratch until the output is computed
        shifted_sum(x12, 0x1FF, 22, 9, y)
        shifted_sum(x13, 0xFFFFFF, 7, 24, c)
        xp.add(y, c, out=y)
        reduce(y, M1)
        xp.add(y, x13, out=y)
        reduce(y, M1)
        self.x1, self.spare1 = [y, x11, x12], x13
        # second component: x2 <- (2**15 * (x21 + x23) + x23) mod M2 (Theano: 2**15 * x21 +
        # 2**15 * x23 + x23; the same residue in fewer operations). x21 + x23 < 2**32, and
        # shifted_sum of any uint32 stays below 2 * M2, so one reduction follows it
        x21, x22, x23 = self.x2
        b = self.spare2
        xp.add(x21, x23, out=c)
        shifted_sum(c, 0xFFFF, 15, 16, b, times=21069)
        reduce(b, M2)
        xp.add(b, x23, out=b)
        reduce(b, M2)
        self.x2, self.spare2 = [b, x21, x22], x23
        # the output: y - b, plus M1 when that is not positive
        k = self.k
        xp.subtract(y, b, out=k)
        xp.less_equal(y, b, out=self.mask)
        xp.multiply(self.mask, u32(M1), out=t)
        xp.add(k, t, out=k)

    def states(self, lo: int, hi: int):
        """The state of lanes ``lo`` to ``hi`` as an int32 array (hi - lo, 6)."""
        return self.xp.stack([x[lo:hi] for x in self.x1 + self.x2], axis=1).view(np.int32)


def _write(xp, row, k, dtype: str) -> None:
    """Lane outputs ``k`` (ints in [1, M1]) scaled into ``row``, as Theano scales them."""
    if dtype == "float16":  # Theano's Python code: 15 bits, never 0, in float64 then rounded
        row[...] = ((k & np.uint32(0x7FFF)) + np.uint32(1)) * float(NORM_FLOAT16)
        return
    k = k.view(np.int32)  # k < 2**31: as int32 it converts to float faster
    if dtype == "float32":  # Theano's C code: float(k) * NORM in float32 arithmetic
        xp.multiply(k, NORM_FLOAT32, out=row, dtype=np.float32)
    else:
        xp.multiply(k, NORM_FLOAT64, out=row, dtype=np.float64)


def draw(xp, rstate, n: int, dtype: str):
    """``n`` uniform numbers of ``dtype`` from the streams ``rstate`` (n_streams, 6) int32.

    Returns ``(new_rstate, flat_sample)``; ``rstate`` itself is left untouched. Sample ``i``
    comes from stream ``i % n_streams``, so a stream makes ``ceil(n / n_streams)`` steps (the
    last step only for the first streams). When there are few streams, each stream's run is
    cut into ``chunks`` runs that start from jumped states and are stepped side by side.
    """
    n_streams = rstate.shape[0]
    if n == 0:
        return xp.array(rstate, dtype=np.int32, copy=True), xp.empty(0, dtype=dtype)
    steps = -(-n // n_streams)
    full = n - (steps - 1) * n_streams  # the streams that make the last step
    width = TARGET_WIDTH if xp is np else DEVICE_TARGET_WIDTH
    chunks = max(1, min(steps // MIN_CHUNK_STEPS, width // n_streams))
    per_chunk = -(-steps // chunks)
    chunks = -(-steps // per_chunk)
    if chunks == 1:
        lanes = Lanes(xp, rstate)
    else:
        start = xp.asarray(rstate).astype(np.int64)
        starts = geometric_states(xp, start, jump_matrices(per_chunk), chunks)
        lanes = Lanes(xp, starts.reshape(chunks * n_streams, 6))
    out = xp.empty((chunks, per_chunk, n_streams), dtype=dtype)
    last = (chunks - 1) * n_streams  # first lane of the last chunk
    last_step = steps - 1 - (chunks - 1) * per_chunk  # the global last step, in that chunk
    for t in range(per_chunk):
        if t == last_step:
            idle = lanes.states(last + full, last + n_streams)
        lanes.step()
        _write(xp, out[:, t, :], lanes.k.reshape(chunks, n_streams), dtype)
        if t == last_step:
            stepped = lanes.states(last, last + full)
    new_rstate = xp.concatenate([stepped, idle], axis=0)
    return new_rstate, out.reshape(-1)[:n]
