"""Anomaly mode: the first NaN or Inf names its op and the line of user code that made it."""

import warnings

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor


def test_nan_in_forward_names_the_op_and_the_line():
    x = Tensor(np.array([1.0, -1.0]), requires_grad=True)
    with pytest.raises(FloatingPointError, match=r"Log forward produced NaN.*test_anomaly.py:\d+"):
        with ag.detect_anomaly(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ag.log(x * 2.0)


def test_inf_in_backward_names_the_op():
    x = Tensor(np.array([0.0, 4.0]), requires_grad=True)
    with ag.detect_anomaly():
        y = ag.sqrt(x).sum()  # sqrt(0) = 0 is fine; its gradient is not
        with pytest.raises(FloatingPointError, match=r"Sqrt backward produced Inf.*test_anomaly.py"), \
                warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y.backward()


def test_inherited_nan_is_reported_as_such():
    x = Tensor(np.array([np.nan]), requires_grad=True)
    with pytest.raises(FloatingPointError, match="inputs already held NaN"):
        with ag.detect_anomaly():
            x * 2.0


def test_anomaly_mode_off_lets_nan_through_silently():
    x = Tensor(np.array([np.nan]), requires_grad=True)
    assert np.isnan((x * 2.0).data).all()
    assert not ag.is_anomaly_enabled()


def test_anomaly_mode_as_decorator_restores_state():
    @ag.detect_anomaly()
    def f():
        return ag.is_anomaly_enabled()

    assert f() and not ag.is_anomaly_enabled()
