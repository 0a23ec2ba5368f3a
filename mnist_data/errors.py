"""Error classes of the mnist_data package."""


class MnistDataError(Exception):
    """The MNIST files are missing, damaged, or in a layout we cannot read.

    The message says which file is at fault and how to fix it.
    """


class KaggleFetchError(MnistDataError):
    """Downloading MNIST from Kaggle failed (no credentials, no network, ...)."""
