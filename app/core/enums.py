"""Helpers for storing Python enums as readable strings on every backend."""

from sqlalchemy import Enum


def string_enum(enum_class, length: int = 24) -> Enum:
    return Enum(enum_class, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])
