"""One message catalogue for every sentence rotaplan shows a person, in English and Chinese.

A message has a key (``area.name``) and one template per language, filled with ``str.format`` fields.
Reasons in plans, explanations, routes, report and compare pages, and input errors all come from here, so
`--lang zh` (or the policy's ``lang``) changes every output alike. Each area of the code registers its
messages in one place (``register``); `tests/models/test_messages.py` checks that every message has both
languages and the same fields in each.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

LANGS = ("en", "zh")
DEFAULT_LANG = "en"


@dataclass(frozen=True)
class Message:
    key: str
    en: str
    zh: str

    def fields(self, lang: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(getattr(self, lang)) if f}


_CATALOGUE: dict[str, Message] = {}


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add messages {key: (en, zh)}; a key given twice with different text is a programming error."""
    for key, (en, zh) in messages.items():
        m = Message(key, en, zh)
        old = _CATALOGUE.get(key)
        if old is not None and old != m:
            raise ValueError(f"message {key!r} registered twice with different text")
        if m.fields("en") != m.fields("zh"):
            raise ValueError(f"message {key!r}: the English and Chinese texts use different fields")
        _CATALOGUE[key] = m


def check_lang(lang: str | None) -> str:
    """A supported language code ('en' or 'zh'); None gives the default."""
    if lang is None:
        return DEFAULT_LANG
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


@dataclass(frozen=True)
class Say:
    """A field value written differently in each language (a column as `school_id` / `学校代码`)."""

    en: str
    zh: str

    def in_lang(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True)
class Msg:
    """A message of the catalogue used as a field of another (a hint shared by several sentences)."""

    key: str
    fields: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, /, **fields: object) -> Msg:
        return cls(key, tuple(fields.items()))

    def in_lang(self, lang: str) -> str:
        return text(self.key, lang, **dict(self.fields))

    def __str__(self) -> str:
        return self.in_lang(DEFAULT_LANG)


def _field(v: object, lang: str) -> object:
    return v.in_lang(lang) if isinstance(v, (Say, Msg)) else v


def text(key: str, lang: str | None = None, /, **fields: object) -> str:
    """The message `key` in `lang`, its fields filled; a `Say` or `Msg` field is written in `lang` too."""
    m = _CATALOGUE[key]
    lang = check_lang(lang)
    return getattr(m, lang).format(**{k: _field(v, lang) for k, v in fields.items()})


def catalogue() -> dict[str, Message]:
    """Every registered message (for tests and for the web application's label lists)."""
    return dict(_CATALOGUE)


def join(parts: list[str], lang: str | None = None) -> str:
    """Sentences joined the way each language writes them (Chinese: no space between sentences)."""
    parts = [p.strip() for p in parts if p and p.strip()]
    return ("" if check_lang(lang) == "zh" else " ").join(parts)


def school_label(name: str, school_id: str, lang: str | None = None, area: str = "") -> str:
    """A school as a person reads it: its name with the code in brackets (and the area word, if given), e.g.
    "马营第一中学 (S0013)" or, in Chinese, "马营第一中学（S0013，乡村）". A school without a name is its code."""
    zh = check_lang(lang) == "zh"
    name, school_id = str(name or "").strip(), str(school_id or "").strip()
    inside = [x for x in (school_id, area) if x]
    if not name or name == school_id:
        name, inside = school_id, [area] if area else []
    if not inside:
        return name
    return f"{name}（{'，'.join(inside)}）" if zh else f"{name} ({', '.join(inside)})"
