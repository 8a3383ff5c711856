"""AWS SDK for JavaScript calls (v2 and v3) in handler code, mapped to IAM actions.

Recognised shapes, in every file of a handler's module graph:

- v3 commands: `client.send(new GetObjectCommand({...}))` (the command class imported
  from `@aws-sdk/client-*` or `@aws-sdk/lib-dynamodb`), also through a variable;
- v3 aggregated clients: `new S3({...}).getObject({...})`;
- v3 paginators: `paginateListObjectsV2({ client }, {...})` (imported from the client's
  package, or `paginateQuery` from `@aws-sdk/lib-dynamodb`): calls of the operation they
  name, each page a request with those parameters;
- v2: `new AWS.S3().getObject({...})`, `new S3()` from `aws-sdk/clients/s3`,
  `new AWS.DynamoDB.DocumentClient().put({...})`.

Operations are checked against botocore's service models and turned into IAM actions
with the Python analysis's tables (analysis.aws_sdk, aws_interp): one mapping for both
languages. Request parameters name the resources (`Bucket`, `TableName`, `QueueUrl`...):
a literal, `process.env.X`, a constant, or a value read from the event.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from faasguard.analysis import aws_sdk
from faasguard.analysis.aws_interp import Interpreter
from faasguard.analysis.aws_values import AwsCall, DictV, ListV, Name
from faasguard.analysis.copy_source import split_copy_source
from faasguard.analysis.js.demand import holds_any
from faasguard.analysis.js.names import FileIndex, required_package
from faasguard.analysis.js.parse import (
    JsModule,
    JsModuleCache,
    file_summaries,
    first_named,
    line,
    string_value,
    text_in,
)
from faasguard.analysis.js.spots import keyword_owners, method_calls, word_nodes, word_spans

if TYPE_CHECKING:
    from tree_sitter import Node

MAX_HOPS = 8
#: Expressions `_Finder.what` sees through to the one inside.
WRAPPERS = ("await_expression", "parenthesized_expression", "as_expression",
            "non_null_expression")


@cache
def _data() -> dict[str, Any]:
    from faasguard.analysis.nodejs import builtin_data

    return dict(builtin_data()["aws_sdk"])


@cache
def _operations(name: str) -> tuple[frozenset[str], dict[str, str]]:
    """The operations of a service, and the same by their lower-case name (the first of
    a name wins, in the model's order); empty when botocore does not know the service.
    Once per process, as `aws_sdk.service` (itself cached) is."""
    sdk = aws_sdk.service(name)
    operations = tuple(sdk.operations.values()) if sdk is not None else ()
    by_lower: dict[str, str] = {}
    for operation in operations:
        by_lower.setdefault(operation.lower(), operation)
    return frozenset(operations), by_lower


def v3_service(package: str) -> str | None:
    """The botocore service of an `@aws-sdk/client-*` / `lib-*` package."""
    if not package.startswith("@aws-sdk/"):
        return None
    name = package[len("@aws-sdk/"):]
    name = name[len("client-"):] if name.startswith("client-") else name
    mapped = _data()["v3_packages"].get(name)
    if mapped is not None:
        return str(mapped)
    joined = name.replace("-", "")
    return joined if aws_sdk.known(joined) else name


def v2_service(cls: str) -> str:
    """The botocore service of an `AWS.<Class>` client class."""
    return str(_data()["v2_classes"].get(cls, cls.lower()))


#: Array methods that change the array in place.
_GROWS = {"push", "unshift", "splice", "fill", "copyWithin"}
#: The signers of database login tokens: (package, class) -> the service and, for each
#: method, the boto3 function of call_actions.json `auth_tokens` that signs the same.
_SIGNERS: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("@aws-sdk/rds-signer", "Signer"): ("rds", {"getAuthToken": "generate_db_auth_token"}),
    ("aws-sdk", "RDS.Signer"): ("rds", {"getAuthToken": "generate_db_auth_token"}),
    ("@aws-sdk/dsql-signer", "DsqlSigner"): ("dsql", {
        "getDbConnectAuthToken": "generate_db_connect_auth_token",
        "getDbConnectAdminAuthToken": "generate_db_connect_admin_auth_token"}),
}
#: SDK v2's S3 presigning methods (`_Finder._v2_presigned`).
_V2_PRESIGNERS = ("getSignedUrl", "getSignedUrlPromise", "createPresignedPost")


class _Finder:
    """Finds the SDK calls of one file."""

    def __init__(self, module: JsModule):
        self.index = FileIndex.of(module)
        self.module = module
        self.calls: list[AwsCall] = []

    # what an expression is: ("pkg", package) | ("ref", package, name) |
    # ("client", service, version) | ("cmd", service, operation, params node) | None
    def what(self, node: Node | None, hops: int = 0) -> tuple[Any, ...] | None:
        if node is None or hops > MAX_HOPS:
            return None
        kind = self.module.kinds[node.kind_id]  # (node.type, without a new string)
        if kind in WRAPPERS and (inner := first_named(node)) is not None:
            return self.what(inner, hops + 1)
        fid, source = self.module.fid, self.module.source
        if kind == "identifier":
            name = text_in(source, node)
            if not name:
                return None
            imported = self.index.imported(name)
            if imported is not None:
                package, export = imported
                return ("pkg", package) if export is None else ("ref", package, export)
            return self.what(self.index.value(name), hops + 1)
        if kind == "call_expression":
            required = required_package(node)
            if required is not None:
                return ("pkg", required)
            func = node.child_by_field_id(fid.function)
            if func is not None and self.module.kinds[func.kind_id] == "member_expression" and \
                    text_in(source, func.child_by_field_id(fid.property)) == "from":
                owner = self.what(func.child_by_field_id(fid.object), hops + 1)
                if owner is not None and owner[0] == "ref" and \
                        owner[2] in ("DynamoDBDocumentClient", "DynamoDBDocument"):
                    # (DynamoDBDocument: the aggregated client, `doc.get({...})`, whose
                    # methods are the v2 DocumentClient's)
                    return ("client", "dynamodb", "v3-doc")
            return None
        if kind == "member_expression":
            name = text_in(source, node.child_by_field_id(fid.property))
            if not name:
                return None
            owner = self.what(node.child_by_field_id(fid.object), hops + 1)
            if owner is None:
                return None
            if owner[0] == "pkg":
                return ("ref", owner[1], name)
            if owner[0] == "ref" and owner[1] == "aws-sdk":
                return ("ref", "aws-sdk", f"{owner[2]}.{name}")
            return None
        if kind == "new_expression":
            return self._new(node, hops)
        return None

    def _new(self, node: Node, hops: int) -> tuple[Any, ...] | None:
        cls = self.what(node.child_by_field_id(self.module.fid.constructor), hops + 1)
        if cls is None:
            return None
        args = node.child_by_field_id(self.module.fid.arguments)
        params = first_named(args) if args is not None else None
        if cls[0] == "pkg" and cls[1].startswith("aws-sdk/clients/"):
            return ("client", v2_service(cls[1].rsplit("/", 1)[1]), "v2")
        if cls[0] != "ref":
            return None
        package, name = cls[1], cls[2]
        if package == "@aws-sdk/lib-storage" and name == "Upload":
            return ("upload", params)
        if (package, name) in _SIGNERS:
            return ("signer", package, name)
        if package == "aws-sdk" or package.startswith("aws-sdk/clients/"):
            last = name.rsplit(".", 1)[-1]
            if last == "DocumentClient":
                return ("client", "dynamodb", "v2-doc")
            return ("client", v2_service(last), "v2")
        service = v3_service(package)
        if service is None:
            return None
        if name.endswith("Command"):
            if package == "@aws-sdk/lib-dynamodb":
                operation = _data()["document_client"].get(name)
            else:
                operation = name[:-len("Command")]
            return ("cmd", service, operation, params) if operation else None
        if name.endswith("Client"):
            return ("client", service, "v3")
        return ("client", service, "v3-aggregated")

    def run(self) -> list[AwsCall]:
        for node in client_calls(self.module):
            self._call(node)
        for node in paginator_calls(self.module):
            self._paginator(node)
        for node in presigner_calls(self.module):
            self._presigned(node)
        self.calls.sort(key=lambda c: (c.line, c.operation))
        return self.calls

    def _call(self, node: Node) -> None:
        fid = self.module.fid
        func = node.child_by_field_id(fid.function)
        if func is None or self.module.kinds[func.kind_id] != "member_expression":
            return
        args = node.child_by_field_id(fid.arguments)
        if args is None:
            return
        method = text_in(self.module.source, func.child_by_field_id(fid.property))
        first = first_named(args)
        if method == "send" and first is not None:
            command = self.what(first)
            if command is not None and command[0] == "cmd":
                self._record(command[1], command[2], f"send({command[2]}Command)",
                             command[3], node, "command")
            else:
                client = self.what(func.child_by_field_id(self.module.fid.object))
                if client is not None and client[0] == "client":  # a command built elsewhere
                    self.calls.append(AwsCall(
                        "*", "*", f"{client[1]} client send({self.module.text(first)})", (), (),
                        self.module.file, line(node), "unknown"))
            return
        client = self.what(func.child_by_field_id(self.module.fid.object))
        if client is not None and client[0] == "upload" and method == "done":
            self._upload(client[1], node)
            return
        if client is not None and client[0] == "signer":
            self._token(client[1], client[2], method, node)
            return
        if client is None or client[0] != "client":
            return
        service, version = client[1], client[2]
        if version == "v2" and service == "s3" and method in _V2_PRESIGNERS:
            self._v2_presigned(method, args, node)
            return
        if version.endswith("-doc"):
            operation = _data()["document_client"].get(method)
        else:
            operation = _operations(service)[1].get(method.lower())
        if operation:
            self._record(service, operation, method, first, node, "client")

    def _paginator(self, node: Node) -> None:
        """`paginateX(config, params)` of a v3 client package: operation X of its service
        (of the document client's for `@aws-sdk/lib-dynamodb`), requested with `params`
        for each page."""
        ref = self.what(node.child_by_field_id(self.module.fid.function))
        if ref is None or ref[0] != "ref" or not ref[2].startswith(_PAGINATE):
            return
        package, name = ref[1], ref[2]
        service = v3_service(package)
        operation = name[len(_PAGINATE):]
        if package == "@aws-sdk/lib-dynamodb":
            operation = _data()["document_client"].get(f"{operation}Command")
        args = node.child_by_field_id(self.module.fid.arguments)
        named = [c for c in args.named_children if c.type != "comment"] \
            if args is not None else []
        if service is not None and operation:
            self._record(service, operation, f"{name}()", named[1] if len(named) > 1
                         else None, node, "paginator")

    def _presigned(self, node: Node) -> None:
        """`getSignedUrl(client, new GetObjectCommand({...}))` (s3-request-presigner) and
        `createPresignedPost(client, { Bucket, Key })` (s3-presigned-post): the URL is
        signed with the function's credentials, so whoever uses it calls the operation
        as the function's role (boto3's generate_presigned_url / generate_presigned_post)."""
        ref = self.what(node.child_by_field_id(self.module.fid.function))
        args = node.child_by_field_id(self.module.fid.arguments)
        named = [c for c in args.named_children if c.type != "comment"] \
            if args is not None else []
        if ref is None or ref[0] != "ref" or len(named) < 2:
            return
        if ref[1:] == ("@aws-sdk/s3-request-presigner", "getSignedUrl"):
            command = self.what(named[1])
            if command is not None and command[0] == "cmd":
                self._record(command[1], command[2], f"getSignedUrl({command[2]}Command)",
                             command[3], node, "presigned")
        elif ref[1:] == ("@aws-sdk/s3-presigned-post", "createPresignedPost"):
            self._record("s3", "PutObject", "createPresignedPost()", named[1], node,
                         "presigned")

    def _v2_presigned(self, method: str, args: Node, node: Node) -> None:
        """SDK v2's `s3.getSignedUrl("putObject", params)` (or getSignedUrlPromise) and
        `s3.createPresignedPost({ Bucket, Fields })`: as `_presigned`."""
        named = [c for c in args.named_children if c.type != "comment"]
        if method == "createPresignedPost":
            self._record("s3", "PutObject", method, named[0] if named else None, node,
                         "presigned")
            return
        given = string_value(named[0]) if named else None
        operation = _operations("s3")[1].get(given.lower()) if given else None
        if operation:
            self._record("s3", operation, f"{method}({given!r})",
                         named[1] if len(named) > 1 else None, node, "presigned")

    def _token(self, package: str, cls: str, method: str, node: Node) -> None:
        """`new Signer({...}).getAuthToken()` (@aws-sdk/rds-signer, v2's AWS.RDS.Signer),
        DsqlSigner's getDbConnectAuthToken(): a database login token signed with the
        function's credentials (boto3's generate_db_auth_token: call_actions.json
        `auth_tokens`), which the database accepts only if the role allows its action."""
        service, methods = _SIGNERS[(package, cls)]
        operation = methods.get(method)
        actions = aws_sdk.table()["auth_tokens"].get(service, {}).get(operation or "")
        if actions and aws_sdk.service(service) is not None:
            self.calls.append(AwsCall(service, str(operation), f"{cls}.{method}()",
                                      tuple(actions), (), self.module.file, line(node),
                                      "presigned"))

    def _upload(self, options: Node | None, node: Node) -> None:
        """`new Upload({ client, params: { Bucket, Key, Body } }).done()` (lib-storage): a
        PutObject, in parts for a large body, aborted on failure (leavePartsOnError is false
        by default): the actions of boto3's upload_fileobj (call_actions.json `transfer`)."""
        if aws_sdk.service("s3") is None:
            return
        values = self._params(self._option(options, "params"))
        transfer = aws_sdk.table()["transfer"]["upload_fileobj"]
        self.calls.append(AwsCall(
            "s3", "PutObject", "Upload.done()", tuple(transfer["actions"]),
            Interpreter._targets("s3", values), self.module.file, line(node), "transfer",
            tuple(transfer["optional"])))

    def _option(self, options: Node | None, key: str, hops: int = 0) -> Node | None:
        """The value node of `key` in an object literal (followed through names)."""
        if options is not None and options.type == "identifier" and options.text and \
                hops < MAX_HOPS:
            return self._option(self.index.value(options.text.decode()), key, hops + 1)
        for child in options.named_children if options is not None and \
                options.type == "object" else ():
            if child.type == "shorthand_property_identifier" and \
                    self.module.text(child) == key:
                return self.index.value(key)
            name = child.child_by_field_id(self.module.fid.key) \
                if child.type == "pair" else None
            if name is not None and (string_value(name) if name.type == "string"
                                     else self.module.text(name)) == key:
                return child.child_by_field_id(self.module.fid.value)
        return None

    def _record(self, service: str, operation: str, method: str, params: Node | None,
                node: Node, via: str) -> None:
        sdk = aws_sdk.service(service)
        if sdk is None or operation not in _operations(service)[0]:
            return
        values = self._params(params)
        copy_source = aws_sdk.table()["copy_source"].get(f"{sdk.prefix}:{operation}")
        if copy_source and "CopySource" in values:
            # CopyObject: PutObject on the object written, GetObject on the one it copies
            actions = aws_sdk.iam_actions(sdk, operation)
            source = self._copy_source(self._option(params, "CopySource"))
            self.calls.append(AwsCall(
                service, f"{operation} (source)", method, tuple(copy_source),
                Interpreter._targets(service, source), self.module.file, line(node), via))
        else:
            actions = Interpreter._actions(sdk, operation, values)
        targets = Interpreter._targets(service, values)
        self.calls.append(AwsCall(service, operation, method, actions, targets,
                                  self.module.file, line(node), via))

    def _copy_source(self, node: Node | None) -> dict[str, tuple[Any, Any]]:
        """The `Bucket` and `Key` a copy's `CopySource` ("bucket/key", "/bucket/key", a
        template or a '+' chain of such parts) names: the bucket what comes before its
        first '/', the key what follows (any key when no '/' is seen): split_copy_source."""
        bucket, key = split_copy_source(self._parts(node))
        if len(bucket) == 1 and not isinstance(bucket[0], str):
            bucket_name = self.name(bucket[0])
        else:
            bucket_name = self._joined(bucket) if bucket else self.name(node)
        return {"Bucket": (bucket_name, None),
                "Key": (self._joined(key) if key else Name(text="*"), None)}

    def _parts(self, node: Node | None, hops: int = 0) -> list[str | Node]:
        """A string expression as its pieces in order: literal text (str, constants
        folded) and the nodes whose value is not known."""
        if node is None:
            return []
        kind = self.module.kinds[node.kind_id]
        if kind in WRAPPERS and (inner := first_named(node)) is not None and hops < MAX_HOPS:
            return self._parts(inner, hops + 1)
        if kind == "identifier" and hops < MAX_HOPS and \
                (value := self.index.value(self.module.text(node))) is not None:
            return self._parts(value, hops + 1)
        if kind == "binary_expression" and hops < MAX_HOPS and \
                text_in(self.module.source, node.child_by_field_name("operator")) == "+":
            return [*self._parts(node.child_by_field_id(self.module.fid.left), hops + 1),
                    *self._parts(node.child_by_field_id(self.module.fid.right), hops + 1)]
        if kind == "template_string":
            parts: list[str | Node] = []
            for child in node.named_children:
                inner = first_named(child) if child.type == "template_substitution" else None
                parts.extend([self.module.text(child)] if child.type == "string_fragment"
                             else self._parts(inner, hops + 1) if inner is not None
                             else [child])
            return parts
        literal = self.name(node, hops).literal
        return [literal if literal is not None else node]

    def _joined(self, parts: list[str | Node]) -> Name:
        """The Name of a string made of these pieces: a literal when all are known, else
        an expression whose start (up to the first unknown piece) is known."""
        if all(isinstance(part, str) for part in parts):
            return Name(literal="".join(str(part) for part in parts))
        prefix = ""
        for part in parts:
            if not isinstance(part, str):
                break
            prefix += part
        text = "".join(part if isinstance(part, str) else f"${{{self.module.text(part)}}}"
                       for part in parts)
        return Name(text=text, prefix=prefix)

    def _params(self, node: Node | None, hops: int = 0) -> dict[str, tuple[Any, Any]]:
        if node is None or hops > MAX_HOPS:
            return {}
        # (kinds by id and text from the source bytes: `type` and `text` make a new
        # Python string from the tree, `text` through a memoryview and a slice object)
        kinds, source, fid = self.module.kinds, self.module.source, self.module.fid
        kind = kinds[node.kind_id]
        if kind == "identifier":
            text = text_in(source, node)
            return self._params(self.index.value(text), hops + 1) if text else {}
        if kind != "object":
            return {}
        out: dict[str, tuple[Any, Any]] = {}
        for child in node.named_children:
            kind = kinds[child.kind_id]
            if kind == "pair":
                key = child.child_by_field_id(fid.key)
                name = None if key is None else string_value(key) \
                    if kinds[key.kind_id] == "string" else text_in(source, key) or None
                if name is not None:
                    value = child.child_by_field_id(fid.value)
                    out[name] = (self._items(value) if name == "TransactItems" else
                                 self.name(value), None)
            elif kind == "shorthand_property_identifier":
                name = text_in(source, child)
                if name:
                    out[name] = (self.name(child), None)
            elif kind == "spread_element" and (inner := first_named(child)) is not None:
                out.update(self._params(inner, hops + 1))
        return out

    def _items(self, node: Node | None, hops: int = 0) -> Any:
        """A literal array of object literals as the ListV of DictV the Python interpreter
        reads (DynamoDB's `TransactItems`: the kinds of its items choose the IAM actions,
        their `TableName`s the tables); anything else is a Name."""
        if node is not None and node.type == "identifier" and node.text and hops < MAX_HOPS:
            value = self.index.value(node.text.decode())
            if value is not None and not self._changed(node.text.decode()):
                return self._items(value, hops + 1)
        if node is None or node.type not in ("array", "object"):
            return self.name(node)
        if node.type == "array":
            return ListV(tuple(self._items(child, hops + 1) for child in node.named_children
                               if child.type != "comment"))
        items: list[tuple[str, Any]] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type != "pair":
                return self.name(node)  # a spread or a shorthand: the keys are not all known
            key = child.child_by_field_id(self.module.fid.key)
            name = string_value(key) if key is not None and key.type == "string" else \
                (key.text.decode() if key is not None and key.type == "property_identifier"
                 and key.text else None)
            if name is None:
                return self.name(node)
            items.append((name, self._items(child.child_by_field_id(self.module.fid.value),
                                            hops + 1)))
        return DictV(tuple(items))

    def _changed(self, name: str) -> bool:
        """Is `name` assigned again or grown in place (`items.push(...)`, `items[i] = ...`)
        anywhere in the file? Then its declared value is not what a call is given."""
        for node in word_nodes(self.module, name):
            parent = node.parent
            if parent is None or node.type != "identifier":
                continue
            if parent.type in ("assignment_expression", "augmented_assignment_expression") \
                    and parent.child_by_field_name("left") == node:
                return True
            if parent.type == "subscript_expression" and \
                    parent.child_by_field_name("object") == node:
                return True
            if parent.type == "member_expression" and \
                    parent.child_by_field_name("object") == node and \
                    self.module.text(parent).rsplit(".", 1)[-1] in _GROWS:
                return True
        return False

    def name(self, node: Node | None, hops: int = 0) -> Name:
        """The Name a request parameter's value stands for."""
        if node is None:
            return Name()
        module = self.module
        kinds, source, fid = module.kinds, module.source, module.fid
        text = module.text(node)
        literal = string_value(node)
        if literal is not None:
            return Name(literal=literal, text=text)
        kind = kinds[node.kind_id]
        if kind == "member_expression":
            obj = node.child_by_field_id(fid.object)
            prop = node.child_by_field_id(fid.property)
            if obj is not None and prop is not None and \
                    text_in(source, obj) == "process.env" and (env := text_in(source, prop)):
                return Name(env=env, text=text)
            root = module.chain_root(node)
            if kinds[root.kind_id] == "identifier" and (head := text_in(source, root)) and \
                    self.index.value(head) is None:
                path = text.split(".", 1)[1] if "." in text else text
                return Name(event=path.replace("?", ""), text=text)
        if (kind == "identifier" or kind == "shorthand_property_identifier") and \
                hops < MAX_HOPS and (own := text_in(source, node)):
            value = self.index.value(own)
            if value is not None:
                return self.name(value, hops + 1)
        if kind == "binary_expression":
            left = node.child_by_field_id(fid.left)
            start = self.name(left, hops + 1) if left is not None else Name()
            if start.env is not None and \
                    text_in(source, node.child_by_field_id(fid.operator)) in ("??", "||"):
                # `process.env.TABLE ?? "docs"`: the variable, its default aside (as
                # Python's os.environ.get("TABLE", "docs"))
                return Name(env=start.env, text=text)
            right = node.child_by_field_id(fid.right)
            end = string_value(right) if right is not None else None
            if start.literal is not None or start.prefix or end:
                return Name(text=text, prefix=start.literal or start.prefix,
                            suffix=end or "")
        if kind == "template_string":
            first = first_named(node)
            prefix = text_in(source, first) if first is not None and \
                kinds[first.kind_id] == "string_fragment" else ""
            last = node.named_children[-1] if node.named_child_count else None
            suffix = text_in(source, last) if last is not None and last != first and \
                kinds[last.kind_id] == "string_fragment" else ""
            return Name(text=text, prefix=prefix, suffix=suffix)
        if kind == "call_expression" and hops < MAX_HOPS:
            decoded = self._url_decoded(node)
            if decoded is not None:
                inner = self.name(decoded, hops + 1)
                if inner.event is not None:
                    return Name(event=inner.event, text=text)
        if kind == "subscript_expression":
            obj = node.child_by_field_id(fid.object)
            index = node.child_by_field_id(fid.index)
            if obj is not None and text_in(source, obj) == "process.env":
                variable = string_value(index)
                if variable is not None:
                    return Name(env=variable, text=text)
        if kind in WRAPPERS and hops < MAX_HOPS and (wrapped := first_named(node)) is not None:
            # TypeScript's `process.env.TABLE!`, `process.env.TABLE as string`: the value
            # itself, as written without them
            found = self.name(wrapped, hops + 1)
            return found if found.literal is not None else replace(found, text=text)
        return Name(text=text)

    def _url_decoded(self, call: Node) -> Node | None:
        """What a URL-decoding call decodes (`decodeURIComponent(x)`, `decodeURI(x)`,
        `x.replace(/\\+/g, " ")`: an S3 event key's spaces), or None."""
        module = self.module
        fid, source = module.fid, module.source
        func = call.child_by_field_id(fid.function)
        arguments = call.child_by_field_id(fid.arguments)
        args = arguments.named_children if arguments is not None else []
        if func is None or not args:
            return None
        callee = text_in(source, func)
        if callee in ("decodeURIComponent", "decodeURI"):
            return args[0]
        if module.kinds[func.kind_id] == "member_expression" and len(args) == 2 and \
                text_in(source, func.child_by_field_id(fid.property)) in _REPLACES and \
                text_in(source, args[0]) in _PLUS and string_value(args[1]) == " ":
            return func.child_by_field_id(fid.object)
        return None


_REPLACES = ("replace", "replaceAll")
#: A '+' as a `replace` pattern: `/\+/g`, `"+"`.
_PLUS = ("/\\+/g", "/[+]/g", '"+"', "'+'")


def client_calls(module: JsModule) -> list[Node]:
    """The method calls of a file that may be SDK calls, in source order: every
    `x.send(...)`, and the method calls of what may be a client (`new X(...)`,
    `X.from(...)`, and the names declared with one of those or with such a name, however
    deep). A superset of the calls `_Finder._call` records, found from the source bytes
    (spots.word_nodes, keyword_owners, method_calls) without visiting the other calls."""
    fid = module.fid
    # (`from` before a quote: the keyword of an import; a `.from(...)` is a client only as
    # `DynamoDBDocumentClient.from`, whose name the file then spells, as an import's,
    # a destructured `require`'s or a member's name: `_Finder.what`)
    todo: list[Node] = [*keyword_owners(module, "new", "new_expression"),
                        *(method_calls(module, "from", b"'\"")
                          if module.source.find(_DOCUMENT_CLIENT) >= 0 else ())]
    found: dict[tuple[int, int], Node] = {}
    names: set[str] = set()
    kinds = module.kinds  # (a kind by id: `type` makes a new Python string each read)
    while todo:
        expr = todo.pop()
        parent = expr.parent
        while parent is not None and kinds[parent.kind_id] in WRAPPERS:
            expr, parent = parent, parent.parent
        if parent is None:
            continue
        kind = kinds[parent.kind_id]
        if kind == "member_expression" and parent.child_by_field_id(fid.object) == expr:
            call = parent.parent  # (the call whose callee is this member, if any)
            if call is not None and kinds[call.kind_id] == "call_expression" and \
                    call.child_by_field_id(fid.function) == parent:
                found[call.start_byte, call.end_byte] = call
        elif kind == "variable_declarator" and parent.child_by_field_id(fid.value) == expr:
            target = parent.child_by_field_id(fid.name)
            name = module.text(target) if target is not None and \
                kinds[target.kind_id] == "identifier" else ""
            if name and name not in names:
                names.add(name)
                declared = target.start_byte if target is not None else -1
                # (the declared name itself is no use of it: its parent is this declarator)
                todo.extend(n for n in word_nodes(module, name)
                            if n.start_byte != declared and kinds[n.kind_id] == "identifier")
    for call in method_calls(module, "send"):
        found[call.start_byte, call.end_byte] = call
    return sorted(found.values(), key=lambda n: (n.start_byte, -n.end_byte))


#: The prefix of a v3 paginator function's name (`paginateListObjectsV2`).
_PAGINATE = "paginate"
_PAGINATOR_NAME = re.compile(rb"paginate[A-Z][\w$]*")


def paginator_calls(module: JsModule) -> list[Node]:
    """The calls `paginateX(...)` and `pkg.paginateX(...)` of a file, in source order: a
    superset of the v3 paginator calls `_Finder._paginator` records (what the callee is
    is its to say)."""
    if module.source.find(_PAGINATE.encode()) < 0:
        return []
    return _calls_named(module, list(dict.fromkeys(
        m.group().decode() for m in _PAGINATOR_NAME.finditer(module.source))))


#: The presigners' functions (`_Finder._presigned`), and what the names of their packages
#: (@aws-sdk/s3-request-presigner, @aws-sdk/s3-presigned-post) hold, which a file calling
#: one spells in its import.
_PRESIGNERS = ["getSignedUrl", "createPresignedPost"]
_PRESIGNER_PACKAGES = b"presign"


def presigner_calls(module: JsModule) -> list[Node]:
    """The calls of a function named as a presigner (`getSignedUrl(...)`, under its own
    name or an alias) in a file importing a presigner package, in source order: a
    superset of those `_Finder._presigned` records."""
    if module.source.find(_PRESIGNER_PACKAGES) < 0:
        return []
    return _calls_named(module, _PRESIGNERS)


def _calls_named(module: JsModule, names: list[str]) -> list[Node]:
    """The calls `name(...)` and `x.name(...)` of a file for these names and the aliases
    the file imports them as, in source order."""
    fid, kinds = module.fid, module.kinds
    find = module.root.named_descendant_for_byte_range
    found: list[Node] = []
    names = [*names, *(alias for name in names for alias in _aliases(module, name))]
    for name in dict.fromkeys(names):
        for start, end in word_spans(module, name):
            # (the smallest named node spanning the name and the byte after it: the call
            # when the name ends its callee, as in `method_calls`)
            call = find(start, end + 1)
            if call is None or kinds[call.kind_id] != "call_expression":
                continue
            callee = call.child_by_field_id(fid.function)
            if callee is not None and callee.end_byte == end:
                found.append(call)
    return sorted(found, key=lambda n: n.start_byte)


def _aliases(module: JsModule, name: str) -> list[str]:
    """The other names a file imports `name` as (`import { name as alias }`, `const {
    name: alias } = require(...)`)."""
    found: list[str] = []
    for node in word_nodes(module, name):
        parent = node.parent
        alias = parent.child_by_field_name("alias") if parent is not None and \
            parent.type == "import_specifier" else parent.child_by_field_name("value") \
            if parent is not None and parent.type == "pair_pattern" and \
            parent.child_by_field_name("key") == node else None
        if alias is not None and alias.type == "identifier" and alias != node:
            found.append(module.text(alias))
    return found


#: The DynamoDB document clients' class name (`DynamoDBDocumentClient`, and the aggregated
#: `DynamoDBDocument` it starts), which a file builds with its `.from(...)`.
_DOCUMENT_CLIENT = b"DynamoDBDocument"
#: What the source of a file that makes SDK calls contains: the name of an SDK package
#: (`aws-sdk`, `@aws-sdk/...`; imported by the file itself) or of the DynamoDB document
#: client a file builds with `DynamoDBDocumentClient.from(...)`.
SDK_MARKERS = (b"aws-sdk", _DOCUMENT_CLIENT)


def calls_in_modules(cache: JsModuleCache, files: list[str]) -> list[AwsCall]:
    """The AWS SDK calls of these files (those that parse), in file and line order."""
    out: list[AwsCall] = []
    for _, found in file_summaries(cache, files, "aws", _file_calls):
        out.extend(found)
    return out


def _file_calls(module: JsModule) -> tuple[AwsCall, ...]:
    return tuple(_Finder(module).run()) if holds_any(module.source, SDK_MARKERS) else ()
