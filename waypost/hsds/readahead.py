"""A second process that reads and converts a package's CSV files while this one writes (the
reading is Python's work, the writing mostly the database's: on two cores they overlap).

Batches go through a temporary file, and only their place in it through the pipe: the reader
can then run ahead by whole tables (reading services.csv costs it more than writing them costs
here, attributes.csv less), and the memory of neither process grows.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from waypost.datasets.errors import DataFileError
from waypost.hsds import tables as t
from waypost.hsds.tabular import read_batches
from waypost.hsds.values import HsdsId
from waypost.hsds.writer import BATCH_SIZE, PLANS, staged_values


class Reader:
    def __init__(self, jobs: list[tuple[t.Table, Path]]) -> None:
        # Closed by `close`, which the importer calls whatever happens.
        self.spool = tempfile.TemporaryFile(prefix="waypost-import-")  # noqa: SIM115
        # Forked: the process starts with Django set up and the package's plans at hand. It
        # never touches the database connection it inherits (nor closes it: it ends with
        # os._exit, as forked multiprocessing children do).
        context = multiprocessing.get_context("fork")
        self.pipe, sender = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_read_tables,
            args=([(table.name, str(file)) for table, file in jobs], sender, self.spool.fileno()),
            daemon=True,
        )
        self.process.start()
        sender.close()
        # The ids of the last table read that may have come twice (None: any of them).
        self.suspects: list[tuple[str]] | None = None

    def batches(
        self, table: str, advance: Callable[[int], None]
    ) -> Iterator[tuple[tuple[str, ...], list[list[Any]]]]:
        while True:
            try:
                message = self.pipe.recv()
            except EOFError:
                raise RuntimeError("the process reading the package stopped") from None
            kind = message[0]
            if kind == "batch":
                _, offset, length = message
                # pread: the reader writes on at the end of the same open file.
                data = os.pread(self.spool.fileno(), length, offset)
                assert len(data) == length, (len(data), length)
                yield pickle.loads(data)
            elif kind == "read":
                advance(message[1])
            elif kind == "done":
                assert message[1] == table, (message[1], table)
                self.suspects = message[2]
                return
            elif kind == "refused":
                raise DataFileError(*message[1:])
            else:
                raise RuntimeError(f"reading the package failed:\n{message[1]}")

    def close(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.pipe.close()
        self.spool.close()


def _read_tables(jobs: list[tuple[str, str]], pipe: Any, spool: int) -> None:
    """The reading process: each table's batches, then "done"; a file that cannot be read
    ends it with the refusal, which the writing process raises when it gets there."""
    offset = os.lseek(spool, 0, os.SEEK_END)
    try:
        for name, path in jobs:
            file = Path(path)
            ids = IdFilter(file.stat().st_size)
            plan = PLANS[name]

            def advance(position: int) -> None:
                pipe.send(("read", position))

            for batch in staged_values(plan, read_batches(plan.table, file, advance, BATCH_SIZE)):
                given, values = batch
                ids.add(values[given.index("id") + 1])
                data = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
                view = memoryview(data)
                while view:
                    view = view[os.write(spool, view) :]
                pipe.send(("batch", offset, len(data)))
                offset += len(data)
            suspects = ids.suspects
            pipe.send(("done", name, None if suspects is None else [(i,) for i in suspects]))
    except DataFileError as exc:
        pipe.send(("refused", exc.file, exc.record, exc.field, exc.reason))
    except Exception:
        pipe.send(("failed", traceback.format_exc()))
    finally:
        pipe.close()


class IdFilter:
    """Which ids of a file may have been read before in it (a Bloom filter, two bits an id).

    Sorting the millions of ids of a national import to find one read twice took longer than
    reading them; the filter answers "certainly not" for nearly all of them in memory (at
    most 32 MB), and only the few suspects are then looked for among the ids read. Past
    MAX_SUSPECTS (a filter too small for the import), `suspects` is None: sort them all.
    """

    MAX_SUSPECTS = 200_000

    def __init__(self, size_hint: int) -> None:
        # About one id per 40 bytes of CSV; 16 bits an id keeps suspects near 1 in 500.
        bits = 1 << 16
        while bits < min(size_hint // 40 * 16, 1 << 28):
            bits <<= 1
        self.mask = bits - 1
        self.bits = bytearray(bits >> 3)
        self.suspects: set[HsdsId] | None = set()

    def add(self, ids: list[HsdsId]) -> None:
        bits, mask = self.bits, self.mask
        for hsds_id in ids:
            code = hash(hsds_id)
            one, two = code & mask, (code >> 28) & mask
            byte1, bit1, byte2, bit2 = one >> 3, 1 << (one & 7), two >> 3, 1 << (two & 7)
            if bits[byte1] & bit1 and bits[byte2] & bit2:
                self._suspect(hsds_id)
            bits[byte1] |= bit1
            bits[byte2] |= bit2

    def _suspect(self, hsds_id: HsdsId) -> None:
        if self.suspects is None:
            return
        self.suspects.add(hsds_id)
        if len(self.suspects) > self.MAX_SUSPECTS:
            self.suspects = None
