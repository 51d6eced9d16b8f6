"""The lab's datasets and data order (src/engine/data), bit for bit.

- MNIST from the files the lab prepares at install (public/data: mnist.json and .u8 files): each
  image standardized on its own to mean 0 and |x|^2/n0 = 1 (float64 sums in the lab's order, then
  float32), one-hot targets.
- The teacher-student regression, drawn from the seed (teacher.ts).
- ntrain > 0: the first ntrain training examples only (subset.ts), the held-out set unchanged.
- BatchOrder: which examples every step trains on (batchOrder.ts), the same for all runs.
Inputs come out multiplied by the experiment's input scale (lab_theory.input_scale).
"""

import json
import math
import os

import numpy as np

from lab_random import RandomStream, stream_normals

MNIST_FORMAT = "isometry-lab/mnist-u8@2"
# teacher.ts DEFAULT_TEACHER: hidden tanh units, examples and label noise (relative to the target's std).
TEACHER_HIDDEN_UNITS = 64
TEACHER_TRAIN_COUNT = 2048
TEACHER_TEST_COUNT = 512
TEACHER_NOISE = 0.1


class LabDataError(Exception):
    """The data an experiment needs is missing or not what the lab prepares; one line says what to do."""


def _data_row_sums(values):
    # Each row added from its first element to its last, as the lab's loops do (numpy's sum adds
    # pairwise and may round differently); one vector addition per column keeps it fast.
    sums = np.zeros(values.shape[0])
    for column in values.T:
        sums += column
    return sums


def standardized_rows(values, scale):
    """Rows of `values` [B, n] as the lab's writeStandardized: mean 0, |x|^2/n = 1, times scale,
    from float64 sums in the lab's order, rounded once to float32. A constant row has no direction:
    zeros."""
    values = np.asarray(values, dtype=np.float64)
    length = values.shape[1]
    mean = _data_row_sums(values) / length
    centred = values - mean[:, None]
    squares = _data_row_sums(centred * centred)
    with np.errstate(divide="ignore"):
        factor = np.where(squares > 0, scale / np.sqrt(squares / length), 0.0)
    return (centred * factor[:, None]).astype(np.float32)


class Dataset:
    """A training set and a held-out set on the host, as the lab's Dataset (dataset.ts).

    train_batch(indices, scale) and test_batch(start, count, scale) give (x [B, n0], y [B, n_out]),
    np.float32, x standardized per example then times `scale`.
    """

    def __init__(self, name, task, input_size, output_size, train_count, test_count, train_chunk_size,
                 fill_train, fill_test):
        self.name = name
        self.task = task
        self.input_size = input_size
        self.output_size = output_size
        self.train_count = train_count
        self.test_count = test_count
        self.train_chunk_size = train_chunk_size
        self._fill_train = fill_train
        self._fill_test = fill_test

    def train_batch(self, indices, scale):
        indices = np.asarray(indices, dtype=np.int64)
        if len(indices) and (indices.min() < 0 or indices.max() >= self.train_count):
            raise IndexError("training examples must lie in 0 ... %d of %s"
                             % (self.train_count - 1, self.name))
        return self._fill_train(indices, scale)

    def test_batch(self, start, count, scale):
        if start < 0 or count < 0 or start + count > self.test_count:
            raise IndexError("held-out examples %d ... %d outside the %d of %s"
                             % (start, start + count - 1, self.test_count, self.name))
        return self._fill_test(start, count, scale)


def _data_read(folder, name):
    path = os.path.join(folder, name)
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise LabDataError(
            "%s is missing: the MNIST files are made in the lab's public/data by `npm install` (or `node "
            "scripts/prepare-mnist.mjs`); pass that folder with --data" % path) from None


def _data_examples(folder, name, count, pixels, classes):
    """(labels [count] uint8, images [count, pixels] uint8) of one .u8 file: labels first, then images."""
    raw = np.frombuffer(_data_read(folder, name), dtype=np.uint8)
    if len(raw) != count * (1 + pixels):
        raise LabDataError("%s: %d bytes, expected %d"
                           % (os.path.join(folder, name), len(raw), count * (1 + pixels)))
    labels = raw[:count]
    if count and labels.max() >= classes:
        raise LabDataError("%s: a label is >= %d" % (os.path.join(folder, name), classes))
    return labels, raw[count:].reshape(count, pixels)


def mnist_dataset(folder):
    """MNIST from the lab's prepared files in `folder`; training chunks are read when first used."""
    if not folder:
        raise LabDataError("no folder for the MNIST files: pass the lab's public/data (made by `npm install`)"
                           " with --data")
    manifest_path = os.path.join(folder, "mnist.json")
    try:
        manifest = json.loads(_data_read(folder, "mnist.json").decode("utf-8"))
    except ValueError as error:
        raise LabDataError("%s: not the lab's manifest (%s)" % (manifest_path, error)) from None
    if manifest.get("format") != MNIST_FORMAT:
        raise LabDataError('%s: format "%s", expected "%s"; prepare it again with the lab (npm install)'
                           % (manifest_path, manifest.get("format"), MNIST_FORMAT))
    pixels = manifest["rows"] * manifest["cols"]
    classes = manifest["classes"]
    train = manifest["train"]
    chunk_size = train["chunkSize"]
    if len(train["files"]) != -(-train["count"] // chunk_size):
        raise LabDataError("%s: %d training files for %d examples in chunks of %d"
                           % (manifest_path, len(train["files"]), train["count"], chunk_size))
    test_count = manifest["test"]["count"]
    test_labels, test_images = _data_examples(folder, manifest["test"]["file"], test_count, pixels, classes)
    chunks = {}

    def chunk(k):
        if k not in chunks:
            count = min(chunk_size, train["count"] - k * chunk_size)
            chunks[k] = _data_examples(folder, train["files"][k], count, pixels, classes)
        return chunks[k]

    # The first chunk now, so that a missing file is reported before any training.
    chunk(0)

    def one_hot(labels):
        y = np.zeros((len(labels), classes), dtype=np.float32)
        y[np.arange(len(labels)), labels] = 1
        return y

    def fill_train(indices, scale):
        images = np.empty((len(indices), pixels), dtype=np.uint8)
        labels = np.empty(len(indices), dtype=np.uint8)
        for k in np.unique(indices // chunk_size):
            rows = np.nonzero(indices // chunk_size == k)[0]
            chunk_labels, chunk_images = chunk(int(k))
            images[rows] = chunk_images[indices[rows] - k * chunk_size]
            labels[rows] = chunk_labels[indices[rows] - k * chunk_size]
        return standardized_rows(images, scale), one_hot(labels)

    def fill_test(start, count, scale):
        rows = slice(start, start + count)
        return standardized_rows(test_images[rows], scale), one_hot(test_labels[rows])

    return Dataset("mnist", "classification", pixels, classes, train["count"], test_count, chunk_size,
                   fill_train, fill_test)


def teacher_dataset(seed, input_size, hidden_units=TEACHER_HIDDEN_UNITS, train_count=TEACHER_TRAIN_COUNT,
                    test_count=TEACHER_TEST_COUNT, noise=TEACHER_NOISE):
    """Teacher-student regression drawn from the seed (teacher.ts): x ~ N(0, I_d) standardized,
    f*(x) = sum_k a_k tanh(u_k . x / sqrt(d)) / sqrt(H), targets f* standardized on the training set
    plus N(0, noise^2). Sums run in the lab's order; tanh is C's, which may differ from JavaScript's
    in the last bit, so a target can differ from the lab's by one float32 ulp, rarely."""
    d = input_size
    total = train_count + test_count
    raw = stream_normals((seed, "teacher", "inputs"), total * d).reshape(total, d)
    inputs = standardized_rows(raw, 1.0)
    # u then a from one stream (a pair's second normal carries over from u to a when H*d is odd).
    drawn = stream_normals((seed, "teacher", "weights"), hidden_units * d + hidden_units)
    u = drawn[:hidden_units * d].reshape(hidden_units, d)
    a = drawn[hidden_units * d:]
    x64 = inputs.astype(np.float64)
    dots = np.zeros((total, hidden_units))
    for i in range(d):
        dots += x64[:, i:i + 1] * u[:, i]
    arguments = (dots / math.sqrt(d)).reshape(-1).tolist()
    activations = np.fromiter(map(math.tanh, arguments), dtype=np.float64, count=len(arguments))
    activations = activations.reshape(total, hidden_units)
    f = np.zeros(total)
    for k in range(hidden_units):
        f += a[k] * activations[:, k]
    clean = f / math.sqrt(hidden_units)
    mean = np.cumsum(clean[:train_count])[-1] / train_count
    variance = np.cumsum((clean[:train_count] - mean) ** 2)[-1]
    std = math.sqrt(variance / train_count) or 1.0
    label_noise = stream_normals((seed, "teacher", "noise"), total)
    targets = ((clean - mean) / std + noise * label_noise).astype(np.float32)

    def fill(rows, scale):
        x = (inputs[rows].astype(np.float64) * scale).astype(np.float32)
        return x, targets[rows].reshape(-1, 1).copy()

    def fill_test(start, count, scale):
        # The held-out examples follow the training ones in the draw.
        return fill(np.arange(train_count + start, train_count + start + count), scale)

    return Dataset("teacher", "regression", d, 1, train_count, test_count, None, fill, fill_test)


def training_subset(dataset, count):
    """The first `count` training examples of `dataset` (subset.ts): nested as count grows."""
    if count >= dataset.train_count:
        return dataset
    name = "%s (first %d training examples)" % (dataset.name, count)
    return Dataset(name, dataset.task, dataset.input_size, dataset.output_size, count, dataset.test_count,
                   dataset.train_chunk_size, dataset._fill_train, dataset._fill_test)


def load_dataset(config, data_dir):
    """The dataset of a configuration dict (keys data, seed, dim, ntrain), as createExperiment makes it."""
    if config["data"] == "teacher":
        whole = teacher_dataset(int(config["seed"]), int(config["dim"]))
    elif config["data"] == "mnist":
        whole = mnist_dataset(data_dir)
    else:
        raise LabDataError("data=%r: the lab has mnist and teacher" % (config["data"],))
    ntrain = int(config.get("ntrain", 0))
    return training_subset(whole, ntrain) if ntrain > 0 else whole


class BatchOrder:
    """The training examples of every step (batchOrder.ts); step t's batch depends on (seed, t) only.

    Unchunked: a seeded shuffle of all examples per epoch, cut into batches, the partial last one
    dropped. With chunk_size c (MNIST's files): each epoch visits the chunks in order, each shuffled
    on its own, the partial batch at each chunk's end dropped; when B > c, ceil(B/c) chunks act as one.
    """

    def __init__(self, seed, example_count, batch_size, chunk_size=None):
        if batch_size < 1 or batch_size > example_count:
            raise ValueError("batch size %d outside 1 ... %d" % (batch_size, example_count))
        if chunk_size is not None and not (int(chunk_size) == chunk_size and chunk_size >= 1):
            raise ValueError("chunk size %r is not a positive integer" % (chunk_size,))
        self.seed = int(seed)
        self.example_count = example_count
        self.batch_size = batch_size
        self._chunked = chunk_size is not None
        self.chunk_size = example_count if chunk_size is None else chunk_size * -(-batch_size // chunk_size)
        self._batches_before = []
        self._batches_in_chunk = []
        before = 0
        for start in range(0, example_count, self.chunk_size):
            batches = min(self.chunk_size, example_count - start) // batch_size
            self._batches_before.append(before)
            self._batches_in_chunk.append(batches)
            before += batches
        self.batches_per_epoch = before
        if before == 0:
            raise ValueError("batch size %d leaves no full batch per chunk" % batch_size)
        self._epoch = -1
        self._chunk = -1
        self._permutation = None

    def indices(self, step):
        """Example indices (np.int64 [batch_size]) of step `step`, counted from 0."""
        epoch = step // self.batches_per_epoch
        within = step - epoch * self.batches_per_epoch
        chunk = 0
        while within >= self._batches_before[chunk] + self._batches_in_chunk[chunk]:
            chunk += 1
        if epoch != self._epoch or chunk != self._chunk:
            size = min(self.chunk_size, self.example_count - chunk * self.chunk_size)
            # The unchunked key is the one the order always had, so its batches never changed.
            if self._chunked:
                stream = RandomStream(self.seed, "data order", epoch, "chunk", chunk)
            else:
                stream = RandomStream(self.seed, "data order", epoch)
            self._permutation = np.array(stream.permutation(size), dtype=np.int64)
            self._epoch = epoch
            self._chunk = chunk
        start = (within - self._batches_before[chunk]) * self.batch_size
        return self._permutation[start:start + self.batch_size] + chunk * self.chunk_size
