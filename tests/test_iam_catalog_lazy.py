"""The IAM catalogue is read as cheaply as a scan needs it: its file is split into services
without decoding the whole text (`_lines`: the same services and entries as the text's
lines), and `lookup` makes the one action it is asked for, not its service's whole
`service_info`, with the same answer."""

from __future__ import annotations

import json

from faasguard.analysis import iam_catalog
from faasguard.package_data import gunzip, own_data


def test_services_split_as_the_texts_lines() -> None:
    text = gunzip(own_data("iam_catalog.tsv.gz")).decode("utf-8")
    lines = text.splitlines()[1:]
    found = iam_catalog._lines()
    assert len(found) == len(lines) > 400
    for line in lines:
        prefix, _, entry = line.partition("\t")
        name, raw = found[prefix.lower()]
        assert name == prefix
        assert json.loads(raw) == json.loads(entry)


def test_lookup_makes_one_action_not_its_service() -> None:
    iam_catalog.service_info.cache_clear()
    iam_catalog.lookup.cache_clear()
    for action in ("sqs:SendMessage", "SQS:sendmessage", " sqs:ReceiveMessage ", "sqs:Nothing",
                   "nosuchservice:Get", "s3:GetObject", "s3:", ":"):
        iam_catalog.lookup(action)
    assert iam_catalog.service_info.cache_info().currsize == 0
    for prefix in ("sqs", "s3", "iam", "dynamodb"):
        info = iam_catalog.service_info(prefix)
        assert info is not None and info.actions
        for lower, expected in info.actions.items():
            assert iam_catalog.lookup(f"{prefix}:{lower}") == expected
            assert iam_catalog.lookup(expected.name) == expected
    assert iam_catalog.lookup("sqs:Nothing") is None
    assert iam_catalog.lookup("nosuchservice:Get") is None
