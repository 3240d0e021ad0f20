"""Playing a planned story through the real service verbs, then backdating it.

Every demo message, event and reporting event is written by the same verbs the web
and the API use; only the timestamps are moved afterwards (see ``backdating``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from rapport.accounts.models import Team, User
from rapport.contacts.models import Customer
from rapport.demo.backdating import DemoClock, backdate_ticket
from rapport.demo.files import make_file
from rapport.demo.plans import Step, TicketPlan
from rapport.demo.roster import seeded_random
from rapport.tickets import services
from rapport.tickets.models import Ticket
from rapport.tickets.services import Body


@dataclass
class Cast:
    """The database objects the plans refer to by name."""

    agents: dict[str, User]
    customers: dict[str, Customer]  # by primary email
    teams: dict[str, Team]


class Player:
    def __init__(self, cast: Cast, *, seed: int) -> None:
        self.cast = cast
        self.rng = seeded_random(seed)  # only for file contents
        self._verbs: dict[str, Callable[[Ticket, Step, TicketPlan], None]] = {
            "triage": self._triage, "note": self._note, "reply": self._reply,
            "customer": self._customer, "tags": self._tags, "fields": self._fields,
            "priority": self._priority, "status": self._status,
        }

    def play(self, plan: TicketPlan) -> Ticket:
        clock = DemoClock()
        first, *rest = plan.steps
        clock.step(first.at)
        ticket = self._open(first, plan)
        for step in rest:
            clock.step(step.at)
            self._verbs[step.verb](ticket, step, plan)
        backdate_ticket(ticket.pk, clock)
        return ticket

    def _body(self, step: Step, plan: TicketPlan) -> Body:
        files = [make_file(kind, self.rng, plan.context, step.at) for kind in step.files]
        return Body(text=step.text, files=files)

    def _agent(self, step: Step) -> User:
        return self.cast.agents[step.actor]

    def _open(self, step: Step, plan: TicketPlan) -> Ticket:
        by_agent = step.verb == "call_log"
        if not by_agent and step.verb != "open":
            raise ValueError(f"a story starts with open or call_log, not {step.verb}")
        customer = self.cast.customers[plan.customer.email]
        return services.create_ticket(
            actor=self._agent(step) if by_agent else customer,
            requester=customer, subject=plan.subject, body=self._body(step, plan),
            channel=plan.channel, priority=plan.priority_at_open,
            team=self.cast.teams[plan.team] if plan.team_at_open else None,
            assignee=self._agent(step) if by_agent else None,
            fields=plan.fields_at_open, metadata=plan.metadata,
        )

    def _triage(self, ticket: Ticket, step: Step, plan: TicketPlan) -> None:
        services.assign(
            ticket, actor=self._agent(step), assignee=self.cast.agents[step.data["assignee"]],
            team=self.cast.teams[step.data["team"]], change_team=True,
        )

    def _note(self, ticket: Ticket, step: Step, plan: TicketPlan) -> None:
        services.add_note(ticket, actor=self._agent(step), body=self._body(step, plan))

    def _reply(self, ticket: Ticket, step: Step, plan: TicketPlan) -> None:
        services.post_reply(ticket, actor=self._agent(step), body=self._body(step, plan),
                            status=step.status or None, channel=step.channel or None)

    def _customer(self, ticket: Ticket, step: Step, plan: TicketPlan) -> None:
        customer = self.cast.customers[plan.customer.email]
        services.post_reply(ticket, actor=customer, body=self._body(step, plan),
                            channel=step.channel or None)

    def _tags(self, ticket: Ticket, step: Step, plan: TicketPlan) -> None:
        services.change_tags(ticket, actor=self._agent(step), add=step.data["add"])

    def _fields(self, ticket: Ticket, step: Step, plan: TicketPlan) -> None:
        services.update_fields(ticket, actor=self._agent(step), values=step.data["values"])

    def _priority(self, ticket: Ticket, step: Step, plan: TicketPlan) -> None:
        services.set_priority(ticket, actor=self._agent(step), priority=step.data["priority"])

    def _status(self, ticket: Ticket, step: Step, plan: TicketPlan) -> None:
        services.set_status(ticket, actor=self._agent(step), status=step.status)
