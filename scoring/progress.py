"""Console progress for long batch steps (rich), silent when disabled (tests, libraries)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class StepReporter:
    """Shows each named step with a spinner (or a bar when its size is known) and its duration."""

    def __init__(self, enabled: bool = True, console: Console | None = None) -> None:
        self.enabled = enabled
        self.console = console or Console(stderr=True)
        self.durations: dict[str, float] = {}

    @contextmanager
    def step(self, description: str, total: int | None = None) -> Iterator[StepHandle]:
        started = time.perf_counter()
        if not self.enabled:
            yield StepHandle(None, None)
        else:
            columns = [SpinnerColumn(), TextColumn("{task.description}")]
            if total is not None:
                columns += [BarColumn(), TextColumn("{task.completed}/{task.total}")]
            columns.append(TimeElapsedColumn())
            with Progress(*columns, console=self.console, transient=False) as progress:
                task = progress.add_task(description, total=total)
                yield StepHandle(progress, task)
                progress.update(task, completed=total if total is not None else 1, total=total or 1)
        self.durations[description] = time.perf_counter() - started


class StepHandle:
    def __init__(self, progress: Progress | None, task: object) -> None:
        self._progress = progress
        self._task = task

    def advance(self, amount: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, amount)  # type: ignore[arg-type]


class ProgressBars:
    """Several bars in one live display (one per file being written, say); silent when disabled.

    Totals may be estimates: on exit each bar's total becomes what was actually done.
    """

    def __init__(self, enabled: bool = True, console: Console | None = None) -> None:
        self.enabled = enabled
        self.console = console or Console(stderr=True)
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> ProgressBars:
        if self.enabled:
            self._progress = Progress(
                TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TimeRemainingColumn(), console=self.console, transient=False,
            )
            self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            for task in self._tasks.values():
                self._progress.update(task, total=self._progress.tasks[task].completed)
            self._progress.__exit__(None, None, None)
            self._progress = None

    def add(self, key: str, description: str, total: int) -> None:
        if self._progress is not None:
            self._tasks[key] = self._progress.add_task(description, total=total)

    def advance(self, key: str, amount: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._tasks[key], amount)
