"""One ticket's story: the sequence of steps from the first message to how it ends.

The story is shaped by the ticket's target status (a solved ticket has a resolution,
a pending one waits on the customer...), its channel (a phone ticket starts as the
agent's call log, a chat is terse and fast) and its scenario (files the customer
sends, an invoice the agent attaches). Steps carry offsets from the ticket's creation;
``build`` squeezes them into the time between creation and now.
"""

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rapport.demo.roster import Roster
from rapport.demo.scenarios import TECHNICAL, Scenario, custom_field_values
from rapport.demo.texts import Catalog, agent_message, customer_message, fill
from rapport.tickets.models import Priority

if TYPE_CHECKING:
    from rapport.demo.plans import Step, TicketPlan

MIN_STEP_GAP = timedelta(seconds=1)
SAFETY_MARGIN = timedelta(minutes=2)
_FIRST_REPLY_HOURS = {Priority.URGENT: (0.15, 1), Priority.HIGH: (0.3, 4),
                      Priority.NORMAL: (0.5, 18), Priority.LOW: (2, 30)}


class StoryBuilder:
    def __init__(self, rng: random.Random, cat: Catalog, roster: Roster, plan: "TicketPlan",
                 scenario: Scenario, *, now: datetime) -> None:
        self.rng, self.cat, self.roster, self.plan = rng, cat, roster, plan
        self.scenario = scenario
        self.now = now
        self.texts = cat.scenario(plan.scenario)
        self.ctx = plan.context
        self.chat = plan.channel == "chat"
        self.phone = plan.channel == "phone"
        self.steps: list[tuple[timedelta, Step]] = []
        self.offset = timedelta(0)
        self.messages = 0
        self.files_pending = False
        self.customer_gender = plan.customer.gender
        self.agent_gender = roster.agent(plan.assignee).gender

    # --- assembling -----------------------------------------------------------------
    def build(self) -> list["Step"]:
        self._opening()
        status = self.plan.target_status
        if status == "new":
            if self.rng.random() < 0.4:
                self._customer(self.cat.choice(self.rng, "customer", "nudges"), hours=(2, 20))
            return self._timed()
        if not self.phone and self.rng.random() < 0.3:
            self._triage()
        if self.rng.random() < 0.3:
            self._note()
        getattr(self, f"_arc_{status}")()
        return self._timed()

    def _add(self, gap: timedelta, verb: str, actor: str, **kwargs: Any) -> None:
        from rapport.demo.plans import Step

        self.offset += gap
        if verb in ("open", "call_log", "note", "reply", "customer"):
            self.messages += 1
        self.steps.append((self.offset, Step(at=self.plan.created_at, verb=verb, actor=actor,
                                             **kwargs)))

    def _timed(self) -> list["Step"]:
        """Absolute times: scaled to fit before now, at least a second apart."""
        available = self.now - SAFETY_MARGIN - self.plan.created_at
        last = self.steps[-1][0]
        factor = min(1.0, available / last) if last > timedelta(0) else 1.0
        timed, previous = [], None
        for offset, step in self.steps:
            at = self.plan.created_at + offset * factor
            if previous is not None and at < previous + MIN_STEP_GAP:
                at = previous + MIN_STEP_GAP
            step.at = previous = at
            timed.append(step)
        return timed

    def _gap(self, hours: tuple[float, float]) -> timedelta:
        low, high = hours
        value = low + (high - low) * self.rng.random() ** 2
        return timedelta(hours=value * (0.04 if self.chat else 1.0))

    # --- beats ----------------------------------------------------------------------
    def _opening(self) -> None:
        plan, rng = self.plan, self.rng
        plan.priority_at_open = plan.priority if rng.random() < 0.6 else int(Priority.NORMAL)
        if self.phone:
            text = fill(self.cat.choice(rng, "agent", "call_logs"), self.ctx, self.agent_gender)
            plan.fields_at_open = custom_field_values(self.scenario, self.ctx)
            self._add(timedelta(0), "call_log", plan.assignee, text=text)
            return
        if plan.channel in ("web", "api"):
            plan.fields_at_open = custom_field_values(self.scenario, self.ctx)
        text = customer_message(self.cat, rng, rng.choice(self.texts["openings"]), self.ctx,
                                gender=self.customer_gender, chat=self.chat)
        self._add(timedelta(0), "open", "customer", text=text, files=self.scenario.files)

    def _triage(self) -> None:
        self.plan.team_at_open = False
        supervisor = next(a for a in self.roster.agents if a.role == "supervisor")
        self._add(self._gap((0.08, 1.5)), "triage", supervisor.username,
                  data={"team": self.plan.team, "assignee": self.plan.assignee})

    def _note(self) -> None:
        author = self.plan.assignee
        if self.scenario.team == TECHNICAL:
            engineers = [a for a in self.roster.agents
                         if a.role == "engineer" and self.plan.language in a.languages]
            author = engineers[0].username if engineers else author
        text = fill(self.rng.choice(self.texts["notes"]), self.ctx,
                    self.roster.agent(author).gender)
        self._add(self._gap((0.15, 3)), "note", author, text=text)

    def _customer(self, body: str, *, hours: tuple[float, float]) -> None:
        files: tuple[str, ...] = ()
        if self.files_pending:
            body, files, self.files_pending = self.cat.choice(self.rng, "customer", "files"), \
                self.scenario.files, False
        text = customer_message(self.cat, self.rng, body, self.ctx, gender=self.customer_gender,
                                chat=self.chat)
        self._add(self._gap(hours), "customer", "customer", text=text, files=files,
                  channel="email" if self.phone else "")

    def _reply(self, body: str, *, status: str, hours: tuple[float, float],
               closing: bool = False, files: tuple[str, ...] = ()) -> None:
        text = agent_message(self.cat, self.rng, body, self.ctx, gender=self.agent_gender,
                             addressee=self.customer_gender, chat=self.chat, closing=closing)
        self._add(self._gap(hours), "reply", self.plan.assignee, text=text, status=status,
                  files=files, channel="email" if self.phone else "")

    def _first_reply(self, *, status: str = "", expect_followup: bool = False,
                     body: str | None = None) -> None:
        if body is None and self.phone and self.scenario.files and expect_followup:
            body, self.files_pending = self.cat.choice(self.rng, "agent", "asks_file"), True
        body = body or self.rng.choice(self.texts["replies"])
        self._reply(body, status=status, hours=_FIRST_REPLY_HOURS[Priority(self.plan.priority)])
        self._after_first_reply()

    def _after_first_reply(self) -> None:
        plan, rng = self.plan, self.rng
        minutes = timedelta(minutes=rng.randint(1, 5))
        self._add(minutes, "tags", plan.assignee, data={"add": list(self.scenario.tags)})
        if not plan.fields_at_open and rng.random() < 0.8:
            values = custom_field_values(self.scenario, self.ctx)
            self._add(minutes, "fields", plan.assignee, data={"values": values})
        if plan.priority_at_open != plan.priority:
            self._add(minutes, "priority", plan.assignee, data={"priority": plan.priority})

    def _resolution(self, *, hours: tuple[float, float]) -> None:
        body = self.rng.choice(self.texts["resolutions"])
        self._reply(body, status="solved", hours=hours, closing=True,
                    files=self.scenario.agent_files)

    # --- arcs by target status ------------------------------------------------------
    def _arc_open(self) -> None:
        if self.rng.random() < 0.6:
            self._first_reply(status="pending", expect_followup=True)
            self._customer(self.rng.choice(self.texts["followups"]), hours=(1, 30))
        else:
            self._first_reply()

    def _arc_pending(self) -> None:
        follow = self.rng.random() < 0.4
        self._first_reply(status="pending", expect_followup=follow)
        if follow:
            self._customer(self.rng.choice(self.texts["followups"]), hours=(1, 30))
            body = self.cat.choice(self.rng, "agent", "holds")
            self._reply(body, status="pending", hours=(0.3, 26))

    def _arc_on_hold(self) -> None:
        self._first_reply(status="on_hold", body=self.cat.choice(self.rng, "agent", "holds"))
        if self.messages < 5 and self.rng.random() < 0.3:
            self._note()

    def _arc_solved(self) -> None:
        if self.rng.random() < 0.35:  # solved at the first answer
            hours = _FIRST_REPLY_HOURS[Priority(self.plan.priority)]
            self._reply(self.rng.choice(self.texts["resolutions"]), status="solved",
                        hours=hours, closing=True, files=self.scenario.agent_files)
            self._after_first_reply()
        else:
            self._first_reply(status="pending", expect_followup=True)
            self._customer(self.rng.choice(self.texts["followups"]), hours=(1, 30))
            self._resolution(hours=(0.3, 26))
        self._aftermath()

    def _arc_closed(self) -> None:
        self._arc_solved()
        self._add(timedelta(days=self.rng.uniform(3, 7)), "status", self.plan.assignee,
                  status="closed")

    def _aftermath(self) -> None:
        """Sometimes the customer writes again after the solution: reopened, then re-solved."""
        roll = self.rng.random()
        if self.messages <= 4 and roll < 0.06:
            body = self.cat.choice(self.rng, "customer", "reopens")
            self._customer(body, hours=(24, 96))
            self._resolution(hours=(0.5, 24))
        elif self.messages <= 5 and roll < 0.14:
            self._customer(self.cat.choice(self.rng, "customer", "thanks"), hours=(0.2, 20))
            self._add(self._gap((0.1, 4)), "status", self.plan.assignee, status="solved")
