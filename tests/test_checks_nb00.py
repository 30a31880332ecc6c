"""Exercise checks: a right answer passes; a wrong one, a stub and an exception each get a hint."""
from __future__ import annotations

import numpy as np

import gan_utils as gu


def right(images):
    return images.astype(np.float32) / 127.5 - 1


def test_right_answer_passes(capsys):
    result = gu.checks.check_scale_images(right)
    assert result and "correct on all 3 cases" in capsys.readouterr().out


def test_right_answer_with_channel_axis_passes():
    assert gu.checks.check_scale_images(lambda x: right(x)[..., None])


def test_unit_range_answer_gets_specific_hint():
    result = gu.checks.check_scale_images(lambda x: x.astype(np.float32) / 255)
    assert not result and "between 0 and 1" in result.message


def test_uint8_overflow_is_caught():
    result = gu.checks.check_scale_images(lambda x: x / 127.5 - 1 if x.dtype != np.uint8 else (x * 2) / 255 - 1)
    assert not result and "expected [-1.    ,  1.    ,  0.0039" in result.message


def test_float64_images_are_rejected_as_prepare_images_does():
    result = gu.checks.check_scale_images(lambda x: x.astype(np.float64) / 127.5 - 1)
    assert not result and "float64" in result.message and "float32" in result.message


def test_stub_gets_hint_not_exception():
    result = gu.checks.check_scale_images(lambda x: None)
    assert not result and "not written yet" in result.message and "Idea:" in str(result)


def test_exception_is_reported_with_case():
    def broken(images):
        raise KeyError("oops")

    result = gu.checks.check_scale_images(broken)
    assert not result and "raised KeyError" in result.message and "case 1" in result.message


def test_not_a_function():
    result = gu.checks.check_scale_images(None)
    assert not result and "expected a function" in result.message


def test_wrong_shape_is_named():
    result = gu.checks.check_scale_images(lambda x: right(x)[:, :1])
    assert not result and "shape" in result.message
