"""grad_mode: recording and name scopes, per thread."""

import threading

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor


def test_name_scopes_nest_and_tag_recorded_ops():
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    with ag.name_scope("outer"):
        with ag.name_scope("inner"):
            y = x * 2.0
        z = y + 1.0
    assert y.op.scope == ("outer", "inner") and z.op.scope == ("outer",)
    assert ag.current_scope() == ""


def test_an_empty_name_opens_no_scope():
    with ag.name_scope(""):
        assert ag.current_scope() == ""


def run_in_thread(fn):
    result, errors = [], []
    thread = threading.Thread(target=lambda: _capture(fn, result, errors))
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def _capture(fn, result, errors):
    try:
        result.append(fn())
    except Exception as e:  # re-raised in the test's thread
        errors.append(e)


def test_a_new_thread_records_although_its_parent_is_under_no_grad():
    with ag.no_grad():
        recorded = run_in_thread(lambda: (ag.Tensor(1.0, requires_grad=True) * 2).requires_grad)
    assert recorded


def test_no_grad_in_one_thread_leaves_another_recording():
    entered, done = threading.Event(), threading.Event()

    def evaluate():
        with ag.no_grad():
            entered.set()
            done.wait(5)

    thread = threading.Thread(target=evaluate)
    thread.start()
    entered.wait(5)
    try:
        x = ag.Tensor(3.0, requires_grad=True)
        (x * x).backward()
        assert x.grad.data == 6.0
    finally:
        done.set()
        thread.join()
    assert ag.is_grad_enabled()


def test_interleaved_no_grad_blocks_of_two_threads_restore_each_threads_mode():
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    modes = {}

    def first():
        with ag.no_grad():
            a_in.set()
            b_in.wait(5)
        a_out.set()
        modes["first"] = ag.is_grad_enabled()

    def second():
        a_in.wait(5)
        with ag.no_grad():
            b_in.set()
            a_out.wait(5)  # the first thread leaves its block while this one is inside
            modes["second inside"] = ag.is_grad_enabled()
        modes["second"] = ag.is_grad_enabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert modes == {"first": True, "second inside": False, "second": True}


def test_two_threads_train_two_models_at_once():
    def train(seed):
        rng = np.random.default_rng(seed)
        w = ag.Tensor(rng.standard_normal(3), requires_grad=True)
        x, target = rng.standard_normal((20, 3)), rng.standard_normal(20)
        for _ in range(200):
            loss = (((ag.Tensor(x) @ w) - target) ** 2).mean()
            w.grad = None
            loss.backward()
            with ag.no_grad():
                w -= 0.1 * w.grad
        return w.data

    alone = {s: train(s) for s in (1, 2)}
    together = {}
    threads = [threading.Thread(target=lambda s=s: together.update({s: train(s)})) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in (1, 2):  # the same weights, bit for bit, as when each trained alone
        np.testing.assert_array_equal(together[s], alone[s])


def test_backward_turns_recording_off_only_in_its_own_thread():
    started, release = threading.Event(), threading.Event()

    class Slow(ag.Function):
        def forward(self, x): return x
        def vjp(self, g, out, x):
            started.set()
            release.wait(5)
            return (g,)

    def backward():
        x = ag.Tensor(1.0, requires_grad=True)
        Slow()(x).backward()

    thread = threading.Thread(target=backward)
    thread.start()
    started.wait(5)
    try:
        assert ag.is_grad_enabled()
        assert (ag.Tensor(1.0, requires_grad=True) * 2).requires_grad
    finally:
        release.set()
        thread.join()


def test_scopes_are_per_thread():
    with ag.name_scope("main"):
        assert run_in_thread(ag.current_scope) == ""
        assert ag.current_scope() == "main"


def test_set_grad_enabled_as_a_decorator():
    @ag.set_grad_enabled(False)
    def evaluate(x):
        return (x * 2).requires_grad
    assert evaluate(ag.Tensor(1.0, requires_grad=True)) is False
    assert ag.is_grad_enabled()


def test_detect_anomaly_is_per_thread():
    with ag.detect_anomaly():
        assert ag.is_anomaly_enabled()
        assert run_in_thread(ag.is_anomaly_enabled) is False
    with pytest.raises(FloatingPointError):
        with ag.detect_anomaly():
            ag.log(ag.Tensor(-1.0, requires_grad=True))


def test_no_grad_records_nothing():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with ag.no_grad():
        y = x * 2.0
    assert not y.requires_grad and y.is_leaf and y.op is None


def test_no_grad_works_as_decorator_and_restores_the_mode():
    @ag.no_grad()
    def double(t):
        assert not ag.is_grad_enabled()
        return t * 2.0

    x = Tensor(1.0, requires_grad=True)
    assert not double(x).requires_grad
    assert ag.is_grad_enabled()


def test_enable_grad_inside_no_grad_records():
    x = Tensor(1.0, requires_grad=True)
    with ag.no_grad(), ag.enable_grad():
        y = x * 2.0
    assert y.requires_grad


def test_a_dotted_scope_name_opens_one_scope_per_part():
    x = ag.Tensor(1.0, requires_grad=True)
    with ag.name_scope("blocks.0"):
        y = x * 2.0
    assert y.op.scope == ("blocks", "0")
