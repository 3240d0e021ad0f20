"""Creating (and, on reset, removing) the demo's staff, teams, companies and customers."""

from django.db import transaction
from django.db.models import QuerySet

from rapport.accounts.models import Membership, Role, Skill, Team, User
from rapport.contacts.models import Company, Customer, Identity, IdentityKind
from rapport.contacts.services import add_identity, find_or_create_by_email, update_customer
from rapport.core.errors import Conflict
from rapport.demo.playback import Cast
from rapport.demo.roster import DEMO_PASSWORD, AgentSpec, CustomerSpec, Roster
from rapport.reports.models import ReportingEvent
from rapport.tickets.models import Attachment, Ticket


def create_cast(roster: Roster) -> Cast:
    teams = {
        name: Team.objects.get_or_create(name=name, defaults={"description": description})[0]
        for name, description in roster.teams
    }
    agents = {spec.username: _create_agent(spec, teams) for spec in roster.agents}
    companies = {
        spec.name: Company.objects.get_or_create(
            name=spec.name,
            defaults={"domain": spec.domain, "share_tickets": spec.share_tickets,
                      "notes": spec.notes},
        )[0]
        for spec in roster.companies
    }
    customers = {spec.email: _create_customer(spec, companies) for spec in roster.customers}
    return Cast(agents=agents, customers=customers, teams=teams)


def _create_agent(spec: AgentSpec, teams: dict[str, Team]) -> User:
    if User.objects.filter(username=spec.username).exists():
        raise Conflict(
            f"A user named {spec.username!r} already exists; the demo needs that name. "
            "Load the demo into an empty installation, or use --reset.",
            code="demo_user_exists",
        )
    is_admin = spec.role == Role.ADMIN
    user = User.objects.create_user(
        username=spec.username, email=spec.email, password=DEMO_PASSWORD,
        first_name=spec.first_name, last_name=spec.last_name, role=spec.role,
        languages=list(spec.languages), ui_language=spec.native,
        is_staff=is_admin, is_superuser=is_admin, is_demo=True,
    )
    user.skills.set([Skill.objects.get_or_create(name=name)[0] for name in spec.skills])
    for team in spec.teams:
        Membership.objects.create(user=user, team=teams[team], is_lead=spec.lead)
    return user


def _create_customer(spec: CustomerSpec, companies: dict[str, Company]) -> Customer:
    customer = find_or_create_by_email(spec.email, name=spec.name, language=spec.language)
    changes: dict[str, object] = {}
    if spec.phone:
        changes["phone"] = spec.phone
    if spec.company:
        changes["company"] = companies[spec.company]
    if changes:
        update_customer(customer, actor=None, **changes)
    if spec.extra_email:
        add_identity(customer, kind=IdentityKind.EMAIL, value=spec.extra_email)
    if spec.phone:
        add_identity(customer, kind=IdentityKind.PHONE, value=spec.phone)
    return customer


@transaction.atomic
def remove_cast(roster: Roster) -> dict[str, int]:
    """Delete what the demo created: its customers' tickets, customers, staff and teams."""
    emails = [spec.email for spec in roster.customers]
    customer_ids = list(
        Identity.objects.filter(kind=IdentityKind.EMAIL, provider="", value__in=emails)
        .values_list("customer_id", flat=True)
    )
    tickets = Ticket.objects.filter(requester_id__in=customer_ids)
    ticket_ids = list(tickets.values_list("pk", flat=True))
    for attachment in Attachment.objects.filter(message__ticket_id__in=ticket_ids):
        attachment.file.delete(save=False)
    ReportingEvent.objects.filter(ticket_id__in=ticket_ids).delete()
    Ticket.objects.filter(merged_into_id__in=ticket_ids).update(merged_into=None)
    return {
        "tickets": _delete(tickets, "tickets.Ticket"),
        "customers": _delete(Customer.objects.filter(pk__in=customer_ids), "contacts.Customer"),
        "companies": _delete(Company.objects.filter(name__in=[c.name for c in roster.companies]),
                             "contacts.Company"),
        "agents": _delete(User.objects.filter(username__in=[a.username for a in roster.agents]),
                          "accounts.User"),
        "teams": _delete(Team.objects.filter(name__in=[t for t, _d in roster.teams]),
                         "accounts.Team"),
    }


def _delete(queryset: QuerySet, label: str) -> int:
    return queryset.delete()[1].get(label, 0)
