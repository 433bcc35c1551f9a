"""Reference numbers for the tutorial models on random streams, made with real Theano 1.0.5.

Run it under Theano, with MNIST's ``mnist.pkl.gz`` in ``$MINITHEANO_DATA`` (default
``../shared/data/mnist`` beside the repository)::

    THEANO_FLAGS=blas.ldflags=-lopenblas,device=cpu \\
        /work/venv-theano/bin/python tests/reference/make_tutorials_reference.py [--full-epoch]

It writes ``theano_tutorials.npz`` next to itself. The code that makes the numbers is the code
``tests/test_tutorials_random.py`` runs on minitheano:

- ``examples/dA.py`` itself (the tutorial's denoising autoencoder), loaded with its three
  minitheano import lines swapped for Theano's (``load_dA_on_theano``): the cost of each of
  the first minibatches, floatX float32 and float64, corruption 0 and 0.3; with
  ``--full-epoch``, the mean cost of a whole first epoch (what the tutorial prints);
- a stacked dA in the tutorial's ``SdA.py`` shape (``stacked_dA_costs``): the dA of
  ``examples/dA.py`` sharing its weights with sigmoid layers, its masks drawn by
  ``MRG_RandomStreams`` as in the tutorial, pretrained layer by layer with the corruption
  level and the learning rate as ``In`` inputs (so the binomial's ``p`` is symbolic), then
  fine-tuned with a softmax layer on top;
- the tutorial's ``hmc.py`` sampler on its test's 5-d Gaussian (``hmc_sampler``): the step
  size and the average acceptance rate after each of 800 draws, the positions after every
  10th. Its leapfrog steps are unrolled in the graph here, since Theano 1.0.5's scan C code
  does not build on Python 3.11 (``use_scan=True`` builds the tutorial's scan; with
  ``THEANO_FLAGS=cxx=`` Theano gives the same numbers both ways, within 1e-14).

These take the library as ``lib`` (``theano``, ``T``, ``RandomStreams``, ``MRG_RandomStreams``,
``dA``), so both runs build the same graphs. Only the API the two libraries share is used.
"""

import argparse
import gzip
import importlib.util
import os
import pickle
import sys
import types

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "theano_tutorials.npz")
DA_SOURCE = os.path.join(HERE, "..", "..", "examples", "dA.py")
MNIST_DIR = os.environ.get("MINITHEANO_DATA") or os.path.join(
    HERE, "..", "..", "..", "shared", "data", "mnist"
)

#: (floatX, corruption level, minibatches of 20): the dA's first minibatch costs
DA_CASES = [
    ("float32", 0.0, 20),
    ("float32", 0.3, 20),
    ("float64", 0.0, 10),
    ("float64", 0.3, 10),
]
#: the full first epochs (``--full-epoch``): (floatX, corruption level)
DA_EPOCHS = [("float32", 0.0), ("float32", 0.3), ("float64", 0.0), ("float64", 0.3)]
SDA_FLOATX = ("float32", "float64")
HMC_FLOATX = ("float64",)
#: the HMC chains' draws, and every how many draws their positions are kept
HMC_DRAWS, HMC_EVERY = 800, 10

#: the import lines of examples/dA.py, and Theano's
MINITHEANO_IMPORTS = {
    "import minitheano as theano": "import theano",
    "import minitheano.tensor as T": "import theano.tensor as T",
    "from minitheano.tensor.shared_randomstreams import RandomStreams": (
        "from theano.tensor.shared_randomstreams import RandomStreams"
    ),
}


def load_dA_on_theano():
    """``examples/dA.py`` as a module on Theano: its minitheano import lines swapped."""
    source = open(DA_SOURCE).read()
    for ours, theirs in MINITHEANO_IMPORTS.items():
        assert source.count(ours + "\n") == 1, ours
        source = source.replace(ours + "\n", theirs + "\n")
    module = types.ModuleType("dA_on_theano")
    module.__file__ = DA_SOURCE
    exec(compile(source, DA_SOURCE, "exec"), module.__dict__)
    return module


def load_mnist_train(path=MNIST_DIR):
    """The tutorial's training split of MNIST as ``(x float32 (50000, 784), y int64)``."""
    with gzip.open(os.path.join(path, "mnist.pkl.gz"), "rb") as f:
        train, _valid, _test = pickle.load(f, encoding="latin1")
    return train


def key(*parts) -> str:
    return "__".join(str(p) for p in parts)


# --- dA ----------------------------------------------------------------------------------------


def dA_costs(lib, train_x, floatX, corruption, n_batches, batch_size=20):
    """Every minibatch cost of ``n_batches`` (None: all) of the tutorial's dA, first epoch."""
    lib.theano.config.floatX = floatX
    rows = len(train_x) if n_batches is None else n_batches * batch_size
    shared_x = lib.theano.shared(np.asarray(train_x[:rows], dtype=floatX), borrow=True)
    costs = []
    lib.dA.train_dA(
        shared_x,
        corruption_level=corruption,
        training_epochs=1,
        batch_size=batch_size,
        n_train_batches=n_batches,
        batch_costs=costs,
    )
    return np.asarray(costs)


# --- stacked dA (the SdA tutorial's shape) -----------------------------------------------------


def stacked_dA_costs(
    lib,
    train_x,
    train_y,
    floatX,
    hidden_layers_sizes=(100, 60),
    corruption_levels=(0.1, 0.2),
    pretrain_lr=0.1,
    finetune_lr=0.1,
    batch_size=10,
    n_batches=8,
):
    """Pretrain each dA layer for ``n_batches`` minibatches, then fine-tune the whole stack
    with a softmax layer on top: every minibatch cost, in order."""
    theano, T = lib.theano, lib.T
    theano.config.floatX = floatX
    rows = n_batches * batch_size
    shared_x = theano.shared(np.asarray(train_x[:rows], dtype=floatX), borrow=True)
    shared_y = T.cast(theano.shared(np.asarray(train_y[:rows], dtype=floatX)), "int32")
    numpy_rng = np.random.RandomState(89677)
    theano_rng = lib.MRG_RandomStreams(numpy_rng.randint(2**30))
    x, y, index = T.matrix("x"), T.ivector("y"), T.lscalar("index")
    sigmoid_layers, dA_layers, params = [], [], []
    layer_input, n_in = x, 28 * 28
    for n_out in hidden_layers_sizes:
        # the tutorial's HiddenLayer for sigmoid units: uniform in +-sqrt(6 / fans), times 4
        bound = np.sqrt(6.0 / (n_in + n_out))
        W_values = np.asarray(numpy_rng.uniform(-bound, bound, (n_in, n_out)), dtype=floatX)
        W_values *= 4
        W = theano.shared(W_values, name="W")
        b = theano.shared(np.zeros(n_out, dtype=floatX), name="b")
        output = T.nnet.sigmoid(T.dot(layer_input, W) + b)
        sigmoid_layers.append(output)
        params += [W, b]
        dA_layers.append(
            lib.dA.dA(
                numpy_rng=numpy_rng,
                theano_rng=theano_rng,
                input=layer_input,
                n_visible=n_in,
                n_hidden=n_out,
                W=W,
                bhid=b,
            )
        )
        layer_input, n_in = output, n_out
    W_out = theano.shared(np.zeros((n_in, 10), dtype=floatX), name="W_out")
    b_out = theano.shared(np.zeros(10, dtype=floatX), name="b_out")
    p_y = T.nnet.softmax(T.dot(layer_input, W_out) + b_out)
    finetune_cost = -T.mean(T.log(p_y)[T.arange(y.shape[0]), y])
    params += [W_out, b_out]

    batch = slice(index * batch_size, (index + 1) * batch_size)
    costs = []
    for da, level in zip(dA_layers, corruption_levels):
        corruption_level, learning_rate = T.scalar("corruption"), T.scalar("lr")
        cost, updates = da.get_cost_updates(corruption_level, learning_rate)
        pretrain = theano.function(
            [index, theano.In(corruption_level, value=0.2), theano.In(learning_rate, value=0.1)],
            cost,
            updates=updates,
            givens={x: shared_x[batch]},
        )
        costs += [pretrain(index=i, corruption=level, lr=pretrain_lr) for i in range(n_batches)]
    gparams = T.grad(finetune_cost, params)
    finetune = theano.function(
        [index],
        finetune_cost,
        updates=[(p, p - gp * finetune_lr) for p, gp in zip(params, gparams)],
        givens={x: shared_x[batch], y: shared_y[batch]},
        name="train",
    )
    costs += [finetune(i) for i in range(n_batches)]
    return np.asarray(costs)


# --- HMC (the hmc tutorial's sampler and test, leapfrog unrolled) ------------------------------


def gaussian_target(floatX, dim=5, rng=None):
    """The hmc tutorial test's target: a mean, a covariance (unit diagonal) and its inverse."""
    rng = np.random.RandomState(123) if rng is None else rng
    mu = np.array(rng.rand(dim) * 10, dtype=floatX)
    cov = np.array(rng.rand(dim, dim), dtype=floatX)
    cov = (cov + cov.T) / 2.0
    cov[np.arange(dim), np.arange(dim)] = 1.0
    return mu, cov, np.linalg.inv(cov), rng


def hmc_sampler(
    lib,
    positions,
    energy_fn,
    initial_stepsize=0.01,
    target_acceptance_rate=0.9,
    n_steps=20,
    stepsize_dec=0.98,
    stepsize_min=0.001,
    stepsize_max=0.25,
    stepsize_inc=1.02,
    avg_acceptance_slowness=0.9,
    seed=12345,
    use_scan=False,
):
    """The tutorial's HMC sampler: a compiled ``simulate()`` that makes one HMC move of every
    chain (a row of ``positions``), adapts the step size towards the target acceptance rate
    and keeps a moving average of the acceptance rate; returns ``(simulate, stepsize,
    avg_acceptance_rate)``."""
    theano, T = lib.theano, lib.T
    floatX = theano.config.floatX
    stepsize = theano.shared(np.asarray(initial_stepsize, dtype=floatX), name="hmc_stepsize")
    avg_acceptance_rate = theano.shared(
        np.asarray(target_acceptance_rate, dtype=floatX), name="avg_acceptance_rate"
    )
    s_rng = lib.RandomStreams(seed)

    def dE_dpos(pos):
        return T.grad(energy_fn(pos).sum(), pos)

    def hamiltonian(pos, vel):
        return energy_fn(pos) + 0.5 * (vel**2).sum(axis=1)

    def leapfrog(pos, vel, step):
        new_vel = vel - step * dE_dpos(pos)
        return [pos + step * new_vel, new_vel], {}

    # leapfrog: a half step of the velocity, then n_steps - 1 whole steps of both (by scan, as
    # the tutorial, or unrolled in the graph), then a half step of the velocity
    initial_vel = s_rng.normal(size=positions.shape)
    vel = initial_vel - 0.5 * stepsize * dE_dpos(positions)
    pos = positions + stepsize * vel
    if use_scan:
        (all_pos, all_vel), scan_updates = theano.scan(
            leapfrog,
            outputs_info=[dict(initial=pos), dict(initial=vel)],
            non_sequences=[stepsize],
            n_steps=n_steps - 1,
        )
        assert not scan_updates
        pos, vel = all_pos[-1], all_vel[-1]
    else:
        for _ in range(n_steps - 1):
            (pos, vel), _ = leapfrog(pos, vel, stepsize)
    final_pos, final_vel = pos, vel - 0.5 * stepsize * dE_dpos(pos)

    # Metropolis-Hastings: accept with probability min(1, exp(H_before - H_after))
    energy_prev = hamiltonian(positions, initial_vel)
    energy_next = hamiltonian(final_pos, final_vel)
    accept = (T.exp(energy_prev - energy_next) - s_rng.uniform(size=energy_prev.shape)) >= 0

    accept_matrix = accept.dimshuffle(0, *(("x",) * (final_pos.ndim - 1)))
    new_positions = T.switch(accept_matrix, final_pos, positions)
    new_stepsize = T.clip(
        T.switch(
            avg_acceptance_rate > target_acceptance_rate,
            stepsize * stepsize_inc,
            stepsize * stepsize_dec,
        ),
        stepsize_min,
        stepsize_max,
    )
    new_acceptance_rate = T.add(
        avg_acceptance_slowness * avg_acceptance_rate,
        (1.0 - avg_acceptance_slowness) * accept.mean(dtype=floatX),
    )
    simulate = theano.function(
        [],
        [],
        updates=[
            (positions, new_positions),
            (stepsize, new_stepsize),
            (avg_acceptance_rate, new_acceptance_rate),
        ],
    )
    return simulate, stepsize, avg_acceptance_rate


def hmc_run(lib, floatX, n_draws, dim=5, batchsize=3, use_scan=False):
    """The hmc tutorial's test setup (target, start, step sizes): the positions after each of
    ``n_draws`` draws, shape (n_draws, batchsize, dim), and the step size and average
    acceptance rate after each."""
    theano, T = lib.theano, lib.T
    theano.config.floatX = floatX
    mu, _cov, cov_inv, rng = gaussian_target(floatX, dim)

    def gaussian_energy(x):
        return 0.5 * (T.dot((x - mu), cov_inv) * (x - mu)).sum(axis=1)

    position = theano.shared(rng.randn(batchsize, dim).astype(floatX))
    simulate, stepsize, rate = hmc_sampler(
        lib, position, gaussian_energy, initial_stepsize=1e-3, stepsize_max=0.5, use_scan=use_scan
    )
    draws, steps, rates = [], [], []
    for _ in range(n_draws):
        simulate()
        draws.append(position.get_value())
        steps.append(stepsize.get_value())
        rates.append(rate.get_value())
    return np.asarray(draws), np.asarray(steps), np.asarray(rates)


# --- the run under Theano ----------------------------------------------------------------------


def _theano_lib():
    import theano
    import theano.tensor as T
    from theano.sandbox.rng_mrg import MRG_RandomStreams
    from theano.tensor.shared_randomstreams import RandomStreams

    return types.SimpleNamespace(
        theano=theano,
        T=T,
        RandomStreams=RandomStreams,
        MRG_RandomStreams=MRG_RandomStreams,
        dA=load_dA_on_theano(),
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full-epoch", action="store_true", help="also the whole first epochs")
    args = parser.parse_args(argv)
    lib = _theano_lib()
    train_x, train_y = load_mnist_train()
    arrays = dict(np.load(PATH)) if os.path.exists(PATH) else {}
    for floatX, corruption, n_batches in DA_CASES:
        arrays[key("dA", floatX, corruption, n_batches)] = dA_costs(
            lib, train_x, floatX, corruption, n_batches
        )
    if args.full_epoch:
        for floatX, corruption in DA_EPOCHS:
            costs = dA_costs(lib, train_x, floatX, corruption, None)
            arrays[key("dA_epoch", floatX, corruption)] = costs.mean(dtype="float64")
    for floatX in SDA_FLOATX:
        arrays[key("SdA", floatX)] = stacked_dA_costs(lib, train_x, train_y, floatX)
    for floatX in HMC_FLOATX:
        draws, stepsize, rate = hmc_run(lib, floatX, HMC_DRAWS)
        arrays[key("hmc", floatX, "draws")] = draws[HMC_EVERY - 1 :: HMC_EVERY]
        arrays[key("hmc", floatX, "stepsize")] = stepsize
        arrays[key("hmc", floatX, "rate")] = rate
    np.savez_compressed(PATH, **arrays)
    print(
        f"wrote {len(arrays)} arrays to {PATH} (Theano {lib.theano.__version__})", file=sys.stderr
    )


if __name__ == "__main__":
    if importlib.util.find_spec("theano") is None:
        sys.exit("run this under Theano 1.0.5 (see the docstring)")
    main()
