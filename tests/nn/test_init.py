"""Initialisers: the spread each one promises, reproducibility from the generator."""

import numpy as np
import pytest

import nn


def weight(shape):
    return nn.Parameter(np.empty(shape))


def test_kaiming_normal_has_standard_deviation_sqrt_2_over_fan_in():
    w = nn.init.kaiming_normal_(weight((1000, 500)), np.random.default_rng(0))
    np.testing.assert_allclose(w.data.std(), np.sqrt(2 / 500), rtol=0.01)  # not the variance 2/500
    assert abs(w.data.mean()) < 0.01


def test_kaiming_uniform_has_the_same_standard_deviation():
    w = nn.init.kaiming_uniform_(weight((1000, 500)), np.random.default_rng(0))
    np.testing.assert_allclose(w.data.std(), np.sqrt(2 / 500), rtol=0.01)


@pytest.mark.parametrize("fill", [nn.init.xavier_normal_, nn.init.xavier_uniform_])
def test_xavier_has_standard_deviation_sqrt_2_over_fan_in_plus_fan_out(fill):
    w = fill(weight((600, 400)), np.random.default_rng(0))
    np.testing.assert_allclose(w.data.std(), np.sqrt(2 / 1000), rtol=0.01)


def test_normal_is_the_seeds_standard_normal():
    w = nn.init.normal_(weight((500, 500)), np.random.default_rng(0))
    np.testing.assert_allclose([w.data.mean(), w.data.std()], [0.0, 1.0], atol=0.01)


def test_lecun_normal_is_randn_over_sqrt_fan_in():
    w = nn.init.lecun_normal_(weight((3, 4)), np.random.default_rng(5))
    expected = np.random.default_rng(5).standard_normal((3, 4)) / np.sqrt(4)
    np.testing.assert_allclose(w.data, expected)


def test_initialisers_are_reproducible_and_fill_in_place():
    a, b = weight((3, 4)), weight((3, 4))
    assert nn.init.xavier_uniform_(a, np.random.default_rng(1)) is a
    nn.init.xavier_uniform_(b, np.random.default_rng(1))
    np.testing.assert_array_equal(a.data, b.data)


def test_gain_rejects_an_unknown_nonlinearity():
    with pytest.raises(ValueError, match="softsign"):
        nn.init.gain("softsign")
