"""SGD and Adam: steps against the published update rules (and torch when installed)."""

import numpy as np
import pytest

import autograd_core as ag
import nn


def new_params(rng, shapes=((3, 2), (2,))):
    return [nn.Parameter(rng.standard_normal(s)) for s in shapes]


def set_grads(params, grads):
    for p, g in zip(params, grads):
        p.grad = ag.Tensor(g)


def adam_reference(p0, grads, lr, beta1, beta2, eps):
    """Kingma & Ba, Algorithm 1, for one parameter: every iterate, t from 1."""
    p, m, v, out = p0.copy(), np.zeros_like(p0), np.zeros_like(p0), []
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g ** 2
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(p)
    return out


def test_sgd_step_is_parameter_minus_lr_times_gradient(rng):
    params = new_params(rng)
    before = [p.data.copy() for p in params]
    grads = [rng.standard_normal(p.shape) for p in params]
    set_grads(params, grads)
    nn.optim.SGD(params, lr=0.1).step()
    for p, b, g in zip(params, before, grads):
        np.testing.assert_allclose(p.data, b - 0.1 * g, rtol=1e-15)


def test_sgd_momentum_accumulates_velocity(rng):
    (p,) = new_params(rng, [(4,)])
    p0 = p.data.copy()
    g1, g2 = rng.standard_normal(4), rng.standard_normal(4)
    opt = nn.optim.SGD([p], lr=0.1, momentum=0.9)
    set_grads([p], [g1])
    opt.step()
    set_grads([p], [g2])
    opt.step()
    np.testing.assert_allclose(p.data, p0 - 0.1 * g1 - 0.1 * (0.9 * g1 + g2), rtol=1e-14)


def test_step_skips_parameters_without_gradient(rng):
    params = new_params(rng)
    before = params[1].data.copy()
    set_grads(params[:1], [np.ones((3, 2))])
    nn.optim.Adam(params).step()
    np.testing.assert_array_equal(params[1].data, before)


def test_adam_matches_the_published_rule_step_by_step(rng):
    params = new_params(rng)
    starts = [p.data.copy() for p in params]
    grad_seqs = [[rng.standard_normal(p.shape) * (k + 1) for k in range(6)] for p in params]
    opt = nn.optim.Adam(params, lr=0.01, betas=(0.8, 0.99), eps=1e-6)
    refs = [adam_reference(s, gs, 0.01, 0.8, 0.99, 1e-6) for s, gs in zip(starts, grad_seqs)]
    for step in range(6):
        opt.zero_grad()
        set_grads(params, [gs[step] for gs in grad_seqs])
        opt.step()
        for p, ref in zip(params, refs):
            np.testing.assert_allclose(p.data, ref[step], rtol=1e-13, atol=1e-15)


def test_adam_first_step_moves_each_coordinate_by_lr(rng):
    # t starts at 1, so the bias-corrected step is lr * g / |g| per coordinate.
    p = nn.Parameter(np.zeros(5))
    p.grad = ag.Tensor(np.array([1e-3, -2.0, 5.0, -7e2, 0.3]))
    nn.optim.Adam([p], lr=0.1).step()
    np.testing.assert_allclose(p.data, -0.1 * np.sign(p.grad.data), rtol=1e-5)


def test_adam_keeps_separate_moments_per_parameter():
    a, b = nn.Parameter(np.zeros(2)), nn.Parameter(np.zeros(3))
    opt = nn.optim.Adam([a, b], lr=0.1)
    set_grads([a, b], [np.array([1.0, 1.0]), np.array([-1.0, 1.0, -1.0])])
    opt.step()
    np.testing.assert_allclose(a.data, [-0.1, -0.1], rtol=1e-6)
    np.testing.assert_allclose(b.data, [0.1, -0.1, 0.1], rtol=1e-6)


def test_adam_matches_torch_step_by_step(rng):
    torch = pytest.importorskip("torch")
    params = new_params(rng)
    tparams = [torch.tensor(p.data.copy(), requires_grad=True) for p in params]
    opt = nn.optim.Adam(params, lr=0.05, betas=(0.9, 0.999), eps=1e-8)
    topt = torch.optim.Adam(tparams, lr=0.05, betas=(0.9, 0.999), eps=1e-8)
    for _ in range(10):
        grads = [rng.standard_normal(p.shape) for p in params]
        set_grads(params, grads)
        for tp, g in zip(tparams, grads):
            tp.grad = torch.tensor(g)
        opt.step()
        topt.step()
        for p, tp in zip(params, tparams):
            np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_optimizer_step_bumps_versions_so_stale_graphs_fail(rng):
    layer = nn.Linear(2, 1, rng=0)
    opt = nn.optim.SGD(layer.parameters(), lr=0.1)
    loss = layer(rng.standard_normal((3, 2))).sum()
    loss.backward(retain_graph=True)
    opt.step()
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_optimizer_needs_parameters():
    with pytest.raises(ValueError, match="no parameters"):
        nn.optim.SGD([], lr=0.1)


@pytest.mark.parametrize("bad, match", [
    (np.zeros(2), "parameter 0 is ndarray"),
    (ag.Tensor(np.zeros(2)), "does not require grad"),
    (ag.Tensor(np.zeros(2), requires_grad=True) * 2.0, "not a leaf"),
], ids=["array", "constant_tensor", "computed_tensor"])
def test_optimizer_rejects_what_is_not_a_parameter(bad, match):
    with pytest.raises(TypeError, match=match):
        nn.optim.Adam([bad])


def test_optimizer_accepts_a_plain_leaf_tensor_that_requires_grad():
    p = ag.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    p.grad = ag.Tensor(np.array([1.0, -1.0]))
    nn.optim.SGD([p], lr=0.5).step()
    np.testing.assert_allclose(p.data, [0.5, 2.5])


def test_optimizer_rejects_a_repeated_parameter():
    p = nn.Parameter(np.zeros(2))
    with pytest.raises(ValueError, match="parameter 1 appears twice"):
        nn.optim.SGD([p, p], lr=0.1)


def test_optimizer_rejects_a_bare_tensor_and_a_bad_learning_rate():
    with pytest.raises(TypeError, match="iterable"):
        nn.optim.SGD(nn.Parameter(np.zeros(2)), lr=0.1)
    with pytest.raises(ValueError, match="learning rate"):
        nn.optim.SGD([nn.Parameter(np.zeros(2))], lr=-1.0)


def test_zero_grad_clears_gradients(rng):
    params = new_params(rng)
    set_grads(params, [np.ones(p.shape) for p in params])
    nn.optim.SGD(params, lr=0.1).zero_grad()
    assert all(p.grad is None for p in params)


def test_adam_state_dict_is_plain_data_and_restores_a_run(rng):
    grads = [[rng.standard_normal(3)] for _ in range(6)]
    p = nn.Parameter(np.zeros(3))
    opt = nn.optim.Adam([p], lr=0.1)
    for g in grads[:3]:
        set_grads([p], g)
        opt.step()
    state = opt.state_dict()
    assert state["steps"] == [3] and isinstance(state["exp_avg"][0], np.ndarray)
    assert isinstance(state["lr"], float) and state["betas"] == (0.9, 0.999)

    q = nn.Parameter(p.data.copy())
    resumed = nn.optim.Adam([q], lr=0.1).load_state_dict(state)
    for g in grads[3:]:
        set_grads([p], g)
        set_grads([q], g)
        opt.step()
        resumed.step()
    np.testing.assert_array_equal(q.data, p.data)
