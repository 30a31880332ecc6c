"""Notebook 06's uses of generated digits: 01's classifier trained on few real digits, on augmented ones, on generated only (CAS)."""
from __future__ import annotations

import numpy as np
import pytest

import gan_utils as gu
from gan_utils.engine import usefulness as U


@pytest.fixture(scope="module")
def data():
    return gu.load_mnist(source="embedded", verbose=False)


@pytest.fixture(scope="module")
def conditional():
    return gu.load_pretrained("cdcgan_embedded")


def test_the_classifier_is_notebook_01s_mlp():
    model = U.digit_classifier(seed=0)
    assert model.count_params() == 235_146
    assert [layer.__class__.__name__ for layer in model.layers] == \
        ["Flatten", "Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert model.output_shape == (None, 10)
    same = U.digit_classifier(seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), same.get_weights()))
    other = U.digit_classifier(seed=1)
    assert not np.array_equal(model.get_weights()[0], other.get_weights()[0])


def test_real_subset_draws_n_of_each_class(data):
    x, y = U.real_subset(data, 7, seed=0)
    assert x.shape == (70, 28, 28, 1) and x.dtype == np.float32 and x.min() >= -1 and x.max() <= 1
    assert np.array_equal(np.bincount(y, minlength=10), np.full(10, 7))
    x_again, _ = U.real_subset(data, 7, seed=0)
    assert np.array_equal(x, x_again)
    assert not np.array_equal(x, U.real_subset(data, 7, seed=1)[0])
    assert len(U.real_subset(data, 450)[0]) == 4500  # all of the embedded training digits
    for bad in (451, 0, -1, 2.5, True):
        with pytest.raises(ValueError, match="n_per_class"):
            U.real_subset(data, bad)


def test_generated_digits_needs_a_conditional_generator(conditional):
    with pytest.raises(ValueError, match="dcgan_generator.*not conditional"):
        U.generated_digits(gu.load_pretrained("dcgan_embedded"), 5)
    x, y = U.generated_digits(conditional, 4, seed=0)
    assert x.shape == (40, 28, 28, 1) and x.min() >= -1 and x.max() <= 1
    assert np.array_equal(y, np.repeat(np.arange(10), 4))
    # the reference classifier agrees with most of the labels the generator was asked for
    assert np.mean(gu.metrics.classify(x).argmax(1) == y) > 0.8


def test_train_and_test_learns_from_50_real_digits_per_class(data):
    x, y = U.real_subset(data, 50, seed=0)
    accuracy = U.train_and_test(x, y, data.x_test, data.y_test, steps=300)
    assert 0.7 < accuracy <= 1.0
    assert U.train_and_test(x, y, data.x_test, data.y_test, steps=300) == accuracy  # seeded: repeatable


def test_train_and_test_refuses_bad_input(data):
    x, y = U.real_subset(data, 2)
    with pytest.raises(ValueError, match="steps"):
        U.train_and_test(x, y, x, y, steps=0)
    with pytest.raises(ValueError, match="y_train"):
        U.train_and_test(x, y[:-1], x, y, steps=1)
    with pytest.raises(ValueError, match="x_train"):
        U.train_and_test(x * 255, y, x, y, steps=1)


def test_augmentation_and_cas_give_accuracies(data, conditional):
    steps = gu.fast(1000, 100)
    trial = U.augmentation_trial(data, conditional, 10, n_generated_per_class=gu.fast(450, 50), steps=steps, seed=0)
    assert set(trial) == {"n_per_class", "n_generated_per_class", "real_only", "augmented", "seed"}
    assert trial["n_per_class"] == 10 and trial["seed"] == 0
    assert 0.0 <= trial["real_only"] <= 1.0 and 0.0 <= trial["augmented"] <= 1.0
    cas = U.classification_accuracy_score(conditional, data, n_per_class=gu.fast(450, 50), steps=steps)
    assert 0.5 < cas <= 1.0  # a good conditional generator teaches most digits
    with pytest.raises(ValueError, match="not conditional"):
        U.classification_accuracy_score(gu.load_pretrained("dcgan_embedded"), data, steps=1)
