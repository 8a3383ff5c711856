"""Event injection: attacker-controlled event data reaching a dangerous sink.

The taint analysis (analysis.taint) leaves one `Flow` per source-to-sink path in
`facts.flows`; each rule here reports the flows of one sink category. Severity rises one
level when the flow starts at a public route without an authoriser (or a function URL
with AuthType NONE), falls one level when the source is not attacker-controlled (a
schedule, a stage variable), and falls one level with low confidence for code that no
handler reaches (a shared library analysed on its own).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from faasguard.analysis.facts import Facts
from faasguard.analysis.taint.flows import Flow
from faasguard.findings import SEVERITIES, Finding, make_finding, rule
from faasguard.model import App, Location, logical_id

_OWASP = "OWASP Serverless Top 10: SAS-1 Function Event-Data Injection"


@dataclass(frozen=True)
class _Spec:
    rule_id: str
    category: str
    title: str
    severity: str
    what: str
    description: str
    python: str
    cwe: tuple[int, ...]
    bandit: str


_SPECS = (
    _Spec("FG-INJ-001", "command", "Command injection from event data", "critical",
          "command injection", """
Event data reaches a shell or a program launch (Python: `os.system`, `os.popen`,
`subprocess` with `shell=True` or with a command string, `pexpect`, `os.exec*`/`spawn*`
with a tainted program; Node.js: `child_process.exec`/`execSync`, `shelljs`, `execa`'s
command functions, `spawn`/`execFile` with a tainted program, or tainted arguments under
`shell: true` or `sh -c`). Anyone who can shape the event (an S3 object name, a message,
an HTTP parameter) runs commands inside the function with its role's permissions.
""", "subprocess.run([\"convert\", key, out], check=True)  # an argv list, no shell\n"
         "# if a shell is unavoidable: shlex.quote(key)", (78,), "B602, B605, B607"),
    _Spec("FG-INJ-002", "code", "Code injection from event data", "critical",
          "code injection", """
Event data reaches `eval`, `exec`, `compile`, `__import__`, `importlib.import_module` or
`runpy` (Python), or `eval`, `new Function`, the `vm` module, a `vm2` sandbox, or the
specifier of `import()` / `require()` (Node.js). The attacker's text runs as code inside
the function, with its credentials, or picks the module that runs.
""", "value = ast.literal_eval(text)  # literals only\n"
         "handler = HANDLERS[name]  # dispatch through an allow-list, never import_module",
          (94, 95), "B307, B102"),
    _Spec("FG-INJ-003", "sql", "SQL injection from event data", "high", "SQL injection", """
A SQL statement is built from event data (f-string, `+`, `%`, `.format`, a template
literal) and run with DB-API `execute`, SQLAlchemy `text()`, Django
`raw`/`extra`/`RawSQL`, pandas `read_sql` or the RDS/Redshift Data API (Python), or with
a `pg`/`mysql` client's `query`, knex's `*Raw`, Sequelize's `query`/`literal` or Prisma's
`$queryRawUnsafe` (Node.js). An attacker rewrites the query: reads other rows, changes or
deletes data.
""", "cursor.execute(\"SELECT * FROM users WHERE name = %s\", (name,))  # parameters",
          (89,), "B608, B610, B611"),
    _Spec("FG-INJ-004", "nosql", "NoSQL injection from event data", "high", "NoSQL injection",
          """
A MongoDB query receives an object parsed from the event (operator injection: `{"$ne":
null}` matches every document; `$where` runs JavaScript), or a DynamoDB expression /
PartiQL statement is built from event strings (Python; in Node.js handlers, MongoDB
queries).
""", "users.find_one({\"name\": str(body[\"name\"])})\n"
         "table.query(KeyConditionExpression=Key(\"pk\").eq(user_id))  # conditions API",
          (943,), ""),
    _Spec("FG-INJ-005", "path", "Path traversal from event data", "high",
          "path traversal / local file inclusion", """
A file path built from event data reaches `open`, `os`/`shutil`/`pathlib` file
operations, Flask's `send_file`, the local file of an S3 `download_file`/`upload_file`
(Python), `fs`/`fs-extra` functions or Express's `sendFile`/`download` (Node.js), or an
archive from the event is extracted without a safe filter. `../` sequences (or absolute
paths, or archive members named so) read or overwrite files outside the intended folder:
the function's code, `/proc/self/environ` with its credentials, `/tmp` state shared
between invocations.
""", "name = os.path.basename(key)\npath = os.path.realpath(os.path.join(BASE, name))\n"
         "if not path.startswith(BASE + os.sep):\n    raise ValueError(\"bad path\")",
          (22, 73), "B202"),
    _Spec("FG-INJ-006", "deserialisation", "Unsafe deserialisation of event data", "critical",
          "unsafe deserialisation", """
Event data is deserialised with `pickle`, `marshal`, `shelve`, `jsonpickle`, `dill`,
`cloudpickle`, `joblib`, `numpy.load`, `torch.load` or `yaml.load` with an unsafe loader
(Python), or with `node-serialize`, `serialize-to-js`, `funcster`, `cryo` or js-yaml's
`load` with an unsafe schema (Node.js). These formats construct arbitrary objects:
loading attacker-supplied bytes runs the attacker's code.
""", "data = json.loads(body)  # or yaml.safe_load(text)", (502,), "B301, B302, B403, B506"),
    _Spec("FG-INJ-007", "ssrf", "Server-side request forgery from event data", "high",
          "server-side request forgery", """
A URL or host taken from the event is fetched (`requests`, `urllib`, `httpx`, `aiohttp`,
`urllib3`, `http.client`, a socket; Node.js: `fetch`, `axios`, `got`, `http`/`https`,
`node-fetch`, `undici`, `superagent`...). The attacker makes the function call internal
services, VPC endpoints or other hosts with the function's network position.
""", "host = urlparse(url).hostname\nif host not in ALLOWED_HOSTS:\n"
         "    return {\"statusCode\": 400}\nrequests.get(url, timeout=5)", (918,), "B310"),
    _Spec("FG-INJ-008", "xxe", "XML external entities in event data", "high",
          "XML external entity / entity expansion", """
Event data is parsed as XML with a parser that resolves entities (`lxml` without
`resolve_entities=False`, `xml.dom.minidom`, `xml.sax`, `xml.etree`, `xmltodict`;
Node.js: `libxmljs` with `noent: true`). External entities read local files or reach
internal URLs; nested entities exhaust memory.
""", "from defusedxml.ElementTree import fromstring\ntree = fromstring(body)",
          (611, 776), "B313-B320, B410"),
    _Spec("FG-INJ-009", "template", "Server-side template injection from event data", "high",
          "template injection", """
Event data becomes the *source* of a template (`jinja2.Template(text)`,
`Environment.from_string`, `render_template_string`, Mako, Django's `Template`; Node.js:
`ejs`, Handlebars, Pug, Nunjucks, lodash's `template`...). Template syntax reaches the
language's objects: the attacker runs code.
""", "template = env.get_template(\"welcome.html\")  # fixed template\n"
         "html = template.render(name=name)  # event data only as a value",
          (1336, 94), "B701, B702"),
    _Spec("FG-INJ-010", "redos", "Regular expression built from event data (ReDoS)", "medium",
          "regular-expression denial of service", """
A regular expression pattern comes from the event (`re.compile`, `re.match`, ...; in
Node.js, `RegExp`). A crafted pattern (or input against it) backtracks for minutes: the
function runs to its timeout on every call, and you pay for it.
""", "pattern = re.compile(re.escape(term))  # match the text literally", (1333, 400), ""),
    _Spec("FG-INJ-011", "redirect", "Open redirect from event data", "medium", "open redirect",
          """
The response's `Location` header (or a framework redirect) takes a URL from the event.
Your domain then sends users to the attacker's site: phishing with a trusted link.
""", "if target not in ALLOWED_REDIRECTS:\n    target = \"/\"\n"
         "return {\"statusCode\": 302, \"headers\": {\"Location\": target}}", (601,), ""),
    _Spec("FG-INJ-012", "html", "Reflected cross-site scripting from event data", "medium",
          "reflected cross-site scripting", """
Event data is written unescaped into an HTML response: the body of a Lambda proxy result
whose `Content-Type` header is `text/html`, Chalice's `Response(body=...)` (or Flask,
Django, Starlette responses) with that header or content type, Starlette/FastAPI's
`HTMLResponse` (Python); a proxy result of that type, or Express's `res.send`/`res.write`/
`res.end` after `res.type("html")` or a `text/html` Content-Type (Node.js). A link carrying
`<script>` in a query parameter runs the attacker's script in your site's origin, in the
browser of whoever opens it: their session, their cookies, actions in their name (OWASP
Serverless Top 10 A7). Escaped values (`html.escape`, `markupsafe.escape`; Node.js
`escape-html`, `he.encode`), a template rendered with autoescape or a JSON content type are
not reported.
""", "body = \"<h1>Hello \" + html.escape(name) + \"</h1>\"  # or a template with autoescape",
          (79,), ""),
)


#: The fix in a Node.js handler, per rule (shown for findings in .js/.ts files).
_JAVASCRIPT = {
    "FG-INJ-001": 'execFile("convert", [key, out]);  // an argv array, no shell\n'
                  '// if a shell is unavoidable: quote([key]) from "shell-quote"',
    "FG-INJ-002": "const value = JSON.parse(text);  // data, not code\n"
                  "const handler = HANDLERS[name];  // dispatch through an allow-list",
    "FG-INJ-003": 'await pool.query("SELECT * FROM users WHERE name = $1", [name]);',
    "FG-INJ-004": "await users.findOne({ name: String(body.name) });\n"
                  'new QueryCommand({ KeyConditionExpression: "pk = :id", '
                  "ExpressionAttributeValues: { \":id\": id } })",
    "FG-INJ-005": "const file = path.resolve(BASE, path.basename(key));\n"
                  "if (!file.startsWith(BASE + path.sep)) return { statusCode: 400 };",
    "FG-INJ-006": "const data = JSON.parse(body);  // or yaml.load(text) (js-yaml 4, safe schema)",
    "FG-INJ-007": "const { hostname } = new URL(url);\n"
                  "if (!ALLOWED_HOSTS.has(hostname)) return { statusCode: 400 };",
    "FG-INJ-008": "libxmljs.parseXml(body, { noent: false, nonet: true });",
    "FG-INJ-009": 'const html = ejs.render(TEMPLATE, { name });  // event data only as a value',
    "FG-INJ-010": "const pattern = new RegExp(escapeStringRegexp(term));",
    "FG-INJ-011": 'const target = ALLOWED_REDIRECTS.has(next) ? next : "/";',
    "FG-INJ-012": 'const body = `<h1>Hello ${escapeHtml(name)}</h1>`;  // escape-html',
}


#: A fix that fits the sink better than the rule's own, per rule and the sink's last name
#: (Python's archive extraction: the path check above does not apply to its members).
_SINK_FIXES: dict[str, dict[str, str]] = {
    "FG-INJ-005": {
        "extractall": 'tar.extractall(dest, filter="data")  # members outside dest, links '
                      "and devices refused",
        "extract": 'tar.extract(member, dest, filter="data")  # a member outside dest, a '
                   "link or a device refused",
        "unpack_archive": 'shutil.unpack_archive(archive, dest, filter="data")  # Python '
                          "3.12+: members outside dest refused",
    },
}


def adjusted_severity(base: str, flow: Flow) -> str:
    """The rule's severity for one flow: up for public routes, down for trusted or unreached."""
    rank = SEVERITIES.index(base)
    if flow.reachable and flow.attacker_controlled and flow.public:
        rank -= 1
    if not flow.attacker_controlled:
        rank += 1
    if not flow.reachable:
        rank += 1
    return SEVERITIES[max(0, min(rank, SEVERITIES.index("low")))]


def _findings(spec: _Spec, app: App, facts: Facts) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key in sorted(facts.flows):
        for flow in facts.flows[key]:
            if not isinstance(flow, Flow) or flow.category != spec.category:
                continue
            yield _finding(spec, flow, app, seen)


def _finding(spec: _Spec, flow: Flow, app: App, seen: dict[str, int]) -> Finding:
    function = app.functions.get(flow.function) if flow.function else None
    where = f"function '{logical_id(function.id)}'" if function else \
        f"{flow.entry.split(':', 1)[1]}() (not reached from any handler found)"
    exposure = ""
    if flow.public:
        exposure = " The trigger is public: a route without an authoriser."
    elif not flow.attacker_controlled:
        exposure = " The source is not attacker-controlled (lower risk)."
    message = (f"{spec.what[0].upper()}{spec.what[1:]}: {flow.source} ({flow.source_path}) reaches "
               f"{flow.sink} in {where}.{exposure}")
    related: list[tuple[Location, str]] = list(flow.triggers)
    if function is not None:
        related.append((function.location, f"function {logical_id(function.id)}"))
    subject = f"{spec.category}:{flow.function or flow.entry}:{flow.code}:{flow.sink}:" \
              f"{flow.source_path}"
    count = seen.get(subject, 0)
    seen[subject] = count + 1
    if count:
        subject = f"{subject}#{count}"
    return make_finding(
        spec.rule_id, message, flow.location, subject,
        severity=adjusted_severity(spec.severity, flow),
        related=related, flow=list(flow.steps),
        confidence="high" if flow.reachable else "low",
        remediation=_SINK_FIXES.get(spec.rule_id, {}).get(flow.sink.rsplit(".", 1)[-1]),
        properties={"source": flow.source, "source_path": flow.source_path,
                    "sink": flow.sink, "function": flow.function, "code": flow.code,
                    "public": flow.public, "attacker_controlled": flow.attacker_controlled},
    )


def _register(spec: _Spec) -> None:
    def check(app: App, facts: Facts) -> Iterator[Finding]:
        return _findings(spec, app, facts)

    check.__name__ = f"injection_{spec.category}"
    check.__doc__ = f"{spec.rule_id}: {spec.title}."
    decorate: Callable[[Callable[[App, Facts], Iterator[Finding]]], object] = rule(
        spec.rule_id, spec.title, threat="injection", severity=spec.severity,
        description=spec.description,
        remediation={"python": spec.python, "javascript": _JAVASCRIPT[spec.rule_id]},
        references=(_OWASP, "docs/injection.md"),
        cwe=spec.cwe,
        equivalents={"Bandit": spec.bandit} if spec.bandit else None,
    )
    decorate(check)


for _spec in _SPECS:
    _register(_spec)
