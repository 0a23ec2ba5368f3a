"""The course's reference answers: ``from solutions import forward_prop, ...``.

``solutions/network.py`` holds the whole network in one module; each lesson's
nbgrader source notebook lives in ``solutions/<lesson>/`` and its solution
cell is generated from that module (``python -m autograder build``). Importing it limits BLAS to one thread in this process, as importing
``autograder`` does (``autograder.learner.threads``: faster for these small matrices, on a busy machine
above all).
"""
from autograder.learner.threads import limit_blas_threads

from .network import (
                      ALPHA,
                      ITERATIONS,
                      N_CLASSES,
                      N_HIDDEN,
                      N_INPUTS,
                      SEED_ALPHA,
                      SEED_ITERATIONS,
                      backward_prop,
                      cross_entropy,
                      forward_prop,
                      get_accuracy,
                      get_predictions,
                      gradient_descent,
                      init_params,
                      make_predictions,
                      one_hot,
                      relu,
                      relu_deriv,
                      seed_init_params,
                      softmax,
                      update_params,
)

__all__ = [
    "one_hot", "init_params", "relu", "softmax", "forward_prop", "cross_entropy",
    "relu_deriv", "backward_prop", "update_params", "get_predictions", "get_accuracy",
    "gradient_descent", "make_predictions", "seed_init_params",
    "ALPHA", "ITERATIONS", "SEED_ALPHA", "SEED_ITERATIONS", "N_INPUTS", "N_HIDDEN", "N_CLASSES",
]

limit_blas_threads()
