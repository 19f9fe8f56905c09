"""The message catalogue: every message in both languages, with the same fields in each."""

from __future__ import annotations

import importlib
import pkgutil

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
