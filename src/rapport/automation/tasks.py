"""Background jobs of automation: triggers after commit, and the periodic passes."""

from django_tasks import task


@task()
def run_triggers(run_id: int) -> list[int]:
    """The triggers of one recorded change (enqueued when the change commits)."""
    from rapport.automation.triggers import evaluate_run

    return evaluate_run(run_id)


@task()
def recover_trigger_runs() -> int:
    """Periodic: changes whose trigger job was lost after commit."""
    from rapport.automation.triggers import recover_pending_runs

    return recover_pending_runs()


@task()
def run_time_rules() -> dict[str, int]:
    """Periodic: the time rules' pass (how many tickets each rule fired for)."""
    from rapport.automation.timerules import run_time_rules as run_pass

    return {str(rule_id): count for rule_id, count in run_pass().items()}
