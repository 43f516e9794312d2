"""Writes XML-RPC messages exactly as Python's xmlrpc.client.dumps does.

Run by tests/interop_decode.rs into a temporary directory, and once into
tests/vectors/interop/ to keep checked-in copies:
    python3 gen_python.py <out-dir>
"""
import os
import sys
import xmlrpc.client as x

out = sys.argv[1]


def write(name, text, encoding="utf-8"):
    with open(os.path.join(out, name), "wb") as f:
        f.write(text.encode(encoding))


write("python_call_scalars.xml", x.dumps(
    (1, -2147483648, True, "a<b>&c\r\n\t\u00e9\U0001F600", 1.5, 1e16, -0.0,
     x.DateTime("20240229T23:59:59"), x.Binary(b"\x00\x01\xff" * 30), None),
    "demo.scalars", allow_none=True))
write("python_call_nested.xml", x.dumps(
    ({"name": "x", "list": [1, [2, "three"], {}], "empty": ""},), "demo.nested"))
write("python_call_noparams.xml", x.dumps((), "system.listMethods"))
write("python_response.xml", x.dumps(([1, "two", 3.0],), methodresponse=True))
write("python_fault.xml", x.dumps(x.Fault(4, "Too many parameters <&>"), methodresponse=True))
write("python_latin1.xml", x.dumps(("caf\u00e9 \u00fcber",), "latin", encoding="iso-8859-1"),
      "iso-8859-1")
