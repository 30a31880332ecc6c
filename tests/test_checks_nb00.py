"""Notebook 00's checks: the build cell's worked solution passes, gu.to_float does not, known mistakes are named,
and the exercises' checks read the digits they are given."""
from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

import gan_utils as gu
from gan_utils.checks import nb00


def _quiet(fn, *args):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args)


def right(images):
    return images.astype(np.float32) / 127.5 - 1


def right_to_pixels(x):
    return np.clip(np.rint((np.asarray(x) + 1.0) * 127.5), 0, 255).astype(np.uint8)


def test_right_answer_passes(capsys):
    result = gu.checks.check_scale_images(right)
    assert result and "correct on all 3 cases" in capsys.readouterr().out


def test_right_answer_with_channel_axis_passes():
    assert _quiet(gu.checks.check_scale_images, lambda x: right(x)[..., None])


def test_calling_gu_to_float_is_a_recognised_mistake():
    result = _quiet(gu.checks.check_scale_images, lambda images: gu.to_float(images))
    assert not result and "Recognised mistake" in result.message and "WriteItYourself" in result.message


def test_yours_or_reference_falls_back_for_an_empty_body(capsys):
    def scale_images(images):
        ...

    chosen = gu.checks.yours_or_reference(scale_images)
    assert chosen is not scale_images and "using the course's version" in capsys.readouterr().out
    scaled = chosen(np.array([[[0, 255]]], dtype=np.uint8))
    assert scaled.dtype == np.float32 and scaled.tolist() == [[[-1.0, 1.0]]]


def test_yours_or_reference_keeps_a_passing_function(capsys):
    def scale_images(images):
        return right(images)

    _quiet(gu.checks.check_scale_images, scale_images)
    assert gu.checks.yours_or_reference(scale_images) is scale_images
    assert "using yours" in capsys.readouterr().out


def test_unit_range_answer_gets_specific_hint():
    result = _quiet(gu.checks.check_scale_images, lambda x: x.astype(np.float32) / 255)
    assert not result and "between 0 and 1" in result.message


def test_uint8_overflow_is_caught():
    result = _quiet(gu.checks.check_scale_images,
                    lambda x: x / 127.5 - 1 if x.dtype != np.uint8 else (x * 2) / 255 - 1)
    assert not result and "expected [-1.    ,  1.    ,  0.0039" in result.message


def test_float64_images_are_rejected_as_prepare_images_does():
    result = _quiet(gu.checks.check_scale_images, lambda x: x.astype(np.float64) / 127.5 - 1)
    assert not result and "float64" in result.message and "float32" in result.message


def test_stub_gets_hint_not_exception():
    result = _quiet(gu.checks.check_scale_images, lambda x: None)
    assert not result and "not written yet" in result.message and "Hint 1/4:" in str(result)


def test_exception_is_reported_with_case():
    def broken(images):
        raise KeyError("oops")

    result = _quiet(gu.checks.check_scale_images, broken)
    assert not result and "raised KeyError" in result.message and "case 1" in result.message


def test_not_a_function():
    result = _quiet(gu.checks.check_scale_images, None)
    assert not result and "expected a function" in result.message


def test_wrong_shape_is_named():
    result = _quiet(gu.checks.check_scale_images, lambda x: right(x)[:, :1])
    assert not result and "shape" in result.message


@pytest.fixture(scope="module")
def digits():
    return gu.load_mnist("embedded", verbose=False).x_train


def test_tanh_reach(digits):
    share = float((digits > 127.5).mean())
    assert _quiet(gu.checks.check_tanh_reach, share, digits)
    assert _quiet(gu.checks.check_tanh_reach, share)  # the embedded digits by default
    assert "percentage" in _quiet(gu.checks.check_tanh_reach, 100 * share, digits).message
    ink = float((digits > 127.5).sum() / (digits > 0).sum())
    assert "inked pixels only" in _quiet(gu.checks.check_tanh_reach, ink, digits).message
    assert "CAN reach" in _quiet(gu.checks.check_tanh_reach, 1 - share, digits).message
    assert "set share" in _quiet(gu.checks.check_tanh_reach, None).message
    assert not _quiet(gu.checks.check_tanh_reach, 0.5, digits)


def test_background_share(digits):
    assert 0.75 < (digits == 0).mean() < 0.85
    assert _quiet(gu.checks.check_background_share, "about 80%", digits)
    assert _quiet(gu.checks.check_background_share, " About  80% ")
    wrong = _quiet(gu.checks.check_background_share, "about 50%", digits)
    assert not wrong and "the run says 'about 80%'" in wrong.message
    assert "record your prediction first" in _quiet(gu.checks.check_background_share, None).message


def test_to_pixels():
    assert _quiet(gu.checks.check_to_pixels, right_to_pixels)
    cheat = _quiet(gu.checks.check_to_pixels, lambda x: gu.to_uint8(x))
    assert not cheat and "WriteItYourself" in cheat.message
    wraps = _quiet(gu.checks.check_to_pixels, lambda x: np.rint((x + 1.0) * 127.5).astype(np.uint8))
    assert not wraps and "wraps around" in wraps.message
    cuts = _quiet(gu.checks.check_to_pixels, lambda x: np.clip((x + 1.0) * 127.5, 0, 255).astype(np.uint8))
    assert not cuts and "cuts off the decimals" in cuts.message
    assert "without shifting" in _quiet(gu.checks.check_to_pixels,
                                        lambda x: np.clip(np.rint(x * 127.5), 0, 255).astype(np.uint8)).message
    floats = _quiet(gu.checks.check_to_pixels, lambda x: np.clip(np.rint((x + 1.0) * 127.5), 0, 255))
    assert not floats and "uint8" in floats.message


def test_every_hint_has_four_levels_and_no_level_two_holds_code():
    for key, levels in nb00.HINTS.items():
        assert len(levels) == 4 and len(set(levels)) == 4, key
        assert "```" not in levels[0] + levels[1] and "```python" in levels[3], key
