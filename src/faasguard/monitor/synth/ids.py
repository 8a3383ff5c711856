"""Identifiers and addresses drawn from a seeded random generator."""

from __future__ import annotations

import random
import string

_B64 = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"


class Ids:
    """Request ids, API Gateway ids, IP addresses... all from one `random.Random`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def uuid(self) -> str:
        """A random UUID (version 4 layout)."""
        value = f"{self.rng.getrandbits(128):032x}"
        return (f"{value[:8]}-{value[8:12]}-4{value[13:16]}-"
                f"{'89ab'[int(value[16], 16) % 4]}{value[17:20]}-{value[20:]}")

    def apigw_id(self) -> str:
        """An HTTP API request id (``Xk2abcDEFgoEJ3Q=``)."""
        return "".join(self.rng.choices(_B64, k=15)) + "="

    def hex(self, length: int) -> str:
        """`length` random hex digits."""
        return "".join(self.rng.choices(_HEX, k=length))

    def client_ip(self, index: int) -> str:
        """The address of ordinary client `index`: spread over a few public-looking /16s.

        Attackers use TEST-NET-3 (203.0.113.0/24) and 198.18.0.0/15, never these.
        """
        blocks = ((81, 2), (88, 130), (91, 64), (100, 34), (145, 14), (176, 9), (185, 76))
        first, second = blocks[index % len(blocks)]
        host = index // len(blocks)
        return f"{first}.{second + host // 65025 % 50}.{host // 255 % 255}.{host % 255 + 1}"
