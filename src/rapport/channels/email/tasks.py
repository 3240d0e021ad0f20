"""Background jobs of the email channel."""

from django_tasks import task


@task()
def process_inbound() -> int:
    """Process every stored mail still pending; returns how many were handled."""
    from rapport.channels.email.inbound.process import process_pending

    return process_pending()


def queue_leftover_mail() -> bool:
    """Queue processing when stored mail is still pending (after a crash or an outage)."""
    from rapport.channels.email.inbound.store import queue_processing
    from rapport.channels.email.models import InboundEmail, InboundStatus

    if not InboundEmail.objects.filter(status=InboundStatus.PENDING).exists():
        return False
    queue_processing()
    return True
