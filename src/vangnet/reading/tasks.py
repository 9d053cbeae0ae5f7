"""Background work of the reading tools, on django-tasks (database backend: SQLite or
PostgreSQL, no extra service). `make run` starts a worker (`vangnet db_worker`)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskContext, task

MAX_ATTEMPTS = 3


@task(takes_context=True)
def read_conversation(context: TaskContext, conversation_pk: int, attempt: int = 1) -> None:
    """Suggestions + de-identified copy for one ended chat; retried twice on failure.

    A failed run stays FAILED in the task results (admin: Django Tasks DB) and on the reading
    itself; the retry is a new task run a minute later, so the failure remains visible.
    """
    from vangnet.core import metrics
    from vangnet.reading import services

    try:
        services.read(conversation_pk)
    except Exception as error:
        metrics.task_failed("read_conversation")
        services.record_failure(conversation_pk, error, attempt)
        if attempt < MAX_ATTEMPTS:
            read_conversation.using(run_after=timezone.now() + timedelta(minutes=attempt)).enqueue(
                conversation_pk, attempt=attempt + 1
            )
        raise
