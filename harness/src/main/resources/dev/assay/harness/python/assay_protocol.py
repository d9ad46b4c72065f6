"""The handshake the executor hands every Python run (harness/PROTOCOL.md "Handshake"), shared by the test harness
and the analyzer. Standard library only, and loaded by path: under -I the scripts' own folder is not on sys.path."""
import json
import os

HANDSHAKE_ENV = "ASSAY_HANDSHAKE_FILE"


def _read_all(fd):
    data = bytearray()
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return data
        data += chunk


def read_handshake():
    """(handshake without the nonce, nonce as ASCII bytes), read to end-of-file from standard input — or from the
    file ASSAY_HANDSHAKE_FILE names (Kubernetes), which is unlinked once read. The buffer is wiped. Raises when there
    is no valid handshake."""
    path = os.environ.pop(HANDSHAKE_ENV, None)
    if path:
        fd = os.open(path, os.O_RDONLY)
        try:
            data = _read_all(fd)
        finally:
            os.close(fd)
        os.unlink(path)
    else:
        data = _read_all(0)
    end = data.find(b"\n")
    handshake = json.loads(bytes(data[:end] if end >= 0 else data).decode("utf-8"))
    for i in range(len(data)):
        data[i] = 0
    nonce = handshake.pop("nonce", None)
    if type(nonce) is not str or len(nonce) != 64 or any(c not in "0123456789abcdef" for c in nonce):
        raise ValueError("handshake without a valid nonce")
    return handshake, nonce.encode("ascii")
