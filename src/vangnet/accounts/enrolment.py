"""Printing a second-factor key for an authenticator app (create-staff, reset-second-factor)."""

from __future__ import annotations

from typing import TextIO, cast

import segno
from django.core.management.base import OutputWrapper


def print_enrolment(out: OutputWrapper, provisioning_uri: str) -> None:
    out.write("Scan this code with an authenticator app:")
    segno.make(provisioning_uri).terminal(out=cast(TextIO, out), compact=True)
    out.write(provisioning_uri)
