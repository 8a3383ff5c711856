"""`engine._internal_host` tells a host name from an address without `ipaddress` raising.

A URL's fixed origin (`https://api.example/...`) is no server-side request forgery unless
its host is the function's own machine or network. Most origins name a host, and
`ipaddress.ip_address` raised (and formatted) two errors for each before it said so; a
host holding a character no address text holds is now a name at once. These tests pin
the answers to what asking `ipaddress` for every host gave.
"""

from __future__ import annotations

import ipaddress

import pytest

from faasguard.analysis.taint.engine import _INTERNAL_NAMES, _internal_host, origin_host


def _asked_ipaddress(origin: str) -> bool:
    """`_internal_host` as it was: every host not named internal goes to `ipaddress`."""
    host = origin_host(origin)
    if host in _INTERNAL_NAMES or host.endswith(".localhost") or host.endswith(".internal"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or \
        address.is_reserved or address.is_unspecified


ORIGINS = [
    "https://api.partner.example/", "https://api.example:8443/", "http://user@host.example/",
    "http://abc.def/", "http://cafe.bad/", "http://1e100.net/", "http://0x7f.0.0.1/",
    "http://127.1/", "http://10.0.3.7:8080/", "http://169.254.169.254/", "http://8.8.8.8/",
    "http://localhost:2773/", "http://svc.internal/", "http://[::1]/", "http://[fd00::abcd]:80/",
    "http://[2001:db8::1]/", "http://[2a00:1450:4001::1]/", "http://[::ffff:10.0.0.1]/",
    "http://[fe80::1%eth0]/", "http://[FE80::1%25en0]/", "http://[2a00:1450::1%x]/",
    "http://EXAMPLE.COM./", "http://0.0.0.0/", "http://[::]/", "http:///", "http://-/",
]


@pytest.mark.parametrize("origin", ORIGINS)
def test_internal_host_answers_as_ipaddress_did(origin: str) -> None:
    assert _internal_host(origin) == _asked_ipaddress(origin)


def test_the_hosts_cover_both_answers_and_scoped_addresses() -> None:
    """The list holds internal and public addresses of both families, names that are all
    hexadecimal letters (`abc.def`: asked, not an address), and IPv6 scopes (`%eth0`:
    any characters, so asked too)."""
    answers = {origin: _internal_host(origin) for origin in ORIGINS}
    assert answers["http://abc.def/"] is False
    assert answers["http://[fe80::1%eth0]/"] is True
    assert answers["http://[2a00:1450::1%x]/"] is False
    assert answers["http://10.0.3.7:8080/"] is True
    assert answers["http://8.8.8.8/"] is False
    assert answers["http://[fd00::abcd]:80/"] is True
