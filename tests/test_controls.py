"""PlayLoop and the shared widget helpers: one loop at a time, stops cleanly, errors never escape."""
from __future__ import annotations

import asyncio

import pytest

from gan_utils import controls as widgets


def run(coro):
    return asyncio.run(coro)


def test_play_loop_steps_until_stopped():
    calls = []

    async def scenario():
        loop = widgets.PlayLoop(lambda: calls.append(1))
        assert loop.start() is True
        for _ in range(20):
            await asyncio.sleep(0)
        loop.stop()
        await loop.wait()
        return loop

    loop = run(scenario())
    assert len(calls) >= 10 and not loop.running and loop.iterations == len(calls)


def test_rapid_toggling_never_starts_a_second_loop():
    active, overlaps = [0], []

    def step():
        active[0] += 1
        overlaps.append(active[0])
        active[0] -= 1

    async def scenario():
        loop = widgets.PlayLoop(step)
        created = 0
        for _ in range(100):
            created += loop.start()
            loop.stop()
            created += loop.start()
            await asyncio.sleep(0)
        loop.stop()
        await loop.wait()
        return created

    created = run(scenario())
    assert max(overlaps) == 1
    assert created < 100, "each start while a loop was alive must reuse it"


def test_error_stops_loop_and_is_reported():
    seen, stopped = [], []

    def step():
        raise FloatingPointError("boom")

    async def scenario():
        loop = widgets.PlayLoop(step, on_error=seen.append, on_stop=lambda: stopped.append(True))
        loop.start()
        await loop.wait()
        return loop

    loop = run(scenario())
    assert isinstance(seen[0], FloatingPointError) and stopped == [True] and not loop.running


def test_start_outside_event_loop_is_clear():
    loop = widgets.PlayLoop(lambda: None)
    with pytest.raises(RuntimeError, match="running event loop"):
        loop.start()
    assert not loop.running


def test_error_box_escapes_and_clears():
    box = widgets.ErrorBox()
    box.show(ValueError("lr <b>"), hint="try 1e-3")
    assert "&lt;b>" in box.widget.value and "try 1e-3" in box.widget.value
    assert "ValueError" in box.details()
    box.clear()
    assert box.widget.value == ""


def test_log_slider_and_play_button():
    slider = widgets.log_slider("lr", 1e-3, 1e-5, 1.0)
    assert abs(slider.value - 1e-3) < 1e-12 and slider.min == -5 and slider.max == 0
    with pytest.raises(ValueError, match="low"):
        widgets.log_slider("lr", 2.0, 1e-5, 1.0)
    button = widgets.play_button()
    button.value = True
    assert button.description == "Pause"
    button.value = False
    assert button.description == "Play"
