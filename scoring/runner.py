"""The review's runner: workers that read one file at a time, each under its own limits.

:func:`run_batch` runs a task over items in worker processes (the review's
:func:`jixiao.scoring.batch._process_chunk`, or another command's, e.g. ``jixiao pdf DIR``);
each file gets its own CPU time and memory (``jixiao.indicators.limits``), a file over
its limit or one whose worker dies becomes an unreadable row with the reason, and the
parent never reads it.  Results come back in the items' order, with a bounded look-ahead.
Split out of ``scoring/batch.py`` (which keeps the forms' records, the chunks and the summary).
"""

from __future__ import annotations

import collections
import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import struct
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import batch as _batch
from .batch import Task, _process_chunk, make_chunk, unreadable_record

__all__ = ["FileLimit", "Task", "run_batch"]


def _chunksize(n: int, jobs: int) -> int:
    return max(1, min(64, n // (jobs * 8) or 1))


class FileLimit(BaseException):
    """A file went over its own time limit in a worker (raised from SIGXCPU; not an Exception, so that no
    reader's ``except Exception`` swallows it)."""


def _limit_message(path: str, what: str) -> str:
    return (f"{path}: 读取该文件超过了单个文件的{what}，未读取（自评表只需不到一秒、几十 MB）。"
            "文件可能是损坏或恶意构造的；请让报送单位重新导出后再交。")


def _on_xcpu(_signum: int, _frame: Any) -> None:
    raise FileLimit("time")


def _vm_bytes() -> int:
    """This process's address space now (Linux /proc), 0 when unknown."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0


def _limit_worker() -> None:
    """In a worker: its memory bounded (the address space it has plus limits.PER_FILE_MEMORY), and SIGXCPU
    answered by :class:`FileLimit`.  Without ``resource`` (Windows) the parent's wall clock is the limit."""
    from jixiao.indicators import limits

    try:
        import resource
    except ImportError:
        return
    vm = _vm_bytes()
    if vm and hasattr(resource, "RLIMIT_AS"):
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = vm + limits.PER_FILE_MEMORY
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft == resource.RLIM_INFINITY or soft > want:
            try:
                resource.setrlimit(resource.RLIMIT_AS, (want, hard))
            except (ValueError, OSError):
                pass
    if hasattr(signal, "SIGXCPU"):
        signal.signal(signal.SIGXCPU, _on_xcpu)


def _cpu_budget() -> None:
    """Before each file: CPU time from now on limited to limits.PER_FILE_SECONDS (the soft limit; SIGXCPU)."""
    try:
        import resource
    except ImportError:
        return
    from jixiao.indicators import limits

    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime) + limits.PER_FILE_SECONDS + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (ValueError, OSError):
        pass


def _worker(conn: Any, slot: int, progress: Any, opts: Any, inherited: Iterable[Any] = (), task: Task | None = None) -> None:
    """A worker process: jobs (key, items) from the parent, one at a time, each answered (key, result).

    Before each file it writes the file's index in the job and the time it
    started to ``progress`` (shared with the parent): a worker killed by a
    file (memory, the hard CPU limit, the parent's wall clock) tells the
    parent which one it was.  After a file over its limit the worker ends,
    so that the next file starts in a fresh process.  ``inherited`` are the
    parent's ends of the pipes, copied by ``fork``: closed first, so that
    when the parent is gone ``recv`` sees end-of-file and the worker ends.
    """
    for end in inherited:
        end.close()
    # Ctrl+C goes to the whole process group: the parent answers it (已中断。) and ends the workers;
    # a worker interrupted on its way out would print "Exception ignored …" from multiprocessing's finalizers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()  # what the worker inherited (modules, the schema) is not walked again by the collector
    _limit_worker()
    try:
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                break
            if job is None:
                break
            key, items = job
            over = False
            if task is None:
                records = []
                for i, name in enumerate(items):
                    progress[2 * slot] = i
                    progress[2 * slot + 1] = time.monotonic()
                    _cpu_budget()
                    try:
                        records.append(_batch.process_form(name, opts))  # looked up here: tests replace it
                    except FileLimit:
                        records.append(unreadable_record(name, _limit_message(name, "时间上限"), opts))
                        over = True
                        break
                    except MemoryError:
                        records.append(unreadable_record(name, _limit_message(name, "内存上限"), opts))
                        over = True
                        break
                progress[2 * slot + 1] = 0.0
                # after a file over its limit the worker ends (told with the result): the rest of the job, if
                # any, goes to a fresh worker
                conn.send((key, (make_chunk(records, opts), len(records), over)))
                if over:
                    break
            else:
                progress[2 * slot] = 0
                progress[2 * slot + 1] = time.monotonic()
                _cpu_budget()
                try:
                    result = task(items, opts)
                except (FileLimit, MemoryError):
                    os._exit(3)  # the parent sees a dead worker and deals with the items
                progress[2 * slot + 1] = 0.0
                conn.send((key, (result, len(items), False)))
    except (BrokenPipeError, KeyboardInterrupt):  # the parent stopped reading
        pass
    finally:
        conn.close()


class _Shared:
    """Doubles in anonymous shared memory, written by the workers (forked after it is made) and read here.

    Unlike ``multiprocessing.Array`` it needs no temporary folder or file (the
    review leaves nothing in TMPDIR, and makes nothing there before its outputs)."""

    def __init__(self, n: int):
        import mmap

        self._map = mmap.mmap(-1, 8 * n)

    def __getitem__(self, i: int) -> float:
        value: float = struct.unpack_from("d", self._map, 8 * i)[0]
        return value

    def __setitem__(self, i: int, value: float) -> None:
        struct.pack_into("d", self._map, 8 * i, float(value))


def _progress(n: int, ctx: Any, method: str | None) -> Any:
    """Shared progress cells: anonymous shared memory where workers are forked, else multiprocessing's Array."""
    if method == "fork":
        return _Shared(n)
    return ctx.Array("d", n, lock=False)


@dataclass
class _Slot:
    proc: Any
    conn: Any
    job: tuple[tuple[int, ...], list[Any]] | None = None


def run_batch(
    files: list[Path] | list[str] | list[Any], opts: Any, jobs: int | None = None, task: Task | None = None
) -> Iterator[Any]:
    """Results of ``files``, in order, computed on ``jobs`` worker processes.

    Each result is what ``task(items, opts)`` returns for a run of
    consecutive items, by default the review's :class:`Chunk` (``files`` are
    then paths); another command passes its own task and items (``jixiao pdf
    DIR``: one print job per form).  The consumer merges them in the order
    given; a run may come back as several results.

    The items are cut into jobs handed to whichever worker is free, and the
    results are kept until the ones before them are in: written as they
    finish, in file order, and one slow file holds back at most a window of
    jobs, not the review.  Each file runs in a worker under its own time and
    memory limit (:mod:`jixiao.indicators.limits`); a file over
    its limit, or one whose worker dies, becomes an unreadable row with the
    reason, the rest of its job goes to a fresh worker, and the parent never
    reads it.  A review always runs in workers; another task runs small
    batches (or ``jobs=1``) here.
    """
    from jixiao.indicators import limits

    jobs = jobs or os.cpu_count() or 1
    names: list[Any] = [str(f) for f in files] if task is None else list(files)
    work = task or _process_chunk
    size = _chunksize(len(names), jobs)
    chunks = [names[i : i + size] for i in range(0, len(names), size)]
    if task is not None and (jobs <= 1 or len(names) < 8):
        for chunk in chunks:
            yield work(chunk, opts)
        return
    if not chunks:
        return
    jobs = max(1, min(jobs, len(chunks)))
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    ctx: Any = multiprocessing.get_context(method or "spawn")  # typeshed's BaseContext lacks Process
    progress = _progress(2 * jobs, ctx, method)  # per worker: index of its file in the job, when it started
    wall = 2 * limits.PER_FILE_SECONDS + 10  # seconds of wall clock per file before the parent ends its worker
    window = 4 * jobs  # jobs finished or running ahead of the first one still missing

    pending: collections.deque[tuple[tuple[int, ...], list[Any]]] = collections.deque(((i,), c) for i, c in enumerate(chunks))
    order: list[tuple[int, ...]] = [(i,) for i in range(len(chunks))]  # the keys still to yield, in output order
    results: dict[tuple[int, ...], Any] = {}
    slots: list[_Slot | None] = [None] * jobs

    def start(k: int) -> _Slot:
        parent_end, child_end = ctx.Pipe(duplex=True)
        inherited = [s.conn for s in slots if s is not None] + [parent_end] if method == "fork" else []
        proc = ctx.Process(  # type: ignore[attr-defined]  # typeshed: get_context(str) is a BaseContext; each real one has Process
            target=_worker, args=(child_end, k, progress, opts, inherited, task), daemon=True
        )
        slot = _Slot(proc, parent_end)
        slots[k] = slot  # before start: an interrupt during start still finds it
        progress[2 * k], progress[2 * k + 1] = 0, 0.0
        proc.start()
        child_end.close()  # the worker's end: a dead worker then reads as end-of-file here
        return slot

    def replace(key: tuple[int, ...], parts: list[tuple[int, ...]]) -> None:
        at = order.index(key)
        order[at : at + 1] = parts

    def dead(k: int, why: str) -> None:
        """The worker in slot k died (or was ended) during its job: the file it was reading is unreadable."""
        slot = slots[k]
        assert slot is not None and slot.job is not None
        key, items = slot.job
        slot.job = None
        _end(slot)
        slots[k] = None
        bad = min(max(int(progress[2 * k]), 0), len(items) - 1)
        if task is None:
            reason = why or _exit_reason(slot.proc.exitcode)
            before, after = items[:bad], items[bad + 1 :]
            parts = [key + (0,)] * bool(before) + [key + (1,)] + [key + (2,)] * bool(after)
            replace(key, parts)
            results[key + (1,)] = (make_chunk([unreadable_record(items[bad], _limit_message(items[bad], reason), opts)], opts), 1)
            if after:
                pending.appendleft((key + (2,), after))
            if before:
                pending.appendleft((key + (0,), before))
        elif len(items) == 1:  # another command's task: its own message for the item, made here
            results[key] = (work(items, opts), 1)
        else:
            parts = [key + (n,) for n in range(len(items))]
            replace(key, parts)
            for n in reversed(range(len(items))):
                pending.appendleft((key + (n,), [items[n]]))

    try:
        while order:
            while order and order[0] in results:
                result, _count = results.pop(order.pop(0))
                yield result
            if not order:
                break
            busy = 0
            for k in range(jobs):
                slot = slots[k]
                if slot is not None and slot.job is None and not slot.proc.is_alive():
                    _end(slot)  # a worker that ended after a file over its limit
                    slots[k] = slot = None
                if slot is not None and slot.job is not None:
                    busy += 1
                    continue
                if not pending or len(results) + busy >= window:
                    continue
                slot = slot or start(k)
                slot.job = pending.popleft()
                progress[2 * k], progress[2 * k + 1] = 0, 0.0  # until the worker says which file it reads
                try:
                    slot.conn.send(slot.job)
                except (BrokenPipeError, OSError):
                    dead(k, "")
                    continue
                busy += 1
            waiting = {s.conn: k for k, s in enumerate(slots) if s is not None and s.job is not None}
            if not waiting:
                continue
            ready: list[Any] = multiprocessing.connection.wait(list(waiting), timeout=1.0)
            for conn in ready:
                k = waiting[conn]
                slot = slots[k]
                assert slot is not None and slot.job is not None
                try:
                    key, (result, count, ending) = conn.recv()
                except (EOFError, OSError):
                    dead(k, "")
                    continue
                job_key, items = slot.job
                slot.job = None
                if ending:  # the worker ends after a file over its limit: a fresh one takes its place
                    _end(slot)
                    slots[k] = None
                if count < len(items):  # it stopped at that file: the rest goes on
                    parts = [job_key + (0,), job_key + (1,)]
                    replace(job_key, parts)
                    results[job_key + (0,)] = (result, count)
                    pending.appendleft((job_key + (1,), items[count:]))
                else:
                    results[key] = (result, count)
            now = time.monotonic()
            for k, slot in enumerate(slots):
                started = progress[2 * k + 1] if slot is not None else 0.0
                limit = wall if task is None or slot is None or slot.job is None else wall * len(slot.job[1])
                if slot is not None and slot.job is not None and started and now - started > limit:
                    dead(k, "时间上限")
    finally:
        for slot in slots:
            if slot is not None:
                _end(slot)


def _end(slot: _Slot) -> None:
    """Close the parent's end and make sure the worker is gone."""
    try:
        slot.conn.close()
    except OSError:
        pass
    proc = slot.proc
    if proc.pid is None:  # interrupted before it started
        return
    if proc.is_alive():
        proc.terminate()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
    proc.join()


def _exit_reason(code: int | None) -> str:
    """What a worker's exit status says about the file it was reading."""
    if code is not None and code < 0 and hasattr(signal, "SIGKILL") and -code == signal.SIGKILL:
        return "内存或时间上限（读取进程被系统终止）"
    if code is not None and code < 0 and hasattr(signal, "SIGXCPU") and -code == signal.SIGXCPU:
        return "时间上限"
    return f"时间或内存上限（读取进程异常退出，退出码 {code}）"


