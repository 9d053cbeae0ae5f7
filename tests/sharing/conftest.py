"""Shares are made from cases: the cases tests' people, partners and cases serve here too."""

from tests.cases.conftest import (  # noqa: F401 - fixtures, found by name
    add_parent,
    case_worker,
    colleague,
    conversation,
    counsellor,
    make_case,
    police,
    police_officer,
    police_staff,
    veilig_thuis,
    worker_client,
    worker_staff,
)
