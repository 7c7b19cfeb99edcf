"""Where per-file work runs: local processes or a Dask cluster. One registry, one interface.

An executor maps a function over items and yields `(item, result_or_exception)` in input
order, so outputs are identical whatever the number of workers. A task that crashes its
worker or overruns its time limit costs that item only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Protocol


class TaskFailed(Exception):
    """A task that did not return: its worker crashed, hung, or raised."""


class Executor(Protocol):
    def map(self, fn: Callable[..., Any], items: Iterable[Any], timeout: float | None = None,
            **kwargs: Any) -> Iterator[tuple[Any, Any]]:
        """Schedule every item now (so a caller can start the next map before it reads this
        one's results) and return the results in input order."""
        ...

    def close(self) -> None: ...


EXECUTORS: dict[str, Callable[..., Executor]] = {}


def register_executor(name: str):
    def deco(factory):
        EXECUTORS[name] = factory
        return factory

    return deco


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _describe(exc: BaseException, timeout: float | None) -> TaskFailed:
    from pebble import ProcessExpired

    if isinstance(exc, FutureTimeout):
        return TaskFailed(f"time limit exceeded ({timeout:g} s); the file was skipped")
    if isinstance(exc, ProcessExpired):
        return TaskFailed(f"the worker crashed while processing this file (exit code {exc.exitcode})")
    return TaskFailed(f"internal error: {type(exc).__name__}: {exc}")


def _in_order(items: list, futures: list, wait: Callable, describe: Callable[[Exception], TaskFailed]):
    """(item, result or TaskFailed) in input order. Each future is let go once its result is handed
    on: a finished future holds its result, and a whole corpus of them is the corpus in memory."""
    try:
        for i, item in enumerate(items):
            future, futures[i] = futures[i], None
            try:
                result = wait(future)
            except Exception as exc:  # one file's failure is that file's record, not the batch's
                result = describe(exc)
            del future
            yield item, result
    finally:
        for future in futures:
            if future is not None:
                future.cancel()


@dataclass
class LocalExecutor:
    """Worker processes (pebble) that can be killed one at a time when a file hangs."""

    workers: int = 0

    def __post_init__(self) -> None:
        self.workers = self.workers or default_workers()
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        self._pool = None

    def map(self, fn, items, timeout=None, **kwargs):
        import multiprocessing

        from pebble import ProcessPool

        items = list(items)
        if not items:
            return iter(())
        if self._pool is None:
            self._pool = ProcessPool(max_workers=min(self.workers, len(items)),
                                     context=multiprocessing.get_context("fork"))
        futures = [self._pool.schedule(fn, args=(item,), kwargs=kwargs, timeout=timeout) for item in items]
        return _in_order(items, futures, lambda f: f.result(), lambda exc: _describe(exc, timeout))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None


@register_executor("local")
def _local(workers: int = 0, scheduler: str | None = None) -> Executor:
    return LocalExecutor(workers)


@dataclass
class DaskExecutor:
    """Files fan out to a Dask cluster; with no address, a LocalCluster on this machine."""

    workers: int = 0
    scheduler: str | None = None
    connect_timeout: float = 20.0  # seconds to reach a scheduler before saying it cannot be reached

    def __post_init__(self) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - dask is a declared dependency
            raise ValueError("the dask executor needs 'dask[distributed]' installed") from None
        self._cluster = None
        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout=f"{self.connect_timeout:g}s")
            except OSError as exc:
                raise ValueError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from None
        else:
            import dask

            # forked, not spawned: the workers start with this process's modules loaded (a second
            # sooner on 2 cores, which is most of what a local cluster costs over local processes)
            with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
                self._cluster = LocalCluster(n_workers=self.workers or default_workers(), threads_per_worker=1,
                                             processes=True, dashboard_address=None)
            self._client = Client(self._cluster)

    def map(self, fn, items, timeout=None, **kwargs):
        items = list(items)
        if not items:
            return iter(())
        futures = self._client.map(fn, items, pure=False, **kwargs)
        return _in_order(items, futures, lambda f: f.result(timeout=timeout),
                         lambda exc: TaskFailed(f"failed on the Dask cluster: {type(exc).__name__}: {exc}"))

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


@register_executor("dask")
def _dask(workers: int = 0, scheduler: str | None = None) -> Executor:
    return DaskExecutor(workers, scheduler)


def check_executor(name: str, workers: int = 0, scheduler: str | None = None) -> None:
    """Validate executor options before any work starts."""
    if name not in EXECUTORS:
        raise ValueError(f"unknown executor {name!r}; choose one of {', '.join(sorted(EXECUTORS))}")
    if workers < 0:
        raise ValueError(f"workers must be 0 (one per core) or more, got {workers}")
    if scheduler and name != "dask":
        raise ValueError("--scheduler goes with --executor dask")


def make_executor(name: str = "local", workers: int = 0, scheduler: str | None = None) -> Executor:
    check_executor(name, workers, scheduler)
    return EXECUTORS[name](workers=workers, scheduler=scheduler)
