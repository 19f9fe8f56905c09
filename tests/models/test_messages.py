"""The message catalogue: every message in both languages, with the same fields in each."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import rotaplan
from rotaplan.models import messages


def _import_everything() -> None:
    """Messages register when their module is imported: import every module of the package."""
    for mod in pkgutil.walk_packages(rotaplan.__path__, "rotaplan."):
        if ".tests" in mod.name or ".benchmarks" in mod.name or mod.name.endswith(".cli"):
            continue
        importlib.import_module(mod.name)
    importlib.import_module("rotaplan.cli")


def test_every_message_has_both_languages_with_the_same_fields():
    _import_everything()
    for key, m in messages.catalogue().items():
        assert m.en.strip() and m.zh.strip(), key
        assert m.fields("en") == m.fields("zh"), key


def test_a_message_is_filled_in_the_language_asked():
    messages.register({"test.hello": ("Stays at {school}.", "留在{school}。")})
    assert messages.text("test.hello", "en", school="A") == "Stays at A."
    assert messages.text("test.hello", "zh", school="甲") == "留在甲。"
    with pytest.raises(ValueError):
        messages.text("test.hello", "fr", school="A")
    with pytest.raises(ValueError):
        messages.register({"test.hello": ("Other text {school}.", "别的{school}。")})
    with pytest.raises(ValueError):
        messages.register({"test.fields": ("{a} and {b}", "{a}")})


def test_chinese_texts_of_problems_notes_and_the_terminal_use_full_width_punctuation():
    _import_everything()
    areas = ("input.", "policy.", "plan.", "whatif.", "note.", "cli.")
    checked = 0
    for key, m in messages.catalogue().items():
        if not key.startswith(areas):
            continue
        checked += 1
        zh = re.sub(r"\{[^}]*\}|\[/?[a-z ]*\]", "", m.zh)  # fields, rich markup
        zh = re.sub(r"“[^”]*”|`[^`]*`|\"draft\": true|\d,\d{3}", "", zh)  # quoted syntax, 20,000
        assert not re.search(r"[,;:()]", zh), (key, m.zh)
        assert re.search(r"[\u4e00-\u9fff]", zh) or not re.search(r"[A-Za-z]{3,}", zh), (key, m.zh)
    assert checked > 250


def _problem_calls(path: Path) -> list[int]:
    """Lines of `path` that build a Problem from an English sentence (Problem(...) rather than Problem.of)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.lineno for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "Problem"]


def test_every_problem_sentence_of_the_input_checks_is_a_message():
    """models/ (readers, tables, validate, scenario, policy, plan reading, YAML) and the what-ifs word each
    problem through the catalogue, so it can be shown in Chinese; outputs.py's refusals (OutputError) are
    messages of their own."""
    root = Path(rotaplan.__path__[0])
    files = [*sorted((root / "models").glob("*.py")), root / "scenarios" / "whatif.py"]
    found = {f.name: _problem_calls(f) for f in files if f.name not in ("errors.py", "outputs.py")}
    assert {k: v for k, v in found.items() if v} == {}
    assert len(found) > 10
