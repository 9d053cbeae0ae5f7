"""Template filters that show the access log's codes as words (see core/audit_labels.py)."""

from __future__ import annotations

from django import template

from vangnet.core import audit_labels

register = template.Library()
register.filter("role_label", audit_labels.role_label)
register.filter("record_type_label", audit_labels.record_type_label)
register.filter("access_point_label", audit_labels.access_point_label)
