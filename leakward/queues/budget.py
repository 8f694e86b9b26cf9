"""Running one piece of work in a child process, stopped once its time budget is spent.

Stage: application shell (workers). A thread cannot be stopped, and a runaway pattern holds the
interpreter lock while it backtracks, so work run on one of `serve`'s threads would stall the
rest of the process with it, the receiver included. Work given a budget runs in a child process
of its own, in a process group of its own, and is killed with everything it started (git) once
the budget is spent, or once its parent is gone. Children come from the fork server: `serve`
runs threads, and a fork could copy a lock one of them holds; the fork server imports `preload`
once, so a child starts warm.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from typing import TypeVar, cast

T = TypeVar("T")
# Seconds between a child's looks at whether its parent is still there.
PARENT_CHECK = 0.5


class BudgetExceededError(Exception):
    """The work ran past its budget and was stopped; trying again would only do so again."""


class WorkerLostError(Exception):
    """The child process died without an answer (killed, or out of memory)."""


@dataclass(frozen=True, slots=True)
class TimeBudget:
    seconds: float
    preload: tuple[str, ...] = ()

    def run(self, function: Callable[..., T], args: Sequence[object]) -> T:
        """`function(*args)` in a child process: its value, or the exception it raised.
        `function` must be a module-level function; `args` and its value must pickle."""
        context = _context(self.preload)
        answers, answer = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(answer, function, tuple(args)), daemon=True)
        child.start()
        answer.close()  # the child's end: once the child is gone, reading here ends
        try:
            if not answers.poll(self.seconds):
                raise BudgetExceededError(f"stopped after its budget of {self.seconds:g} s")
            is_value, outcome = answers.recv()
        except EOFError:
            raise WorkerLostError("the worker process died without an answer") from None
        finally:
            _kill_group(child.pid)
            child.kill()  # in case it was stopped before it had a group of its own
            child.join()
            answers.close()
        if is_value:
            return cast("T", outcome)
        raise cast("BaseException", outcome)


def _context(preload: tuple[str, ...]) -> ForkServerContext | SpawnContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # Takes effect when the fork server starts (at the first child), and is ignored after.
    context.set_forkserver_preload(list(preload))
    return context


def _child(answer: Connection, function: Callable[..., object], args: tuple[object, ...]) -> None:
    os.setpgrp()  # so the parent can kill what this process starts along with it
    # Out of the parent's group, a SIGKILL of `serve` and its group would miss this process.
    threading.Thread(target=_end_with_parent, args=(os.getppid(),), daemon=True).start()
    try:
        message: tuple[bool, object] = (True, function(*args))
    except Exception as error:  # handed to the parent, which raises it
        message = (False, error)
    try:
        answer.send(message)
    except (pickle.PicklingError, TypeError, AttributeError):
        # An exception that does not pickle: its type still tells the parent what happened.
        answer.send((False, RuntimeError(type(message[1]).__name__)))


def _end_with_parent(parent: int) -> None:
    """Kill this process's group once its parent (the fork server, which ends with `serve`) is
    gone: the work's answer has no one left to read it."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK)
    os.killpg(0, signal.SIGKILL)


def _kill_group(pid: int | None) -> None:
    if pid is None:
        return
    # ProcessLookupError: the child and all it started have ended.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
