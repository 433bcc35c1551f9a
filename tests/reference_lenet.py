"""An independent float64 NumPy LeNet (forward, hand-written backward, SGD) for cross-checks.

Written from the math with einsum and sliding windows; shares no code with minitheano.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv_valid(x, w):
    """True convolution (kernel rotated), 'valid': (B,C,H,W) x (K,C,k,k) -> (B,K,H-k+1,W-k+1)."""
    windows = sliding_window_view(x, w.shape[2:], axis=(2, 3))  # (B,C,oh,ow,k,k)
    return np.einsum("bcyxij,kcij->bkyx", windows, w[:, :, ::-1, ::-1], optimize=True)


def maxpool2(c):
    B, K, H, W = c.shape
    return c.reshape(B, K, H // 2, 2, W // 2, 2).max(axis=(3, 5))


def unpool2(c, p, dp):
    """Route dp to every position equal to its window's max."""
    mask = c == np.repeat(np.repeat(p, 2, axis=2), 2, axis=3)
    return mask * np.repeat(np.repeat(dp, 2, axis=2), 2, axis=3)


class ReferenceLeNet:
    def __init__(self, params):
        self.p = {k: v.astype("float64").copy() for k, v in params.items()}

    def step(self, x, y, lr=0.1):
        p, B = self.p, x.shape[0]
        x0 = x.reshape(B, 1, 28, 28).astype("float64")
        c0 = conv_valid(x0, p["W0"])
        p0 = maxpool2(c0)
        h0 = np.tanh(p0 + p["b0"][None, :, None, None])
        c1 = conv_valid(h0, p["W1"])
        p1 = maxpool2(c1)
        h1 = np.tanh(p1 + p["b1"][None, :, None, None])
        f = h1.reshape(B, -1)
        h2 = np.tanh(f @ p["W2"] + p["b2"])
        z = h2 @ p["W3"] + p["b3"]
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        cost = -logp[np.arange(B), y].mean()
        dz = np.exp(logp)
        dz[np.arange(B), y] -= 1
        dz /= B
        g = {"W3": h2.T @ dz, "b3": dz.sum(0)}
        dh2 = (dz @ p["W3"].T) * (1 - h2**2)
        g["W2"], g["b2"] = f.T @ dh2, dh2.sum(0)
        dp1 = (dh2 @ p["W2"].T).reshape(h1.shape) * (1 - h1**2)
        g["b1"] = dp1.sum(axis=(0, 2, 3))
        dc1 = unpool2(c1, p1, dp1)
        g["W1"] = self._filter_grad(h0, dc1)
        dh0 = np.zeros_like(h0)
        w1_rot = p["W1"][:, :, ::-1, ::-1]
        for i in range(5):
            for j in range(5):
                dh0[:, :, i : i + 8, j : j + 8] += np.einsum(
                    "bkyx,kc->bcyx", dc1, w1_rot[:, :, i, j]
                )
        dp0 = dh0 * (1 - h0**2)
        g["b0"] = dp0.sum(axis=(0, 2, 3))
        g["W0"] = self._filter_grad(x0, unpool2(c0, p0, dp0))
        for k in p:
            p[k] -= lr * g[k]
        return cost

    @staticmethod
    def _filter_grad(x, dc):
        windows = sliding_window_view(x, (5, 5), axis=(2, 3))  # (B,C,oh,ow,5,5)
        g_rot = np.einsum("bkyx,bcyxij->kcij", dc, windows, optimize=True)
        return g_rot[:, :, ::-1, ::-1]
