"""Notebook 05's exercise checks: right answers pass; stubs, crashes and known mistakes get specific hints."""
from __future__ import annotations

import numpy as np
import scipy.linalg
from scipy.special import logsumexp

import gan_utils as gu


def frechet_right(mu1, s1, mu2, s2):
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1 + s2 - 2 * np.real(scipy.linalg.sqrtm(s1 @ s2))))


def nearest_right(samples, train):
    return np.sqrt(((samples[:, None, :] - train[None, :, :]) ** 2).sum(-1)).min(axis=1)


def parzen_right(x, centres, sigma):
    a = -((x[:, None, :] - centres[None, :, :]) ** 2).sum(-1) / (2 * sigma ** 2)
    return logsumexp(a, axis=1) - np.log(len(centres)) - 0.5 * x.shape[1] * np.log(2 * np.pi * sigma ** 2)


def test_right_answers_pass(capsys):
    assert gu.checks.check_frechet_gaussian(frechet_right)
    assert gu.checks.check_nearest_distance(nearest_right)
    assert gu.checks.check_parzen_log_density(parzen_right)
    assert capsys.readouterr().out.count("PASSED") == 3


def test_stubs_and_crashes_get_hints():
    for check in (gu.checks.check_frechet_gaussian, gu.checks.check_nearest_distance,
                  gu.checks.check_parzen_log_density):
        stub = check(lambda *args: None)
        assert not stub and "not written yet" in stub.message and "Idea:" in str(stub)

        def crash(*args):
            raise IndexError("boom")

        crashed = check(crash)
        assert not crashed and "raised IndexError" in crashed.message
        assert not check(None) and "expected a function" in check(None).message


def test_frechet_mistakes_are_named():
    def sqrt_each(m1, s1, m2, s2):
        r1, r2 = np.real(scipy.linalg.sqrtm(s1)), np.real(scipy.linalg.sqrtm(s2))
        return float(np.sum((m1 - m2) ** 2) + np.trace(s1 + s2 - 2 * r1 @ r2))

    def no_two(m1, s1, m2, s2):
        return float(np.sum((m1 - m2) ** 2) + np.trace(s1 + s2 - np.real(scipy.linalg.sqrtm(s1 @ s2))))

    def unsquared(m1, s1, m2, s2):
        return frechet_right(m1, s1, m2, s2) - np.sum((m1 - m2) ** 2) + np.linalg.norm(m1 - m2)

    assert "separately" in gu.checks.check_frechet_gaussian(sqrt_each).message
    assert "factor of two" in gu.checks.check_frechet_gaussian(no_two).message
    assert "SQUARED" in gu.checks.check_frechet_gaussian(unsquared).message
    means_only = gu.checks.check_frechet_gaussian(lambda m1, s1, m2, s2: float(np.sum((m1 - m2) ** 2)))
    assert "only the mean term" in means_only.message


def test_nearest_distance_mistakes_are_named():
    check = gu.checks.check_nearest_distance
    assert "squared distances" in check(lambda s, t: nearest_right(s, t) ** 2).message
    all_d = lambda s, t: np.sqrt(((s[:, None] - t[None]) ** 2).sum(-1))  # noqa: E731
    assert "NEAREST" in check(lambda s, t: all_d(s, t).mean(1)).message
    assert "position of the nearest row" in check(lambda s, t: all_d(s, t).argmin(1)).message


def test_parzen_mistakes_are_named():
    check = gu.checks.check_parzen_log_density

    def naive(x, c, s):  # exp underflows for the small-sigma case
        d2 = ((x[:, None, :] - c[None, :, :]) ** 2).sum(-1)
        with np.errstate(divide="ignore"):
            return np.log(np.exp(-d2 / (2 * s ** 2)).mean(1)) - 0.5 * x.shape[1] * np.log(2 * np.pi * s ** 2)

    assert "log-sum-exp" in check(naive).message
    assert "AVERAGES them" in check(lambda x, c, s: parzen_right(x, c, s) + np.log(len(c))).message
    no_norm = lambda x, c, s: parzen_right(x, c, s) + 0.5 * x.shape[1] * np.log(2 * np.pi * s ** 2)  # noqa: E731
    assert "normalising constant" in check(no_norm).message


def test_predict_fid_samples_reads_the_measurement():
    measured = {500: 12.0, 5000: 6.0}
    assert gu.checks.check_predict_fid_samples("higher", measured=measured)
    wrong = gu.checks.check_predict_fid_samples("lower", measured=measured)
    assert not wrong and "the run says 'higher'" in wrong.message and "12.00 from 500" in wrong.message
    assert "measuring cell first" in gu.checks.check_predict_fid_samples("higher").message
