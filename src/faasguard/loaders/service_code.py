"""Serverless Framework service files that are code (`serverless.ts`, `.js`, `.mjs`,
`.cjs`), read statically: nothing is compiled, imported or run.

The framework runs such a file and takes the object it exports (`module.exports = x`,
`export default x`, `export = x`) as it would take serverless.yml.
The reader works out that object where its value is written in the source, in four
pieces, each a module:

- loaders.service_code_values: `ServiceReader`, the evaluator of the exported expression
  (what it reads, and what it leaves unknown with a note);
- loaders.service_code_modules: the modules it reads (each parsed once, its top-level
  bindings and exports, imports through relative paths and tsconfig.json names, the
  project's JSON files) and the lines their values are numbered with;
- loaders.service_code_changes: which names a module changes after binding them, its
  scopes followed;
- loaders.service_code_syntax: the values of literals (escapes, numbers) and the
  expression shapes the reader looks through.

This module is the loader's entry: `read_as_service` (is a file so named its folder's
service) and `load` (the evaluated export loaded as serverless.yml is, its secrets
judged, the reader's notes first).

The values carry lines as loaders.documents' do (LDict/LList). Those of an imported
module are numbered past any line the variable resolver uses (`MODULE_LINES`), and
`loaders.serverless_included.relocate` moves what is declared there to that module's file
and line after the load: a function written in src/functions/hello/index.ts is found
there. A file that cannot be read (syntax errors, no export, an export that is not an
object literal) is one diagnostic that says what was not understood; the scan goes on.
"""

from __future__ import annotations

import os
import posixpath
from typing import TYPE_CHECKING

from faasguard.loaders import SERVERLESS_CODE_NAMES, SERVERLESS_NAMES, LoadContext
from faasguard.loaders.documents import InputError
from faasguard.loaders.service_code_modules import MODULE_LINES, ServiceModule
from faasguard.loaders.service_code_values import FUNCTION_EXPORT, ServiceReader
from faasguard.loaders.variables import INCLUDED_LINES
from faasguard.model import App, SourceFile, Unknown

if TYPE_CHECKING:
    from faasguard.analysis.code_facts import FileFacts

__all__ = ["PRINTED_NAMES", "ServiceReader", "load", "read_as_service"]

_HELP = ("To scan it, write the configuration out with `serverless print > "
         "serverless.print.yml` in this folder (it holds resolved values: keep it out of "
         "version control)")
#: the keys a service's configuration holds, one of which the framework requires
_SERVICE_KEYS = frozenset({"service", "provider"})


#: What `serverless print` wrote beside a service file that is code (as faasguard advised
#: before it read them): the resolved configuration, read instead of the code.
PRINTED_NAMES = frozenset({"serverless.print.yml", "serverless.print.yaml"})


def read_as_service(root: str, rel: str, siblings: set[str]) -> bool:
    """Is the service file that is code at `rel` (`siblings`: its folder's file names,
    lower case) the one to read as its folder's service? Not when a serverless.yml, .yaml,
    .json or printed configuration is beside it, or a code file the framework picks before
    it; nor when it is the TypeScript compiler's output of the project's serverless.ts (a
    serverless.js in a tsconfig.json's outDir, such as the template's lib/): the framework
    reads the service folder's serverless.ts, never that copy, which read as a service of
    its own reported every finding of the service a second time."""
    name = posixpath.basename(rel).lower()
    before = SERVERLESS_CODE_NAMES[:SERVERLESS_CODE_NAMES.index(name)]
    if siblings & (SERVERLESS_NAMES | PRINTED_NAMES) or siblings.intersection(before):
        return False
    stem, extension = os.path.splitext(rel)
    if extension.lower() == ".ts":
        return True
    from faasguard.analysis.js.tsconfig import sources_of_output

    return not any(os.path.isfile(os.path.join(root, source + ".ts"))
                   for source in sources_of_output(root, stem))


def load(ctx: LoadContext) -> App:
    """The App fragment of one service file that is code (never raises on bad input): its
    evaluated export loaded as serverless.yml is, with the reader's notes first."""
    from faasguard.analysis.code_facts import FileFacts
    from faasguard.loaders import _template_secrets, finish
    from faasguard.loaders.serverless import load as load_serverless
    from faasguard.loaders.serverless_included import relocate

    reader = ServiceReader(ctx)
    try:
        doc = reader.read()
    except InputError as exc:
        notes = [n for n in reader.notes if (n.file, n.line) != (ctx.file, exc.line)]
        # (`serverless print` would fail too on a function the framework refuses)
        advice = "" if exc.message == FUNCTION_EXPORT else f" {_HELP}"
        return App(root=ctx.root, diagnostics=[*notes, ctx.diagnostic(
            f"{exc.message}: this service's functions, events and IAM roles are not "
            f"modelled (faasguard never runs scanned code).{advice}", exc.line, "warning")])
    if isinstance(doc.data, dict) and _SERVICE_KEYS.isdisjoint(doc.data):
        # no service: a module that happens to be named so (a handler's `src/serverless.ts`
        # beside serverless.yml), which the framework would refuse as one; its code is
        # read as any handler's
        return App(root=ctx.root)
    # the text of every module read: a secret may be written in any of them
    text = "\n".join(module.js.source.decode("utf-8", "replace")
                     for module in reader.modules.values() if module is not None)
    secrets = _template_secrets(doc, text, ctx, "serverless")
    fragment = load_serverless(doc, ctx)
    relocate(fragment, reader.place, ctx.root, (MODULE_LINES + 1) * INCLUDED_LINES)
    if secrets is not None:
        # the imported modules that write values of the configuration are part of it too
        fragment.files.extend(SourceFile(module.rel, "serverless",
                                         facts=_module_facts(module, written, secrets))
                              for module, written in reader.writers())
    main = reader.modules.get(ctx.file.replace(os.sep, "/"))
    for source in fragment.files:
        if source.path == ctx.file:
            # its secrets are judged as serverless.yml's are (FG-DATA-001/002, not
            # FG-DATA-003 a second time), the rest of its code as code
            source.facts = _module_facts(main, reader.written.get(main.rel, {}), secrets) \
                if secrets is not None and main is not None else FileFacts(ctx.file)
    # the JSON files it read are part of the service, as `${file()}`'s are: listed after
    # it, they are not loaded again as templates of their own (scan.load_app)
    fragment.files.extend(SourceFile(path, "serverless") for path, data in reader.data.items()
                          if not isinstance(data, Unknown))
    finish(ctx.root, fragment)
    fragment.root = ctx.root
    fragment.diagnostics[:0] = reader.notes
    return fragment


def _module_facts(module: ServiceModule, written: dict[int, set[str]],
                  secrets: FileFacts) -> FileFacts:
    """The code facts of the service file, or of an imported module that writes values
    of the configuration: the secrets among those values as the template's (`secrets`,
    judged on the document, moved to the module's own lines), and the module's
    JavaScript facts (the code analyses do not read it again), but for a
    secret at a line where the configuration took a string literal judged a secret
    there (it is not hard-coded in code a second time; another literal of that line,
    such as a fallback `process.env.X || '...'`, is still code's)."""
    from dataclasses import replace

    from faasguard.analysis.code_facts import unique_facts
    from faasguard.analysis.js.code_facts import facts_of_root
    from faasguard.analysis.secrets import secret_digest
    from faasguard.analysis.template_secrets import ENV_LITERAL, SECRET_VALUE

    first = (MODULE_LINES + module.index) * INCLUDED_LINES if module.index else 0
    own = [replace(fact, line=fact.line - first) for fact in secrets.facts
           if first < fact.line < first + INCLUDED_LINES]
    judged = {fact.key for fact in secrets.facts if fact.kind in (SECRET_VALUE, ENV_LITERAL)}
    code = [fact for fact in facts_of_root(module.rel, module.js.root,
                                           module.js.dialect).facts
            if fact.kind != "secret" or not any(
                secret_digest(value) in judged for value in written.get(fact.line, ()))]
    return unique_facts(module.rel, own + code)
