"""Learning on real data, each in about a second: the seeds' models do what they are for."""


import nn


def test_resnet_separates_the_spirals():
    X, y = nn.data.spirals(200, seed=0, dim=4)
    model = nn.ResNet(4, 10, step=0.25, activation="tanh", output_activation="sigmoid", rng=0)
    assert nn.train.accuracy(nn.train.predict(model, X), y) < 0.8  # not separated by chance

    def seed000_cost(Z, c):
        return 0.5 * nn.mse_loss(Z, c, reduction="sum")

    nn.train.fit(model, seed000_cost, nn.optim.Adam(model.parameters(), lr=0.05), (X, y),
                 epochs=300, batch_size=len(X), seed=0, progress=False)
    assert nn.train.accuracy(nn.train.predict(model, X), y) >= 0.95


def test_mlp_reaches_95_percent_on_the_digits():
    train, test = nn.data.load_digits(seed=0)
    model = nn.MLP([64, 64, 10], activation="relu", rng=0)
    history = nn.train.fit(model, nn.cross_entropy, nn.optim.Adam(model.parameters(), lr=1e-2),
                           train, val_data=test, epochs=10, batch_size=32, seed=0, progress=False)
    assert history["val_accuracy"][-1] >= 0.95
    assert nn.train.evaluate(model, nn.cross_entropy, test)["accuracy"] >= 0.95
