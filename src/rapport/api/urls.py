"""The REST API: one NinjaAPI mounted at /api/, version 1 under /api/v1/.

Docs at /api/docs, schema at /api/openapi.json.
"""

from ninja import NinjaAPI

from rapport.accounts.api import teams_router, users_router
from rapport.api import errors
from rapport.api.auth import API_AUTH
from rapport.contacts.api import router as customers_router
from rapport.search.api import router as search_router
from rapport.tickets.api import router as tickets_router
from rapport.tickets.api import tags_router

DESCRIPTION = """
**Authentication.** A personal API token, `Authorization: Bearer rpt_…`, created with
`rapport_token createtoken <username> --name … --scopes …`; or a signed-in agent's
session (unsafe methods then need the `X-CSRFToken` header). Tokens carry scopes:
`tickets:read`, `tickets:write`, `customers:read`, `customers:write`, `users:read`.
Customers (portal users) have no API access.

**Errors** always look like `{"code": "…", "message": "…", "details": …}`: 401
`unauthorized`, 403 `insufficient_scope`, 404 `not_found` (also for a ticket you may not
see), 409 conflicts, 422 `invalid_payload` for malformed input (details by field), 400
for domain errors such as `file_too_large` or `ticket_closed`.

**Idempotency.** Every POST accepts an `Idempotency-Key` header. The first response is
replayed for 24 hours (with `Idempotent-Replayed: true`); the same key with another
request is 422 `idempotency_key_reused`; while the first is still running, 409
`idempotency_in_progress`. A request that fails leaves the key free for a retry.

**Pagination.** Lists return `{"items": […], "next_cursor": …}`; pass `cursor` back
until it is null. `limit` is at most 100.

**New tickets.** With `from_agent: false` (default) the first message is the
requester's inbound message and the ticket is `new`; with `from_agent: true` it is an
outbound message from the token's agent and the ticket is `open`. Attachments are sent
as base64 inside the JSON body, so the request size limit applies to them too.
"""

api = NinjaAPI(
    title="Rapport API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url="/docs",
    auth=API_AUTH,
)
errors.install(api)

api.add_router("/v1/tickets", tickets_router)
api.add_router("/v1/tags", tags_router)
api.add_router("/v1/customers", customers_router)
api.add_router("/v1/users", users_router)
api.add_router("/v1/teams", teams_router)
api.add_router("/v1/search", search_router)
