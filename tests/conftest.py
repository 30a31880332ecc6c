"""Shared fixtures: every test runs in fast mode with a private data folder and Keras cache."""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("GAN_UTILS_FAST", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

REPO = Path(__file__).resolve().parent.parent
SHARED_MNIST = REPO.parent / "shared" / "data" / "mnist.npz"


@pytest.fixture
def isolated_data(tmp_path, monkeypatch):
    """Point data/ and Keras' cache at empty temporary folders, so no user file is picked up."""
    data = tmp_path / "data"
    keras_home = tmp_path / "keras"
    data.mkdir()
    monkeypatch.setenv("GAN_UTILS_DATA_DIR", str(data))
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    return data, keras_home / "datasets"


def fake_mnist_arrays(n_train: int = 40, n_test: int = 20, seed: int = 0) -> dict:
    """Small random arrays in Keras' mnist.npz layout."""
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train).astype(np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test).astype(np.uint8),
    }


@pytest.fixture
def small_stability(monkeypatch):
    """Shrink notebook 04's shared architecture so a run takes a second; return 512 real digits."""
    import gan_utils as gu
    from gan_utils import variants
    from gan_utils.engine.data import MnistData

    monkeypatch.setattr(variants, "ARCHITECTURE", {"model": "dcgan", "g_filters": 16, "d_filters": 8})
    data = gu.load_mnist(verbose=False)
    return MnistData(data.x_train[:512], data.y_train[:512], data.x_test[:200], data.y_test[:200])


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium for one test module (skips locally, fails in CI, when it is missing); request it after the server fixture."""
    from browser_support import chromium, require_browser

    require_browser()
    with chromium(tmp_path_factory.mktemp("chromium")) as context:
        yield context


def load_tool(name: str):
    """Import tools/NAME.py once for every test module (tools/ is not a package)."""
    if f"tool_{name}" not in sys.modules:
        spec = importlib.util.spec_from_file_location(f"tool_{name}", REPO / "tools" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[f"tool_{name}"] = module
        spec.loader.exec_module(module)
    return sys.modules[f"tool_{name}"]


@pytest.fixture
def demo_source(tmp_path, monkeypatch):
    """Point tools/notebooks.py at an empty notebooks folder in tmp_path; return a function that writes src/NAME.py and builds it."""
    nbtool = load_tool("notebooks")
    (tmp_path / "src").mkdir()
    monkeypatch.setattr(nbtool, "NOTEBOOKS", tmp_path)
    monkeypatch.setattr(nbtool, "SOURCES", tmp_path / "src")

    def build(text: str, name: str = "99_demo") -> Path:
        (tmp_path / "src" / f"{name}.py").write_text(text)
        return nbtool.build(name)
    return build


def python_without_gan_utils(tmp_path: Path) -> Path:
    """A new venv that sees the test venv's packages (pip included, through a .pth) but cannot import gan_utils."""
    import subprocess
    import sysconfig

    venv = tmp_path / "cloud"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "test_venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python
