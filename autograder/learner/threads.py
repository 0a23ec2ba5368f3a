"""One BLAS thread, chosen by the course, so its figures hold on a busy machine with no setting to make.

The course's matrices are small (784 x 256 at most): on an idle two-core machine a second OpenBLAS thread
bought nothing (``solutions.train --best``: 10.1 s with 19.8 s of CPU against 9.8 s with 9.8 s), and on
a busy one the threads spin-wait for a core another process holds, which made the same training 5 to 35
times slower. Importing the course (``autograder``, ``solutions``) therefore limits BLAS to one thread
with threadpoolctl, in this process only, unless the learner chose a number themselves
(``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``). ``benchmarks/bench_threads.py``
measures it. Where threadpoolctl is not installed (the browser, the grading sandbox, which sets the
variables instead) nothing happens.
"""
import os

VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def limit_blas_threads(threads: int = 1):
    """Limit this process's BLAS to ``threads`` threads, unless a variable above says otherwise.

    Returns threadpoolctl's limiter (its ``restore_original_limits()`` undoes it), or None when nothing
    was changed."""
    if any(os.environ.get(name) for name in VARIABLES):
        return None
    try:
        import numpy  # noqa: F401  (BLAS is found among the libraries loaded: NumPy's must be loaded first)
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    try:
        return threadpool_limits(limits=threads, user_api="blas")
    except Exception:  # an unusual BLAS threadpoolctl cannot drive: the course still runs, as before
        return None
