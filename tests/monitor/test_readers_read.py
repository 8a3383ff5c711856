"""iter_events: files and directories, gzip, streaming, malformed lines, file errors."""

from __future__ import annotations

import gzip
import json
import shutil
import tracemalloc
from pathlib import Path

from faasguard.monitor.read import ReadStats, iter_events

from .readers_support import FIXTURES, read

RECORD = {"eventTime": "2026-01-05T10:00:00Z", "eventSource": "sts.amazonaws.com",
          "eventName": "GetCallerIdentity", "sourceIPAddress": "192.0.2.1",
          "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/ci"},
          "userAgent": "aws-cli/2.15.0 " + "x" * 300}


def test_malformed_lines_are_counted_with_file_and_line_and_the_rest_is_read() -> None:
    events, stats = read(FIXTURES / "malformed" / "mixed.log")
    assert [(e.kind, e.line) for e in events] == [("start", 1), ("report", 4), ("request", 7)]
    assert stats.malformed == 4 and stats.lines == 7 and stats.events == 3
    assert [(s.line, s.reason.split(":")[0]) for s in stats.samples] == [
        (2, "platform.report without metrics.durationMs"), (3, "not valid JSON"),
        (5, "unrecognised line"), (6, "CloudTrail record")]
    assert stats.samples[2].excerpt == "just some words"
    assert all(s.file.endswith("mixed.log") for s in stats.samples)
    assert "mixed.log:5: unrecognised line" in stats.summary()
    assert stats.to_dict()["malformed"] == 4


def test_samples_are_capped_but_all_malformed_lines_counted(tmp_path: Path) -> None:
    path = tmp_path / "noise.log"
    path.write_text("noise\n" * 50)
    events, stats = read(path, config={"malformed-samples": 3})
    assert events == [] and stats.malformed == 50 and len(stats.samples) == 3


def test_directories_walked_sorted_gzip_by_magic_hidden_skipped(tmp_path: Path) -> None:
    source = FIXTURES / "apigw" / "rest-api-clf.log"
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "access.log").write_bytes(source.read_bytes())
    # gzip without a .gz name: told by its magic bytes
    (tmp_path / "a" / "access-export").write_bytes(gzip.compress(source.read_bytes()))
    (tmp_path / ".hidden.log").write_text("not read\n")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.log").write_text("not read\n")
    events, stats = read(tmp_path)
    assert stats.files == 2 and stats.malformed == 0 and len(events) == 6
    size = len(source.read_bytes())
    assert stats.text_bytes == 2 * size and stats.bytes < 2 * size
    assert [Path(e.file or "").parent.name for e in events] == ["a"] * 3 + ["b"] * 3
    assert [(e.path, e.status) for e in events[:3]] == [(e.path, e.status) for e in events[3:]]


def test_file_problems_are_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.log"
    shutil.copy(FIXTURES / "apigw" / "rest-api-clf.log", good)
    truncated = tmp_path / "truncated.log.gz"
    truncated.write_bytes(gzip.compress(good.read_bytes() * 100)[:200])
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    events, stats = read(tmp_path / "missing.log", binary, truncated, good)
    assert len(events) >= 3 and events[-1].file == str(good)
    errors = "\n".join(stats.file_errors)
    assert "missing.log: no such file" in errors
    assert "image.png: binary data" in errors
    assert "truncated.log.gz: could not be read to the end" in errors


def test_overlong_lines_are_malformed_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "long.log"
    clf = (FIXTURES / "apigw" / "rest-api-clf.log").read_text().splitlines()
    path.write_text(clf[0] + "\n" + "x" * 5000 + "\n" + clf[1] + "\n")
    events, stats = read(path, config={"max-line-bytes": 1024})
    assert len(events) == 2 and events[1].line == 3
    assert stats.malformed == 1 and stats.samples[0].line == 2
    assert "longer than 1024 bytes" in stats.samples[0].reason


def test_pretty_printed_and_concatenated_documents(tmp_path: Path) -> None:
    path = tmp_path / "concatenated.json"
    path.write_text(json.dumps(RECORD, indent=2) + json.dumps(RECORD) + "\n\n" +
                    json.dumps({"Records": [RECORD]}, indent=1))
    events, stats = read(path)
    assert stats.malformed == 0
    # each value at the line it starts on: the second right after the first's '}'
    assert [e.line for e in events] == [1, 11, 15]


def test_a_broken_document_keeps_the_records_before_the_break(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text(json.dumps({"Records": [RECORD, RECORD]}, indent=2)[:-120])
    events, stats = read(path)
    assert len(events) == 1 and stats.malformed == 1
    assert "ends inside" in stats.samples[0].reason or "invalid JSON" in stats.samples[0].reason


def test_reading_is_streamed_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big-trail.json.gz"
    count = 5000
    padding = {"requestParameters": {"policyDocument": "p" * 1500}}
    with gzip.open(path, "wt") as out:  # one line of ~10 MB, as trails deliver them
        out.write('{"Records": [')
        out.write(",".join(json.dumps(dict(RECORD, requestID=str(i), **padding))
                           for i in range(count)))
        out.write("]}")
    stats = ReadStats()
    tracemalloc.start()
    try:
        seen = 0
        for event in iter_events([path], None, stats):
            seen += 1
            assert event.request_id is not None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count and stats.malformed == 0
    assert stats.text_bytes > 9_000_000
    assert peak < 3 * 1024 * 1024, f"peak {peak} bytes for a ~10 MB document"


def test_events_come_before_the_file_is_read_to_the_end(tmp_path: Path) -> None:
    path = tmp_path / "lazy.jsonl"
    path.write_text((json.dumps(RECORD) + "\n") * 1000 + "garbage\n")
    stats = ReadStats()
    events = iter_events([path], None, stats)
    first = next(events)
    assert first.line == 1 and stats.lines == 1 and stats.malformed == 0
    rest = list(events)
    assert len(rest) == 999 and stats.malformed == 1


def test_byte_order_marks_blank_heads_and_concatenated_objects(tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    (tmp_path / "bom.jsonl").write_bytes(bom + (json.dumps(RECORD) + "\n").encode() * 2)
    (tmp_path / "bom-doc.json").write_bytes(bom + json.dumps({"Records": [RECORD]},
                                                              indent=2).encode())
    (tmp_path / "blank-head.json").write_text("\n\n" + json.dumps({"Records": [RECORD]},
                                                                    indent=2))
    # Firehose writes records back to back on one line
    (tmp_path / "firehose").write_text(json.dumps(RECORD) * 3)
    events, stats = read(tmp_path)
    assert stats.malformed == 0, stats.summary()
    assert [(Path(e.file or "").name, e.line) for e in events] == [
        ("blank-head.json", 5), ("bom-doc.json", 3), ("bom.jsonl", 1), ("bom.jsonl", 2),
        ("firehose", 1), ("firehose", 1), ("firehose", 1)]


def test_trail_digest_files_are_not_api_calls(tmp_path: Path) -> None:
    digest = {"awsAccountId": "111122223333", "digestStartTime": "2026-01-05T10:00:00Z",
              "digestEndTime": "2026-01-05T11:00:00Z", "digestS3Bucket": "trail-bucket",
              "logFiles": [{"s3Object": "AWSLogs/x.json.gz", "hashValue": "ab12"}],
              "digestSignatureAlgorithm": "SHA256withRSA"}
    path = tmp_path / "111122223333_CloudTrail-Digest_eu-west-1_trail_20260105T110000Z.json.gz"
    path.write_bytes(gzip.compress(json.dumps(digest).encode()))
    events, stats = read(path)
    assert events == [] and stats.malformed == 0 and stats.files == 1


def test_a_single_path_is_one_path_not_its_characters() -> None:
    events = list(iter_events(str(FIXTURES / "apigw" / "rest-api-clf.log")))
    assert len(events) == 3


def test_truncated_and_mangled_lines_never_raise(tmp_path: Path) -> None:
    sources = [FIXTURES / "aws" / "lambda" / "orders-api" / "000000.log",
               FIXTURES / "aws" / "lambda" / "orders-api" / "platform.jsonl",
               FIXTURES / "app" / "powertools.jsonl", FIXTURES / "apigw" / "http-api.jsonl",
               FIXTURES / "apigw" / "rest-api-clf.log", FIXTURES / "cloudtrail" / "records.jsonl"]
    lines: list[str] = []
    for source in sources:
        for line in source.read_text().splitlines():
            step = max(1, len(line) // 12)
            lines += [line[:cut] for cut in range(1, len(line), step)]
            lines += [line.replace('"', "'"), line.replace(":", ""), line.upper(),
                      line.replace("2026", "20x6"), line[::-1]]
    path = tmp_path / "mangled.log"
    path.write_text("\n".join(lines) + "\n")
    events, stats = read(path)
    assert stats.lines == len(lines)
    assert stats.events + stats.malformed >= len(lines) * 0.9
    assert not stats.file_errors
    assert all(e.time.tzinfo is not None for e in events)


def test_a_text_file_opening_with_broken_json_is_still_read_line_by_line(
        tmp_path: Path) -> None:
    path = tmp_path / "starts-broken.log"
    clf = (FIXTURES / "apigw" / "rest-api-clf.log").read_text()
    path.write_text('{"cut": "short\n' + clf)
    events, stats = read(path)
    assert [e.line for e in events] == [2, 3, 4]
    assert stats.malformed == 1 and stats.samples[0].line == 1
