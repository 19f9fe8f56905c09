"""Accounts, sessions, CSRF tokens and the login rate limit.

Passwords are hashed with argon2id (argon2-cffi) and never stored, logged or audited in clear. A session is
a random cookie value (HttpOnly, SameSite=Lax, Secure over https); the database keeps only its sha256 and
the session's CSRF token, which every form (hidden field `csrf`) and every HTMX request (header
`X-CSRF-Token`) must send back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..models.errors import Problem, ScenarioError
from .store import ROLES, User, WebStore, now

SESSION_COOKIE = "rotaplan_session"
LOGIN_CSRF_COOKIE = "rotaplan_login"
SESSION_SECONDS = 12 * 3600
_hasher = PasswordHasher()


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def add_user(store: WebStore, name: str, role: str, password: str) -> int:
    """Create a user; a bad name, role or password raises ScenarioError (the command line exits 2)."""
    name = name.strip()
    problems = []
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        problems.append(Problem("user", None, "name", name, "a user name is 1 to 64 characters without spaces"))
    if role not in ROLES:
        problems.append(Problem("user", None, "role", role, f"use one of {', '.join(ROLES)}"))
    if len(password) < 8:
        problems.append(Problem("user", None, "password", None, "a password has at least 8 characters"))
    if store.one("SELECT 1 FROM web_users WHERE name = ?", (name,)):
        problems.append(Problem("user", None, "name", name, "this user exists already"))
    if problems:
        raise ScenarioError(problems)
    return store.write("INSERT INTO web_users (name, role, pw_hash, created) VALUES (?, ?, ?, ?)",
                       (name, role, hash_password(password), now()))


def check_password(store: WebStore, name: str, password: str) -> User | None:
    row = store.one("SELECT * FROM web_users WHERE name = ?", (name.strip(),))
    if row is None:
        _hasher.hash(password)  # the same work whether or not the user exists
        return None
    try:
        _hasher.verify(row["pw_hash"], password)
    except (VerificationError, InvalidHashError):
        return None
    return User(row["user_id"], row["name"], row["role"])


def new_session(store: WebStore, user: User) -> str:
    token = secrets.token_urlsafe(32)
    t = time.time()
    store.write("DELETE FROM web_sessions WHERE expires < ?", (t,))  # expired sessions go when someone logs in
    store.write("INSERT INTO web_sessions (token_hash, user_id, csrf, created, expires) VALUES (?, ?, ?, ?, ?)",
                (_sha(token), user.user_id, secrets.token_urlsafe(24), t, t + SESSION_SECONDS))
    return token


def session(store: WebStore, token: str | None) -> tuple[User, str] | None:
    """The user and CSRF token of a live session cookie, else None."""
    if not token:
        return None
    row = store.one("SELECT u.user_id, u.name, u.role, s.csrf, s.expires FROM web_sessions s "
                    "JOIN web_users u ON u.user_id = s.user_id WHERE s.token_hash = ?", (_sha(token),))
    if row is None or row["expires"] < time.time():
        return None
    return User(row["user_id"], row["name"], row["role"]), row["csrf"]


def end_session(store: WebStore, token: str | None) -> None:
    if token:
        store.write("DELETE FROM web_sessions WHERE token_hash = ?", (_sha(token),))


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class RateLimit:
    """At most `attempts` failed logins per user name and client address in `window` seconds."""

    def __init__(self, attempts: int = 5, window: float = 300.0):
        self.attempts, self.window = attempts, window
        self._fails: dict[tuple[str, str], deque] = {}
        self._lock = threading.Lock()

    def blocked(self, name: str, ip: str) -> bool:
        with self._lock:
            q = self._fails.get((name.strip().lower(), ip))
            if not q:
                return False
            while q and q[0] < time.time() - self.window:
                q.popleft()
            return len(q) >= self.attempts

    def failed(self, name: str, ip: str) -> None:
        with self._lock:
            self._fails.setdefault((name.strip().lower(), ip), deque()).append(time.time())

    def succeeded(self, name: str, ip: str) -> None:
        with self._lock:
            self._fails.pop((name.strip().lower(), ip), None)
