"""grad_mode: name scopes opened with `name_scope` or with the push_scope / pop_scope pair."""

import autograd_core as ag


def test_push_scope_tags_recorded_ops_like_name_scope():
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    with ag.name_scope("outer"):
        token = ag.push_scope("inner")
        try:
            y = x * 2.0
        finally:
            ag.pop_scope(token)
        z = y + 1.0
    assert y.op.scope == ("outer", "inner")
    assert z.op.scope == ("outer",)


def test_pop_scope_restores_the_scope_of_its_token():
    token = ag.push_scope("a")
    ag.push_scope("b")
    assert ag.current_scope() == "a.b"
    ag.pop_scope(token)
    assert ag.current_scope() == ""


def test_push_scope_with_an_empty_name_opens_no_scope():
    token = ag.push_scope("")
    assert ag.current_scope() == ""
    ag.pop_scope(token)
