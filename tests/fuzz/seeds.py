#!/usr/bin/env python3
"""seeds.py: write the starting corpus of each harness into tests/fuzz/corpus/NAME/.

The protobuf seeds are encoded by hand (a few lines below) from proto/eiso.proto, so no
generated code is needed: valid messages of each kind, and some with the faults the hostile
tests found (NUL inside an agency id, invalid UTF-8, wrong sizes). libFuzzer grows the corpus
from these; `make fuzz` keeps what it finds in build-fuzz/, and `make fuzz-merge` adds the
inputs that reach new code to the tree.
Run from the tree's root: tests/fuzz/seeds.py
"""
import hashlib
import os
import struct


def varint(n):
    out = b""
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def f_int(num, n):
    return varint(num << 3) + varint(n)


def f_bytes(num, b):
    if isinstance(b, str):
        b = b.encode()
    return varint(num << 3 | 2) + varint(len(b)) + b


def person(name, pos, at):
    return f_bytes(1, name) + f_bytes(2, pos) + f_int(3, at)


def doc_issue(code="QT-01", title="Quy trình kiểm soát tài liệu", status="effective", issue=1,
              extra=b""):
    return (f_bytes(1, code) + f_bytes(2, title) + f_bytes(3, "procedure") + f_int(4, issue) +
            f_bytes(5, status) + f_bytes(6, "public") + f_bytes(8, f_bytes(1, b"\x11" * 32) +
            f_int(2, 1234) + f_bytes(3, "qt-01.pdf") + f_bytes(4, "application/pdf") + f_int(5, 3)) +
            f_bytes(9, person("Trần Thị B", "Chuyên viên", 1795000000000)) +
            f_bytes(11, person("Nguyễn Văn A", "Giám đốc", 1795000000000)) +
            f_bytes(12, "2026-01-01") + f_int(13, 12) + f_bytes(14, "2027-01-01") +
            f_int(15, 10) + f_bytes(18, "Văn phòng") + f_bytes(19, "vi") + extra)


def record_file():
    return (f_bytes(1, "000.00.20.H55.02.HS-2026") + f_bytes(2, "000.00.20.H55") +
            f_bytes(3, "02") + f_bytes(4, "HS-2026") + f_bytes(5, "Hồ sơ TTHC 2026") +
            f_int(6, 10) + f_bytes(8, "internal") + f_bytes(10, "2026-01-02") +
            f_bytes(15, "open") + f_int(16, 1795000000000))


def case():
    return (f_bytes(1, "HS-0001") + f_bytes(2, "1.004227") + f_int(3, 1795000000000) +
            f_int(4, 1795500000000) + f_bytes(6, "received") + f_bytes(7, "Phòng Tư pháp") +
            f_int(10, 1795000000000))


def change(i, op_num, op):
    return f_int(1, i) + f_int(2, 1795000000000 + i) + f_bytes(op_num, op)


def body(agency="vp-fuzz", seq=1, prev=b"\0" * 32, changes=None):
    if changes is None:
        changes = [change(1, 10, doc_issue())]
    out = f_bytes(1, agency) + f_int(2, seq) + f_bytes(3, prev) + f_int(4, 1795000000000)
    for c in changes:
        out += f_bytes(5, c)
    return out


def envelope(num, msg):
    return f_bytes(num, msg)


def write(name, seeds):
    d = os.path.join("tests/fuzz/corpus", name)
    os.makedirs(d, exist_ok=True)
    for label, data in seeds:
        if isinstance(data, str):
            data = data.encode()
        h = hashlib.sha1(data).hexdigest()[:12]
        with open(os.path.join(d, "seed-%s-%s" % (label, h)), "wb") as f:
            f.write(data)


bodies = [
    ("doc", body()),
    ("three-kinds", body(changes=[change(1, 10, doc_issue()), change(2, 11, record_file()),
                                  change(3, 12, case())])),
    ("seq5", body(seq=6, prev=b"\xab" * 32)),
    ("nul-agency", body(agency=b"vp-fuzz\0vp-victim")),
    ("bad-utf8", body(changes=[change(1, 10, doc_issue(title=b"ok\0\xff\xfe"))])),
    ("superseded", body(changes=[change(1, 10, doc_issue(status="superseded",
                                                         extra=f_int(22, 2)))])),
    ("short-hash", body(prev=b"\0" * 5)),
    ("empty", b""),
]
write("chain", bodies)
write("envelope", [("hello", envelope(1, f_int(1, 1) + f_bytes(2, "vp-fuzz") + f_int(3, 7)))] +
      [("cs-" + l, envelope(3, f_bytes(1, b) + f_bytes(2, b"\0" * 64))) for l, b in bodies[:4]] +
      [("ping", envelope(8, f_int(1, 42) + f_int(2, 3))),
       ("fetch-log", envelope(10, f_int(1, 1) + f_int(2, 64))),
       ("blob-chunk", envelope(7, f_bytes(1, b"\x11" * 32) + f_int(2, 0) + f_int(3, 4) +
                               f_bytes(4, b"data"))),
       ("two-msgs", envelope(1, f_int(1, 1)) + envelope(8, f_int(1, 1))),
       ("truncated", envelope(3, f_bytes(1, body()))[:-9])])
write("conf", [
    ("hub", "[hub]\nlisten = tcp://127.0.0.1:7700\ndata = /var/lib/eiso\n[ingest]\nmax_batch = 4096\n"
            "[web]\nlisten = 127.0.0.1:7790\ntargets = district=80 commune=30\n"),
    ("comments", "; comment\n# another\n[hub]\n  listen=tcp://0.0.0.0:1 ; trailing\n\n"),
    ("bad-number", "[ingest]\nmax_batch = 12abc\n"),
    ("range", "[ingest]\nmax_batch = 99999999999999999999999\n"),
    ("unknown", "[nope]\nx = 1\n"),
    ("no-section", "listen = x\n"),
    ("long", "[hub]\nlisten = " + "x" * 300 + "\n"),
    ("nul", b"[hub]\nlisten = a\0b\n"),
    ("utf8", "[web]\nname = Sở Khoa học và Công nghệ\n"),
])
write("text", [("vi", "Hồ sơ đăng ký kinh doanh — Đà Nẵng"), ("ascii", "ho so dang ky"),
               ("bad-utf8", b"ho\xff so \xc3"), ("combining", "e\u0301 \u1ebf"),
               ("long-word", "a" * 300), ("nul", b"a\0b"), ("cjk", "漢字 テスト")])
write("http", [("query", "q=h%E1%BB%93+s%C6%A1&agency=vp-skhcn&limit=50\n/agency/vp-skhcn/docs/QT-01"),
               ("tab", "next=/%09/evil.example\n/%09/evil.example"),
               ("bad", "q=%ff%zz%\n//\\\\x"), ("cookie", "a=1; eiso_session=abc; b=2\nBearer 0123"),
               ("listen", "127.0.0.1:7790\n[::1]:80\n999.1.1.1:1"),
               ("path", "/static/../../etc/passwd\n/api/v1/agencies/%2e%2e")])
