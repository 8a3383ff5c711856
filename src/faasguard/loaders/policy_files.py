"""IAM policy documents kept in files of their own (Chalice's `.chalice/policy-<stage>.json`
and `iam_policy_file`, Zappa's `attach_policy`), read with line numbers.

The file is read by the line-aware reader of `loaders.documents` (JSON is YAML to
libyaml), so each statement is located at the line it starts on, as the statements of a
serverless.yml or a SAM template are.
"""

from __future__ import annotations

import os

from faasguard.loaders import LoadContext
from faasguard.loaders.documents import InputError, load_file
from faasguard.loaders.iam import statements_from_document
from faasguard.model import Statement


def policy_file_statements(ctx: LoadContext, rel: str) -> list[Statement]:
    """The statements of the policy document at `rel` (relative to the scanned root).

    Raises `InputError` when the file cannot be read or parsed; its message names the
    line of the problem in that file (the caller reports it against its own settings).
    """
    try:
        document = load_file(os.path.join(ctx.root, rel), ctx.max_bytes).data
    except InputError as exc:
        where = f"line {exc.line}: " if exc.line else ""
        raise InputError(where + exc.message) from None
    return statements_from_document(document, rel)
