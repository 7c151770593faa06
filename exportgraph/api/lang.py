"""The reader's language, shared by the page routes (a leaf: it imports nothing of ours)."""

from __future__ import annotations

from fastapi import Request

LANGS = ("en", "zh", "ja")


def reader_language(request: Request) -> str:
    """The reader's language: ?lang=, else the first of en/zh/ja in Accept-Language, else English."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGS:
            return tag
    return "en"
