from tests.cases.conftest import (  # noqa: F401 - the cases fixtures, shared
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
