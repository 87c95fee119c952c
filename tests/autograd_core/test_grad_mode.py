"""grad_mode: the recording switches (no_grad, enable_grad) and name scopes, opened with
`name_scope` or with the private _push_scope / _pop_scope pair nn.Module uses."""

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.grad_mode import _pop_scope, _push_scope


def test_push_scope_tags_recorded_ops_like_name_scope():
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    with ag.name_scope("outer"):
        token = _push_scope("inner")
        try:
            y = x * 2.0
        finally:
            _pop_scope(token)
        z = y + 1.0
    assert y.op.scope == ("outer", "inner")
    assert z.op.scope == ("outer",)


def test_pop_scope_restores_the_scope_of_its_token():
    token = _push_scope("a")
    _push_scope("b")
    assert ag.current_scope() == "a.b"
    _pop_scope(token)
    assert ag.current_scope() == ""


def test_push_scope_with_an_empty_name_opens_no_scope():
    token = _push_scope("")
    assert ag.current_scope() == ""
    _pop_scope(token)


def test_no_grad_records_nothing():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with ag.no_grad():
        y = x * 2.0
    assert not y.requires_grad and y.is_leaf and y.inputs == ()


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
