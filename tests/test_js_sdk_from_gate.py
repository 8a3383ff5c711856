"""The AWS SDK pass follows `.from(...)` calls only in a file that spells
`DynamoDBDocumentClient` (awssdk.client_calls): no other `.from` can build a client, and
the calls the pass records are those it recorded when it followed every one."""

from __future__ import annotations

from faasguard.analysis.js.awssdk import _file_calls, client_calls
from faasguard.analysis.js.parse import JsModule, dialect_of, parse_bytes

#: A handler decoding Kinesis data with `Buffer.from` and reading a table with a document
#: client built by `.from`, under an alias (`DocClient`).
WITH_DOCUMENT_CLIENT = """import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient as DocClient, GetCommand } from "@aws-sdk/lib-dynamodb";
const doc = DocClient.from(new DynamoDBClient({}));
export const handler = async (event) => {
  const text = Buffer.from(event.Records[0].kinesis.data, "base64").toString();
  const other = Array.from(text).join("");
  await doc.send(new GetCommand({ TableName: process.env.TABLE, Key: { id: other } }));
  return doc.destroy();
};
"""
#: The same without the document client: `Buffer.from(...)` and `Array.from(...)` only.
WITHOUT = WITH_DOCUMENT_CLIENT.replace(
    'import { DynamoDBDocumentClient as DocClient, GetCommand } from "@aws-sdk/lib-dynamodb";',
    'import { GetItemCommand as GetCommand } from "@aws-sdk/client-dynamodb";').replace(
    "DocClient.from(new DynamoDBClient({}))", "new DynamoDBClient({})")


def module(source: str, file: str = "handler.mjs") -> JsModule:
    data = source.encode()
    return JsModule(file, data, parse_bytes(data, dialect_of(file)), dialect_of(file))


def test_from_calls_are_followed_where_the_document_client_is_named() -> None:
    mod = module(WITH_DOCUMENT_CLIENT)
    found = [mod.text(n) for n in client_calls(mod)]
    assert 'Buffer.from(event.Records[0].kinesis.data, "base64").toString()' in found
    assert 'Array.from(text).join("")' in found
    assert "doc.destroy()" in found
    calls = _file_calls(module(WITH_DOCUMENT_CLIENT))
    assert [(c.service, c.operation, c.line) for c in calls] == [("dynamodb", "GetItem", 7)]


def test_from_calls_are_no_candidates_where_no_document_client_is_named() -> None:
    mod = module(WITHOUT)
    found = [mod.text(n) for n in client_calls(mod)]
    assert not any(".from(" in text for text in found)
    assert any(".send(" in text for text in found)
    calls = _file_calls(module(WITHOUT))
    assert [(c.service, c.operation, c.line) for c in calls] == [("dynamodb", "GetItem", 7)]


def test_the_gate_is_the_name_in_the_file_s_bytes() -> None:
    # a name built from parts is no document client for the pass either way
    source = WITHOUT.replace('Array.from(text).join("")',
                             'globalThis["DynamoDB" + "DocumentClient"].from(text)')
    assert b"DynamoDBDocumentClient" not in source.encode()
    mod = module(source)
    assert not any(".from(" in mod.text(n) for n in client_calls(mod))
