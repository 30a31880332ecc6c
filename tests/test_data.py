"""gan_utils.data: every source, every bad input, offline behaviour and the scaling helpers."""
from __future__ import annotations

import gzip
import socket
import struct
import threading
import time

import numpy as np
import pytest

import gan_utils as gu
from gan_utils import data as gdata

from conftest import SHARED_MNIST, fake_mnist_arrays


def no_network(*args, **kwargs):
    raise AssertionError("the network was touched")


def test_embedded_split_is_stratified_and_deterministic(isolated_data, monkeypatch, capsys):
    monkeypatch.setenv("GAN_UTILS_OFFLINE", "1")
    monkeypatch.setattr(socket, "create_connection", no_network)
    d = gu.load_mnist()
    line = capsys.readouterr().out
    assert d.source == "embedded"
    assert "embedded" in line and "60,000" in line and line.count("\n") == 1
    assert d.x_train.shape == (4500, 28, 28) and d.x_test.shape == (500, 28, 28)
    assert d.x_train.dtype == np.uint8 and d.x_train.max() > 200
    assert np.bincount(d.y_train).tolist() == [450] * 10
    assert np.bincount(d.y_test).tolist() == [50] * 10
    again = gu.load_mnist("embedded", verbose=False)
    assert np.array_equal(again.x_test, d.x_test) and np.array_equal(again.y_train, d.y_train)
    train_rows = {row.tobytes() for row in d.x_train}
    assert not any(row.tobytes() in train_rows for row in d.x_test)


def test_auto_prefers_user_file(isolated_data, monkeypatch):
    data_dir, _ = isolated_data
    np.savez(data_dir / "mnist.npz", **fake_mnist_arrays())
    monkeypatch.setattr(socket, "create_connection", no_network)
    d = gu.load_mnist(verbose=False)
    assert d.source == "file" and len(d.x_train) == 40 and d.y_train.dtype == np.int64


def test_explicit_path_and_keras_cache(isolated_data, tmp_path, monkeypatch):
    _, cache = isolated_data
    cache.mkdir(parents=True)
    np.savez(cache / "mnist.npz", **fake_mnist_arrays(30, 10))
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert gu.load_mnist(verbose=False).source == "keras"
    assert gu.load_mnist("keras", verbose=False).x_test.shape == (10, 28, 28)
    other = tmp_path / "other.npz"
    np.savez(other, **fake_mnist_arrays(12, 8))
    d = gu.load_mnist(other, verbose=False)
    assert d.source == "file" and len(d.x_train) == 12
    assert len(gu.load_mnist(str(other), verbose=False).x_test) == 8


def test_download_used_only_when_online(isolated_data, monkeypatch):
    _, cache = isolated_data
    calls = []

    def fake_download(url, dest, sha256=None, deadline=0):
        calls.append(url)
        dest.parent.mkdir(parents=True, exist_ok=True)
        np.savez(dest, **fake_mnist_arrays(16, 4))
        return dest

    monkeypatch.setattr(gdata, "download", fake_download)
    monkeypatch.setattr(gdata, "online", lambda timeout=0: True)
    d = gu.load_mnist(verbose=False)
    assert d.source == "keras" and calls == [gdata.KERAS_URL + "mnist.npz"]
    assert (cache / "mnist.npz").exists()


def test_offline_flag_never_touches_network(isolated_data, monkeypatch):
    monkeypatch.setenv("GAN_UTILS_OFFLINE", "1")
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert gdata.online() is False
    with pytest.raises(gdata.DataError, match="GAN_UTILS_OFFLINE"):
        gdata.download("https://example.invalid/x", isolated_data[0] / "x")
    with pytest.raises(gdata.DataError, match="cannot be downloaded"):
        gu.load_mnist("keras", verbose=False)


def test_black_holed_network_costs_seconds_not_minutes(monkeypatch):
    monkeypatch.delenv("GAN_UTILS_OFFLINE", raising=False)
    release = threading.Event()

    def hang(*args, **kwargs):
        release.wait(60)
        raise OSError("dropped")

    monkeypatch.setattr(socket, "create_connection", hang)
    start = time.monotonic()
    assert gdata.online(timeout=0.5) is False
    release.set()
    assert time.monotonic() - start < 30


def test_refused_network_falls_back_to_embedded(isolated_data, monkeypatch):
    monkeypatch.delenv("GAN_UTILS_OFFLINE", raising=False)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("refused")

    monkeypatch.setattr(socket, "create_connection", refuse)
    assert gu.load_mnist(verbose=False).source == "embedded"


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda a: a.pop("y_test"), "missing arrays"),
        (lambda a: a.update(x_train=a["x_train"].reshape(-1, 784)), "expected \\(N, 28, 28\\)"),
        (lambda a: a.update(x_train=a["x_train"].astype(np.float32)), "expected uint8"),
        (lambda a: a.update(y_train=a["y_train"][:5]), "labels"),
        (lambda a: a.update(y_test=a["y_test"] + 20), "labels 0..9"),
    ],
)
def test_bad_npz_content_names_file(tmp_path, mutate, message):
    arrays = fake_mnist_arrays()
    mutate(arrays)
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(gdata.DataError, match=message) as err:
        gu.load_mnist(path, verbose=False)
    assert str(path) in str(err.value)


def test_truncated_pickled_and_missing_files(tmp_path):
    good = tmp_path / "good.npz"
    np.savez(good, **fake_mnist_arrays())
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:500])
    with pytest.raises(gdata.DataError, match="truncated"):
        gu.load_mnist(truncated, verbose=False)
    pickled = tmp_path / "pickled.npz"
    arrays = fake_mnist_arrays()
    arrays["x_train"] = np.array([arrays["x_train"], None], dtype=object)
    np.savez(pickled, **arrays)
    with pytest.raises(gdata.DataError, match="pickle"):
        gu.load_mnist(pickled, verbose=False)
    with pytest.raises(gdata.DataError, match="no such file"):
        gu.load_mnist(tmp_path / "absent.npz", verbose=False)
    with pytest.raises(ValueError, match="embedded"):
        gu.load_mnist("mnist-typo", verbose=False)


def test_corrupt_user_file_is_an_error_not_a_silent_fallback(isolated_data):
    data_dir, _ = isolated_data
    (data_dir / "mnist.npz").write_bytes(b"not a zip file")
    with pytest.raises(gdata.DataError, match="mnist.npz"):
        gu.load_mnist(verbose=False)


def write_idx(path, array: np.ndarray, compress: bool = True, truncate: int = 0) -> None:
    header = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + array.astype(np.uint8).tobytes()
    payload = payload[: len(payload) - truncate]
    if compress:
        with gzip.open(path, "wb") as fh:
            fh.write(payload)
    else:
        path.write_bytes(payload)


def test_read_idx_roundtrip_and_errors(tmp_path):
    images = np.arange(2 * 28 * 28, dtype=np.int64).reshape(2, 28, 28) % 256
    write_idx(tmp_path / "a.gz", images)
    write_idx(tmp_path / "a", images, compress=False)
    assert np.array_equal(gu.read_idx(tmp_path / "a.gz"), images)
    assert np.array_equal(gu.read_idx(tmp_path / "a"), images)
    write_idx(tmp_path / "short", images, compress=False, truncate=10)
    with pytest.raises(gdata.DataError, match="truncated"):
        gu.read_idx(tmp_path / "short")
    (tmp_path / "junk").write_bytes(b"\x01\x02\x03\x04junk")
    with pytest.raises(gdata.DataError, match="magic"):
        gu.read_idx(tmp_path / "junk")
    (tmp_path / "float").write_bytes(bytes([0, 0, 0x0D, 1]) + struct.pack(">I", 1) + b"\0" * 4)
    with pytest.raises(gdata.DataError, match="0x0d"):
        gu.read_idx(tmp_path / "float")


def test_fashion_from_idx_folder(tmp_path):
    rng = np.random.default_rng(1)
    arrays = fake_mnist_arrays(12, 6)
    for key, name in gdata.FASHION_FILES.items():
        compress = rng.random() < 0.5
        write_idx(tmp_path / (name if compress else name.removesuffix(".gz")), arrays[key], compress=compress)
    d = gu.load_fashion_mnist(tmp_path, verbose=False)
    assert d.name == "Fashion-MNIST" and np.array_equal(d.x_test, arrays["x_test"])
    for name in (gdata.FASHION_FILES["y_test"], gdata.FASHION_FILES["y_test"].removesuffix(".gz")):
        (tmp_path / name).unlink(missing_ok=True)
    with pytest.raises(gdata.DataError, match="missing"):
        gu.load_fashion_mnist(tmp_path, verbose=False)


def test_fashion_without_any_source_says_how_to_get_it(isolated_data, monkeypatch):
    monkeypatch.setenv("GAN_UTILS_OFFLINE", "1")
    monkeypatch.setattr(gdata, "DEBIAN_FASHION_DIR", isolated_data[0] / "absent")
    with pytest.raises(gdata.DataError, match="dataset-fashion-mnist"):
        gu.load_fashion_mnist(verbose=False)


@pytest.mark.skipif(not gdata.DEBIAN_FASHION_DIR.is_dir(), reason="Debian's dataset-fashion-mnist is not installed")
def test_fashion_from_debian_package(isolated_data, monkeypatch):
    monkeypatch.setenv("GAN_UTILS_OFFLINE", "1")
    d = gu.load_fashion_mnist(verbose=False)
    assert d.source == "debian"
    assert d.x_train.shape == (60000, 28, 28) and d.x_test.shape == (10000, 28, 28)
    assert np.bincount(d.y_test).tolist() == [1000] * 10


@pytest.mark.skipif(not SHARED_MNIST.exists(), reason="../shared/data/mnist.npz is not on this machine")
def test_full_mnist_file_has_official_counts():
    d = gu.load_mnist(SHARED_MNIST, verbose=False)
    assert d.x_train.shape == (60000, 28, 28)
    assert np.bincount(d.y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_scaling_roundtrip_and_validation():
    images = np.array([[[0, 255], [128, 1]]], dtype=np.uint8)
    x = gu.to_float(images)
    assert x.shape == (1, 2, 2, 1) and x.dtype == np.float32
    assert x.min() == -1.0 and x.max() == 1.0
    assert np.array_equal(gu.to_uint8(x), images)
    assert np.array_equal(gu.to_uint8(x[..., 0]), images)
    assert gu.to_uint8(np.full((1, 2, 2), 3.0)).max() == 255
    with pytest.raises(ValueError, match="uint8"):
        gu.to_float(images.astype(np.float32))
    with pytest.raises(ValueError, match="shape"):
        gu.to_float(np.zeros((28, 28), np.uint8))
    with pytest.raises(ValueError, match="non-finite"):
        gu.to_uint8(np.full((1, 2, 2), np.nan))


def test_make_dataset_batches():
    arrays = fake_mnist_arrays(20, 4)
    ds = gu.make_dataset(arrays["x_train"], arrays["y_train"], batch_size=8)
    x, y = next(iter(ds))
    assert x.shape == (8, 28, 28, 1) and y.shape == (8,)
    assert float(x.numpy().min()) >= -1.0 and float(x.numpy().max()) <= 1.0
    with pytest.raises(ValueError, match="batch_size=64"):
        gu.make_dataset(arrays["x_train"], batch_size=64)


def test_paths_resolve_from_repo_root(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GAN_UTILS_DATA_DIR", raising=False)
    assert gu.data_dir() == gu.repo_root() / "data"
    assert (gu.repo_root() / "gan_utils" / "__init__.py").exists()
    assert gu.paths.in_checkout()
    assert gu.paths.shipped_path("classifier") == gu.repo_root() / "data" / "classifier"


def test_outside_a_checkout_user_files_go_to_the_user_folders(monkeypatch, tmp_path):
    from gan_utils import paths

    monkeypatch.setattr(paths, "in_checkout", lambda: False)
    monkeypatch.setattr(paths.sys, "platform", "linux")
    monkeypatch.chdir(tmp_path)
    for name in ("GAN_UTILS_DATA_DIR", "GAN_UTILS_RUNS_DIR", "GAN_UTILS_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.runs_dir() == tmp_path / "runs"
    assert paths.data_dir() == tmp_path / "xdg" / "gan-classroom"
    assert paths.cache_dir() == tmp_path / "xdg" / "gan-classroom" / "cache"
    assert paths.shipped_path("pretrained") == paths.PACKAGE_DIR / "_shipped" / "pretrained"
    assert "xdg/gan-classroom/" in gdata.full_mnist_hint()
    monkeypatch.setenv("GAN_UTILS_RUNS_DIR", str(tmp_path / "r"))
    monkeypatch.setenv("GAN_UTILS_DATA_DIR", str(tmp_path / "d"))
    assert paths.runs_dir() == tmp_path / "r" and paths.data_dir() == tmp_path / "d"


def test_paths_are_named_as_a_user_sees_them(monkeypatch, tmp_path):
    from gan_utils import paths

    monkeypatch.chdir(gu.repo_root() / "notebooks")
    assert paths.display_path(gu.repo_root() / "data" / "mnist.npz") == "data/mnist.npz"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert paths.display_path(tmp_path / ".keras" / "datasets" / "mnist.npz") == "~/.keras/datasets/mnist.npz"
    beside = gu.repo_root().absolute().parent / "shared" / "data" / "mnist.npz"
    if not beside.is_relative_to(tmp_path):  # a folder beside the checkout is named from the repository
        assert paths.display_path(beside) == "../shared/data/mnist.npz"


def test_fast_knob(monkeypatch):
    monkeypatch.setenv("GAN_UTILS_FAST", "1")
    assert gu.fast(3000, 30) == 30
    monkeypatch.setenv("GAN_UTILS_FAST", "0")
    assert gu.fast(3000, 30) == 3000


def test_download_is_atomic_and_checks_the_hash(tmp_path, monkeypatch):
    import hashlib

    monkeypatch.delenv("GAN_UTILS_OFFLINE", raising=False)
    source = tmp_path / "remote.bin"
    source.write_bytes(b"digits" * 1000)
    good = hashlib.sha256(source.read_bytes()).hexdigest()
    dest = tmp_path / "cache" / "mnist.npz"
    gdata.download(source.as_uri(), dest, sha256=good)
    assert dest.read_bytes() == source.read_bytes()
    dest.write_bytes(b"previous good file")
    with pytest.raises(gdata.DataError, match="wrong SHA-256"):
        gdata.download(source.as_uri(), dest, sha256="0" * 64)
    assert dest.read_bytes() == b"previous good file"
    assert [p.name for p in dest.parent.iterdir()] == ["mnist.npz"]
    with pytest.raises(gdata.DataError, match="download failed"):
        gdata.download((tmp_path / "absent.bin").as_uri(), tmp_path / "x.bin")
