"""`rotaplan user add` and `rotaplan serve` on the command line."""

from __future__ import annotations

from click.testing import CliRunner

from rotaplan.cli import main


def run(*args, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def test_user_add_hashes_the_password_and_refuses_bad_input_with_exit_2(tmp_path):
    db = str(tmp_path / "runs.sqlite")
    r = run("user", "add", "li", "--role", "clerk", "--password-stdin", "--db", db, stdin="Li-Secret-2219\n")
    assert r.exit_code == 0, r.output
    assert "User li (clerk) added" in r.output and "Li-Secret-2219" not in r.output
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("runs.sqlite*"))
    assert b"Li-Secret-2219" not in raw and b"$argon2id$" in raw
    r = run("user", "add", "li", "--role", "viewer", "--password-stdin", "--db", db, stdin="Another-Pass-1\n")
    assert r.exit_code == 2 and "exists already" in r.output and "Traceback" not in r.output
    r = run("user", "add", "wu", "--role", "clerk", "--password-stdin", "--db", db, stdin="short\n")
    assert r.exit_code == 2 and "at least 8 characters" in r.output
    r = run("user", "add", "wu", "--role", "boss", "--password-stdin", "--db", db, stdin="Long-enough-1\n")
    assert r.exit_code == 2 and "admin" in r.output  # click names the roles
    r = run("user", "add", "wu", "--role", "viewer", "--db", db, stdin="Wu-Secret-3391\nWu-Secret-3391\n")
    assert r.exit_code == 0 and "Wu-Secret-3391" not in r.output  # prompted twice, not echoed


def test_serve_help_says_where_it_listens_and_how_to_make_the_first_user():
    r = run("serve", "--help")
    assert r.exit_code == 0
    assert "127.0.0.1" in r.output and "0.0.0.0" in r.output and "rotaplan user add NAME --role admin" in r.output
