"""One writer per log format and delivery, each as AWS writes it.

Times are epoch seconds (floats) everywhere in the generator; the writers format them.
Every writer counts the bytes of text it writes (before any gzip), so the generator can
report its volume.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import time
from pathlib import Path
from typing import IO, Any

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Clock:
    """Time formatting with a one-second cache (most lines share their second)."""

    def __init__(self) -> None:
        self._second = -1
        self._prefix = ""

    def iso(self, moment: float) -> str:
        """``2026-01-05T10:00:00.123Z``."""
        second = int(moment)
        if second != self._second:
            self._second = second
            self._prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._prefix}.{int((moment - second) * 1000):03d}Z"


def clf_time(moment: float) -> str:
    """``05/Jan/2026:10:00:00 +0000``."""
    t = time.gmtime(moment)
    return f"{t.tm_mday:02d}/{_MONTHS[t.tm_mon - 1]}/{t.tm_year}:" \
           f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000"


def compact(obj: Any) -> str:
    """One JSON line."""
    return json.dumps(obj, separators=(",", ":"))


class TextFile:
    """A text file, gzip-compressed or not, that counts what is written."""

    def __init__(self, path: Path, compress: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.bytes = 0
        if compress:  # mtime 0: the same seed gives the same bytes
            self._raw: IO[bytes] | None = path.open("wb")
            zipped = gzip.GzipFile(fileobj=self._raw, mode="wb", compresslevel=1, mtime=0)
            self._file: IO[str] = io.TextIOWrapper(zipped, encoding="utf-8")
        else:
            self._raw = None
            self._file = path.open("w", encoding="utf-8")

    def write(self, text: str) -> None:
        """Write `text` as it is."""
        self.bytes += len(text)
        self._file.write(text)

    def close(self) -> None:
        """Close the file."""
        self._file.close()
        if self._raw is not None:
            self._raw.close()


class S3Export(TextFile):
    """A CloudWatch Logs export to S3: ``<ISO time> <message>`` per log event, gzip."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, compress=True)
        self.clock = Clock()

    def add(self, moment: float, message: str) -> None:
        """One log event."""
        self.write(f"{self.clock.iso(moment)} {message}\n")


class Subscription(TextFile):
    """CloudWatch Logs subscription events, one ``{"awslogs": {"data": ...}}`` per line.

    Log events are batched as CloudWatch does: a payload closes after `max_events`
    events or `max_span_s` seconds of log time.
    """

    def __init__(self, path: Path, log_group: str, log_stream: str, *, max_events: int = 200,
                 max_span_s: float = 60.0) -> None:
        super().__init__(path)
        self.log_group = log_group
        self.log_stream = log_stream
        self.max_events = max_events
        self.max_span_s = max_span_s
        self._batch: list[dict[str, Any]] = []
        self._first = 0.0
        self._seq = 0

    def add(self, moment: float, message: str) -> None:
        """One log event."""
        if self._batch and (len(self._batch) >= self.max_events
                            or moment - self._first > self.max_span_s):
            self.flush()
        if not self._batch:
            self._first = moment
        self._seq += 1
        self._batch.append({"id": f"{int(moment * 1000):020d}{self._seq:036d}",
                            "timestamp": int(moment * 1000), "message": message + "\n"})

    def flush(self) -> None:
        """Write the open batch as one subscription event."""
        if not self._batch:
            return
        payload = {"messageType": "DATA_MESSAGE", "owner": "111122223333",
                   "logGroup": self.log_group, "logStream": self.log_stream,
                   "subscriptionFilters": ["faasguard-monitor"], "logEvents": self._batch}
        data = base64.b64encode(gzip.compress(compact(payload).encode(), compresslevel=1, mtime=0))
        self.write(compact({"awslogs": {"data": data.decode()}}) + "\n")
        self._batch = []

    def close(self) -> None:
        """Flush, then close."""
        self.flush()
        super().close()


class FilterLogEvents:
    """``aws logs filter-log-events`` output, one JSON document per page of events."""

    def __init__(self, folder: Path, log_stream: str, page_size: int = 2000) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.log_stream = log_stream
        self.page_size = page_size
        self.bytes = 0
        self._events: list[dict[str, Any]] = []
        self._page = 0
        self._seq = 0

    def add(self, moment: float, message: str) -> None:
        """One log event."""
        self._seq += 1
        ms = int(moment * 1000)
        self._events.append({"logStreamName": self.log_stream, "timestamp": ms,
                             "message": message + "\n", "ingestionTime": ms + 150,
                             "eventId": f"{ms:020d}{self._seq:036d}"})
        if len(self._events) >= self.page_size:
            self.flush()

    def flush(self) -> None:
        """Write the open page."""
        if not self._events:
            return
        self._page += 1
        doc = {"events": self._events,
               "searchedLogStreams": [{"logStreamName": self.log_stream,
                                       "searchedCompletely": True}]}
        text = json.dumps(doc, indent=4) + "\n"
        (self.folder / f"filter-log-events-{self._page:04d}.json").write_text(text)
        self.bytes += len(text)
        self._events = []

    def close(self) -> None:
        """Write the last page."""
        self.flush()


class CloudTrailFiles:
    """Trail delivery to S3: ``{"Records": [...]}`` gzip files, one per region and hour."""

    def __init__(self, root: Path, account: str) -> None:
        self.root = root
        self.account = account
        self.bytes = 0
        self._open: dict[tuple[str, int], list[tuple[float, dict[str, Any]]]] = {}
        self._files = 0

    def add(self, moment: float, region: str, record: dict[str, Any]) -> None:
        """One record (its eventTime already set)."""
        self._open.setdefault((region, int(moment // 3600)), []).append((moment, record))

    def flush_before(self, moment: float) -> None:
        """Write the hours that ended more than an hour before `moment`."""
        done = [key for key in self._open if key[1] < int(moment // 3600) - 1]
        for key in sorted(done):
            self._write(key, self._open.pop(key))

    def close(self) -> None:
        """Write every open hour."""
        for key in sorted(self._open):
            self._write(key, self._open[key])
        self._open = {}

    def _write(self, key: tuple[str, int], records: list[tuple[float, dict[str, Any]]]) -> None:
        region, hour = key
        records.sort(key=lambda item: item[0])
        t = time.gmtime(hour * 3600)
        self._files += 1
        folder = self.root / "AWSLogs" / self.account / "CloudTrail" / region / \
            f"{t.tm_year}" / f"{t.tm_mon:02d}" / f"{t.tm_mday:02d}"
        name = (f"{self.account}_CloudTrail_{region}_{time.strftime('%Y%m%dT%H%MZ', t)}_"
                f"{self._files:016X}.json.gz")
        text = compact({"Records": [record for _, record in records]})
        out = TextFile(folder / name, compress=True)
        out.write(text)
        out.close()
        self.bytes += out.bytes


class LookupEvents:
    """``aws cloudtrail lookup-events`` output: newest first, the record as a string."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.bytes = 0
        self._events: list[tuple[float, dict[str, Any]]] = []

    def add(self, moment: float, record: dict[str, Any]) -> None:
        """One record."""
        self._events.append((moment, record))

    def close(self) -> None:
        """Write one output document per day."""
        by_day: dict[int, list[tuple[float, dict[str, Any]]]] = {}
        for moment, record in self._events:
            by_day.setdefault(int(moment // 86400), []).append((moment, record))
        self.folder.mkdir(parents=True, exist_ok=True)
        for day, events in sorted(by_day.items()):
            events.sort(key=lambda item: -item[0])
            items = [{"EventId": record["eventID"], "EventName": record["eventName"],
                      "ReadOnly": str(record.get("readOnly", False)).lower(),
                      "EventTime": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(moment)),
                      "EventSource": record["eventSource"],
                      "Username": record["userIdentity"].get("userName")
                      or record["userIdentity"].get("arn", "").rsplit("/", 1)[-1],
                      "Resources": [], "CloudTrailEvent": compact(record)}
                     for moment, record in events]
            text = json.dumps({"Events": items}, indent=4) + "\n"
            name = time.strftime("lookup-events-%Y-%m-%d.json", time.gmtime(day * 86400))
            (self.folder / name).write_text(text)
            self.bytes += len(text)
