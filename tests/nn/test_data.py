"""Data: generated point sets, the digits, MNIST IDX files written here, and batching."""

import gzip
import sys

import numpy as np
import pytest

import nn


def write_idx(path, array, code=0x08):
    dtype = {0x08: ">u1", 0x0C: ">i4", 0x0D: ">f4"}[code]
    header = bytes([0, 0, code, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    raw = header + np.asarray(array, dtype=dtype).tobytes()
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(raw)


def write_mnist(folder, split, n, gz, rng):
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n, dtype=np.uint8)
    ext = ".gz" if gz else ""
    image_name, label_name = nn.data.MNIST_FILES[split]
    write_idx(folder / (image_name + ext), images)
    write_idx(folder / (label_name + ext), labels)
    return images, labels


@pytest.mark.parametrize("make", [nn.data.spirals, nn.data.circles])
def test_point_sets_are_balanced_2d_and_reproducible(make):
    X, y = make(101, seed=3)
    assert X.shape == (101, 2) and X.dtype == np.float64 and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1} and abs(int(y.sum()) - 50) <= 1
    X2, _ = make(101, seed=3)
    np.testing.assert_array_equal(X, X2)
    assert not np.array_equal(X, make(101, seed=4)[0])


def test_spiral_arms_are_the_same_curve_turned_half_a_turn():
    X, y = nn.data.spirals(400, noise=0.0, seed=0)
    r, angle = np.hypot(X[:, 0], X[:, 1]), np.arctan2(X[:, 1], X[:, 0])
    offset = np.mod(angle - 2 * np.pi * 1.5 * r - np.pi * y, 2 * np.pi)
    np.testing.assert_allclose(np.minimum(offset, 2 * np.pi - offset), 0, atol=1e-9)


def test_circles_have_the_requested_radii_without_noise():
    X, y = nn.data.circles(50, noise=0.0, factor=0.3, seed=0)
    np.testing.assert_allclose(np.hypot(X[:, 0], X[:, 1]), np.where(y == 1, 0.3, 1.0))


def test_dim_pads_points_with_zero_coordinates():
    X, _ = nn.data.spirals(10, dim=4, seed=0)
    assert X.shape == (10, 4)
    np.testing.assert_array_equal(X[:, 2:], 0)
    np.testing.assert_array_equal(X[:, :2], nn.data.spirals(10, seed=0)[0])


def test_train_test_split_partitions_the_rows():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    (Xa, ya), (_, yb) = nn.data.train_test_split(X, y, test_fraction=0.3, seed=1)
    assert len(yb) == 3 and sorted(np.r_[ya, yb]) == list(range(10))
    np.testing.assert_array_equal(Xa[:, 0], 2 * ya)


def test_load_digits_gives_64_features_in_unit_range():
    (X, y), (Xt, _) = nn.data.load_digits(seed=0)
    assert X.shape[1] == 64 and len(X) + len(Xt) == 1797
    assert X.min() == 0.0 and X.max() == 1.0 and set(np.unique(y)) == set(range(10))


def test_load_digits_without_scikit_learn_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r'pip install "autograd-core\[train\]"'):
        nn.data.load_digits()


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_load_mnist_reads_idx_files_from_a_folder(tmp_path, gz, rng):
    images, labels = write_mnist(tmp_path, "test", 5, gz, rng)
    X, y = nn.data.load_mnist(tmp_path, split="test")
    assert X.shape == (5, 784) and y.dtype == np.int64
    np.testing.assert_allclose(X, images.reshape(5, -1) / 255.0)
    np.testing.assert_array_equal(y, labels)
    X3, _ = nn.data.load_mnist(tmp_path, split="test", flatten=False)
    assert X3.shape == (5, 28, 28)


def test_load_mnist_names_the_folder_and_the_missing_files(tmp_path, rng):
    write_mnist(tmp_path, "test", 3, False, rng)
    with pytest.raises(FileNotFoundError) as e:
        nn.data.load_mnist(tmp_path, split="train")
    msg = str(e.value)
    assert str(tmp_path) in msg
    assert "train-images-idx3-ubyte" in msg and "train-labels-idx1-ubyte" in msg


@pytest.mark.parametrize("code, values", [(0x0C, np.array([[1, -2], [3, 4]])),
                                          (0x0D, np.array([0.5, -1.25, 3.0]))],
                         ids=["int32", "float32"])
def test_read_idx_decodes_big_endian_types(tmp_path, code, values):
    write_idx(tmp_path / "a.idx", values, code)
    out = nn.data.read_idx(tmp_path / "a.idx")
    np.testing.assert_array_equal(out, values)
    assert out.dtype.isnative


def test_read_idx_rejects_a_truncated_file(tmp_path):
    path = tmp_path / "short.idx"
    write_idx(path, np.zeros((4, 3), dtype=np.uint8))
    path.write_bytes(path.read_bytes()[:-2])
    with pytest.raises(ValueError, match=r"shape \(4, 3\)"):
        nn.data.read_idx(path)


def test_read_idx_rejects_a_bad_magic_number(tmp_path):
    path = tmp_path / "bad.idx"
    path.write_bytes(b"PK\x03\x04rest")
    with pytest.raises(ValueError, match="not an IDX file"):
        nn.data.read_idx(path)


def test_data_loader_covers_every_row_once_per_epoch_in_batches():
    X, y = np.arange(10.0)[:, None], np.arange(10)
    loader = nn.data.DataLoader(X, y, batch_size=4, shuffle=True, seed=0)
    batches = list(loader)
    assert len(loader) == 3 and [len(b[1]) for b in batches] == [4, 4, 2]
    seen = np.concatenate([b[1] for b in batches])
    assert sorted(seen) == list(range(10))
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches])[:, 0], seen)


def test_data_loader_reshuffles_each_epoch_reproducibly():
    X, y = np.zeros((50, 1)), np.arange(50)

    def orders(seed):
        loader = nn.data.DataLoader(X, y, batch_size=50, shuffle=True, seed=seed)
        return [next(iter(loader))[1] for _ in range(2)]

    first, second = orders(1)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(orders(1)[1], second)


def test_data_loader_without_shuffle_keeps_order_and_can_drop_the_last_batch():
    loader = nn.data.DataLoader(np.zeros((10, 1)), np.arange(10), batch_size=4, drop_last=True)
    assert len(loader) == 2
    np.testing.assert_array_equal(np.concatenate([b[1] for b in loader]), np.arange(8))


def test_data_loader_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="X has 3 rows but y has 2"):
        nn.data.DataLoader(np.zeros((3, 1)), np.zeros(2))
