"""The AWS-call analyses keep a digest of each botocore service model, not the model."""

from __future__ import annotations

import gc

import botocore.session

from faasguard.analysis import aws_models, aws_sdk
from tests.compiled_support import pure_only


def test_structure_members_match_botocore() -> None:
    service = aws_sdk.service("dynamodb")
    assert service is not None
    model = botocore.session.get_session().get_service_model("dynamodb")
    for shape in ("PutItemInput", "TableDescription", "KeySchemaElement"):
        expected = {botocore.xform_name(m) for m in model.shape_for(shape).members}
        assert service.shape_members(shape) == expected
    assert service.shape_members("AttributeValue") != frozenset()  # a structure too
    assert service.shape_members("TableName") == frozenset()  # a string shape
    assert service.shape_members("NoSuchShape") == frozenset()


@pure_only("reads the instance __dict__ a compiled class has not")
def test_the_service_model_itself_is_not_kept() -> None:
    """Each model's documentation strings are most of its size (several MiB a service):
    `service` reads the model, keeps what the analyses ask of it, and lets it go."""
    aws_sdk.service.cache_clear()
    aws_models.load.cache_clear()
    gc.collect()
    service = aws_sdk.service("sqs")
    assert service is not None and service.operations["send_message"] == "SendMessage"
    assert aws_models.load.cache_info().currsize == 0
    held = [o for o in gc.get_referrers(service) if isinstance(o, dict) and "documentation" in o]
    assert held == []
    assert not any(isinstance(value, dict) for value in vars(service).values()
                   if value is not service.operations and value is not service.structures
                   and value is not service._members)
