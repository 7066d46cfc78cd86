"""The error body every API failure uses."""

from __future__ import annotations

from ninja import Schema


class FieldError(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    message: str
    errors: list[FieldError] = []
