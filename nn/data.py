"""Data sets and batches: generated spirals and circles, scikit-learn's 8x8 digits, MNIST's IDX
files from a local folder, and a shuffling batch iterator. Nothing is downloaded.

Every loader returns NumPy arrays: features X of shape (N, features) in float64 and integer
labels y of shape (N,).
"""

import gzip
import os
import zlib

import numpy as np


def _pad(X, dim):
    if dim is None or dim == X.shape[1]:
        return X
    if dim < X.shape[1]:
        raise ValueError(f"dim={dim} is smaller than the data's {X.shape[1]} features")
    return np.concatenate([X, np.zeros((len(X), dim - X.shape[1]))], axis=1)


def spirals(n_samples=200, noise=0.02, turns=1.5, seed=0, dim=None):
    """Two interleaved spirals in the plane, labels 0 and 1 (half the points each).

    Args:
        noise: standard deviation of the Gaussian noise added to each coordinate.
        turns: how many times each arm winds around the origin.
        dim: pad the points with zero coordinates up to `dim` features (for nn.ResNet, whose
            layers all have the width of the input).
    """
    rng = np.random.default_rng(seed)
    n1 = n_samples // 2
    labels = np.r_[np.zeros(n_samples - n1, dtype=np.int64), np.ones(n1, dtype=np.int64)]
    r = np.sqrt(rng.uniform(0.0, 1.0, n_samples)) * 0.9 + 0.1  # radius in [0.1, 1], denser outside
    angle = 2 * np.pi * turns * r + np.pi * labels  # the second arm is the first turned by 180°
    X = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    X += noise * rng.standard_normal(X.shape)
    return _pad(X, dim), labels


def circles(n_samples=200, noise=0.05, factor=0.5, seed=0, dim=None):
    """A small circle (label 1) inside a large one (label 0); `factor` is the ratio of radii."""
    if not 0 < factor < 1:
        raise ValueError(f"factor must be in (0, 1), got {factor}")
    rng = np.random.default_rng(seed)
    n1 = n_samples // 2
    labels = np.r_[np.zeros(n_samples - n1, dtype=np.int64), np.ones(n1, dtype=np.int64)]
    angle = rng.uniform(0.0, 2 * np.pi, n_samples)
    r = np.where(labels == 1, factor, 1.0)
    X = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    X += noise * rng.standard_normal(X.shape)
    return _pad(X, dim), labels


def train_test_split(X, y, test_fraction=0.25, seed=0):
    """((X_train, y_train), (X_test, y_test)) after one seeded shuffle."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}")
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = round(len(X) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return (X[train], y[train]), (X[test], y[test])


def load_digits(test_fraction=0.25, seed=0):
    """scikit-learn's 1797 handwritten 8x8 digits (shipped with it, offline), split by `seed`.

    Returns ((X_train, y_train), (X_test, y_test)); X has 64 features scaled to [0, 1], y is
    the digit 0-9. Needs the optional extra: pip install "autograd-core[train]".
    """
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        raise ImportError('the digits data set comes with scikit-learn: '
                          'pip install "autograd-core[train]"') from None
    digits = sklearn_digits()
    X = digits.data.astype(np.float64) / 16.0  # pixel values are 0..16
    y = digits.target.astype(np.int64)
    return train_test_split(X, y, test_fraction, seed)


# --- MNIST's IDX format: 2 zero bytes, a type code, the number of dimensions, then each
# dimension as a big-endian uint32, then the values in C order, big-endian.
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}

MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def read_idx(path):
    """The array stored in an IDX file (gzipped when the name ends in .gz)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise ValueError(f"{path} is not a readable gzip file (truncated or corrupted?): "
                         f"{e or type(e).__name__}") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number {raw[:4].hex() or 'none'})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: the IDX header is cut short")
    shape = tuple(int(n) for n in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_TYPES[raw[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(f"{path}: the header promises shape {shape} ({expected} bytes of data) "
                         f"but the file holds {len(raw) - header}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def _find(folder, stem):
    for name in (stem, stem + ".gz"):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def load_mnist(folder, split="train", flatten=True):
    """MNIST (or Fashion-MNIST) from IDX files in a local `folder`, e.g. ("train", "test").

    Looks for train-images-idx3-ubyte / train-labels-idx1-ubyte (split "train") or the t10k-
    files (split "test"), each plain or .gz. Returns (X, y): X float64 in [0, 1] of shape
    (N, 784) (or (N, 28, 28) with flatten=False), y int64 of shape (N,).
    """
    if split not in MNIST_FILES:
        raise ValueError(f"split must be one of {sorted(MNIST_FILES)}, got {split!r}")
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"the MNIST folder {os.path.abspath(folder)!r} does not exist")
    stems = MNIST_FILES[split]
    paths = [_find(folder, stem) for stem in stems]
    if None in paths:
        missing = [s for s, p in zip(stems, paths) if p is None]
        raise FileNotFoundError(
            f"MNIST {split} files not found in folder {os.path.abspath(folder)!r}: missing "
            f"{', '.join(missing)} (each may end in .gz). It expects "
            f"{' and '.join(stems)}; nothing is downloaded."
        )
    images, labels = read_idx(paths[0]), read_idx(paths[1])
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(f"{paths[0]} and {paths[1]} do not fit together: images of shape "
                         f"{images.shape}, labels of shape {labels.shape}")
    X = images.astype(np.float64) / 255.0
    return (X.reshape(len(X), -1) if flatten else X), labels.astype(np.int64)


class DataLoader:
    """Batches (X[i:i+b], y[i:i+b]) of ndarrays; each pass over the data is one epoch.

    With shuffle=True every epoch takes a new order from a generator seeded once with `seed`,
    so a run is reproducible. The last, smaller batch is kept unless drop_last=True.
    """

    def __init__(self, X, y, batch_size=32, shuffle=False, seed=None, drop_last=False):
        self.X, self.y = np.asarray(X), np.asarray(y)
        if len(self.X) != len(self.y):
            raise ValueError(f"X has {len(self.X)} rows but y has {len(self.y)}")
        if int(batch_size) < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        self.batch_size, self.shuffle, self.drop_last = int(batch_size), shuffle, drop_last
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        n, b = len(self.X), self.batch_size
        return n // b if self.drop_last else -(-n // b)

    def __iter__(self):
        n = len(self.X)
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            idx = order[start:start + self.batch_size]
            yield self.X[idx], self.y[idx]


__all__ = ["spirals", "circles", "train_test_split", "load_digits", "read_idx", "load_mnist",
           "MNIST_FILES", "DataLoader"]
