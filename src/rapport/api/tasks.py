"""Background jobs of the API: forgetting idempotency records past their window."""

import logging

from django_tasks import task

from rapport.api.idempotency import prune

logger = logging.getLogger(__name__)


@task()
def prune_idempotency() -> int:
    """Delete idempotency records older than RAPPORT_IDEMPOTENCY_TTL; schedule it daily."""
    deleted = prune()
    logger.info("pruned %d idempotency records", deleted)
    return deleted
