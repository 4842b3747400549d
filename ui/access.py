"""Who may change things on this machine: the teacher, or a viewer who watches, replays and explores.

By default the app listens on the loopback interface only (`server.address` in .streamlit/config.toml,
and `python -m ui.launch`, which `make app` runs), so every browser is on this machine and may do
everything. Sharing with a class is a choice: `make share` (`python -m ui.launch --share`) listens on
every interface and needs a teacher password (PASSWORD_VARIABLE). There, a browser on another machine
is a viewer: it watches, replays and explores every stored run, but cannot train, upload, delete or
start a sweep or a branch on the teacher's machine, unless it signs in with that password (the
sidebar's "Teacher sign-in", `sign_in`).

The role comes from the connection itself: the TCP peer of the session's WebSocket (which a browser
cannot choose; uvicorn replaces it by X-Forwarded-For only for a proxy on this machine, its default
`forwarded_allow_ips`), never from st.context.ip_address's "None for localhost", which also reads
None where there is no peer at all. A loopback peer is the teacher only when the page was asked for
by a loopback name (Host localhost, 127.x.x.x or [::1]): a web page whose own name resolves to
127.0.0.1 (DNS rebinding) reaches the server from the loopback too, but under its own name. A proxy
on this machine that forwards visitors without X-Forwarded-For makes every visitor local: put the
password in front of such a proxy, or share with `--share` instead.

The controls that change things are disabled or absent for a viewer, with `VIEWER_LINE` saying why,
and the functions behind them refuse too (`require_change`), so a crafted click changes nothing.
"""
from __future__ import annotations

import hmac
import ipaddress
import os
import threading
import time
from urllib.parse import urlsplit

import streamlit as st

PASSWORD_VARIABLE = "DEEPCLUST_SHARE_PASSWORD"
VIEWER_LINE = "Viewers watch, replay and explore; sign in as the teacher to train, upload or delete."
SIGNED_IN = "access:teacher"  # session state: this session gave the teacher's password
WRONG_PASSWORD_WAIT = 1.0  # seconds a wrong password holds every sign-in of the server: about one guess a second
LOOPBACK_NAMES = {"localhost", "localhost.", "ip6-localhost"}

_checking = threading.Lock()


def _client_context():
    """The session's connection (its peer and the handshake's headers), or None outside a served session."""
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None or not runtime.exists():
        return None
    client = runtime.get_instance().get_client(context.session_id)
    return None if client is None else client.client_context


def peer() -> str | None:
    """The IP address at the other end of this session's connection; None where there is no network peer
    (AppTest and bare mode, which run on this machine, or a Unix socket)."""
    context = _client_context()
    address = getattr(context, "remote_ip", None)
    return address if isinstance(address, str) else None  # AppTest's runtime is a mock: its peer is no string


def host() -> str | None:
    """The host name the browser asked for (the Host header of the WebSocket handshake, without the port)."""
    context = _client_context()
    try:
        value = dict((name.lower(), v) for name, v in context.headers).get("host") if context is not None else None
    except TypeError:  # AppTest's mocked headers
        return None
    if not isinstance(value, str):
        return None
    try:
        return urlsplit(f"//{value}").hostname or ""  # lower case, without port or brackets
    except ValueError:  # not a host name: never a loopback one
        return ""


def _is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # no IPv6 zone
    except ValueError:
        return False
    return (getattr(ip, "ipv4_mapped", None) or ip).is_loopback  # ::ffff:127.0.0.1 on a dual-stack socket


def is_local(address: str | None, asked_host: str | None) -> bool:
    """A session on this machine: no network peer, or a loopback peer that asked for a loopback name."""
    if address is None:
        return True
    if not _is_loopback(address):
        return False
    return asked_host is None or asked_host in LOOPBACK_NAMES or _is_loopback(asked_host)


def can_change() -> bool:
    """May this session train, upload, delete or start a sweep or a branch on this machine?"""
    return is_local(peer(), host()) or bool(st.session_state.get(SIGNED_IN))


def require_change() -> None:
    """The server's own check, in every function that changes something: a viewer's request stops here."""
    if not can_change():
        raise PermissionError(VIEWER_LINE)


def explain() -> None:
    """Say, in place of a control a viewer cannot use, why it is not there (returns None for `return explain()`)."""
    st.caption(VIEWER_LINE)


def why_not() -> str | None:
    """The help of a control disabled for a viewer (None for the teacher)."""
    return None if can_change() else VIEWER_LINE


def password() -> str:
    """The teacher's password for this server ('' when none is set: nobody can sign in)."""
    return os.environ.get(PASSWORD_VARIABLE, "")


def password_matches(given: str) -> bool:
    """Compare in constant time; a wrong password holds the check (for every session) for WRONG_PASSWORD_WAIT."""
    expected = password()
    with _checking:
        matches = bool(expected) and hmac.compare_digest(given.encode(), expected.encode())
        if not matches:
            time.sleep(WRONG_PASSWORD_WAIT)
    return matches


def _check_password() -> None:
    given, st.session_state["access:password"] = st.session_state.get("access:password", ""), ""
    st.session_state[SIGNED_IN] = password_matches(given)
    st.session_state["access:wrong"] = not st.session_state[SIGNED_IN]


def _sign_out() -> None:
    st.session_state[SIGNED_IN] = st.session_state["access:wrong"] = False


def sign_in() -> None:
    """The sidebar's teacher sign-in, drawn only for a session from another machine."""
    if is_local(peer(), host()):
        return
    with st.expander("Teacher sign-in", expanded=st.session_state.get("access:wrong", False)):
        if st.session_state.get(SIGNED_IN):
            st.caption("Signed in as the teacher: this tab may train, upload and delete.")
            st.button("Sign out", key="access:sign_out", on_click=_sign_out)
            return
        st.caption(VIEWER_LINE)
        if not password():
            st.caption("No teacher password is set on this server, so nobody can sign in from here.")
            return
        st.text_input("Teacher password", type="password", key="access:password", on_change=_check_password)
        if st.session_state.get("access:wrong"):
            st.error("Wrong password.", icon=":material/lock:")
