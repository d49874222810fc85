"""Clients of an organization, their contacts and their activity log."""

from chalicelib.audit import service as audit
from chalicelib.clients.models import Client, ClientActivity, ClientContact
from chalicelib.clients.schemas import (
    ActivityCreate,
    ActivityFilters,
    ClientCreate,
    ClientFilters,
    ClientUpdate,
    ContactCreate,
    ContactFilters,
    ContactUpdate,
)
from chalicelib.core import indexing, jobs
from chalicelib.core.auth import Principal
from chalicelib.core.db import Item, TransactionCancelled, transact
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, all_of, query_page
from chalicelib.core.sync import changed_since
from chalicelib.core.timeutil import utcnow

CLIENT_DELETED_JOB = "client_deleted"
_AUDITED_FIELDS = ("name", "email", "phone", "address", "currency", "hourly_rate", "notes", "archived")
_CONTACT_FIELDS = ("name", "email", "phone", "role")
_REQUIRED_ON_UPDATE = ("name", "archived")


def _snapshot(item, fields: tuple[str, ...]) -> dict:
    return {field: getattr(item, field) for field in fields}


def _not_null(fields: dict, names: tuple[str, ...]) -> None:
    for name in names:
        if name in fields and fields[name] is None:
            raise ValidationFailed.field(name, "cannot be null")


def _set_or_remove(model, after: dict, changed: dict) -> list:
    return [
        getattr(model, name).set(after[name]) if after[name] is not None else getattr(model, name).remove()
        for name in changed
    ]


def _lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None


# --- clients -------------------------------------------------------------------------------------------------


def find(*, org_id: str, client_id: str) -> Client | None:
    """The org's client with this id, or None (another org's id included)."""
    return Client.get_or_none(*Client.keys(org_id, client_id)) if is_id(client_id, "cli") else None


def get(*, org_id: str, client_id: str) -> Client:
    """The org's client with this id, or 404."""
    client = find(org_id=org_id, client_id=client_id)
    if client is None:
        raise NotFound("Client not found.")
    return client


def require_reference(*, org_id: str, client_id: str, field: str = "client_id") -> Client:
    """A client another resource refers to: it must exist in the same org (else 400 naming the field)."""
    client = find(org_id=org_id, client_id=client_id)
    if client is None:
        raise ValidationFailed.field(field, "does not exist in this organization")
    return client


def add_reference(tx, *, org_id: str, client_id: str) -> None:
    """In `tx`: one more project/invoice points at the client (cancels `tx` if the client is gone)."""
    client = Client.unread(*Client.keys(org_id, client_id))
    tx.update(
        client,
        actions=[Client.reference_count.add(1)],
        condition=Client.PK.exists(),
        add_version_condition=False,
    )


def remove_reference(tx, *, org_id: str, client_id: str) -> None:
    """In `tx`: one project/invoice no longer points at the client."""
    client = Client.unread(*Client.keys(org_id, client_id))
    tx.update(
        client,
        actions=[Client.reference_count.add(-1)],
        condition=Client.reference_count > 0,
        add_version_condition=False,
    )


def list_clients(*, principal: Principal, filters: ClientFilters) -> Page:
    """The org's clients, oldest first; archived ones only on request; `search` matches name or email."""
    conditions = []
    if not filters.archived:
        conditions.append(Client.archived == False)  # noqa: E712  (a DynamoDB condition, not a comparison)
    if filters.search:
        needle = filters.search.lower()
        conditions.append(Client.name_lower.contains(needle) | Client.email_lower.contains(needle))
    pk = Client.keys(principal.org_id, "")[0]
    return query_page(
        Client,
        pk,
        range_key_condition=Client.SK.startswith(Client.SK_PREFIX),
        filter_condition=all_of([*conditions, changed_since(Client, filters.updated_since)]),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=False,
        scope=f"{principal.org_id}:clients",
    )


def create(*, principal: Principal, body: ClientCreate) -> Client:
    """A new client (admins and owners)."""
    principal.require_admin()
    client_id, now = new_id("cli"), utcnow()
    pk, sk = Client.keys(principal.org_id, client_id)
    client = Client(
        PK=pk,
        SK=sk,
        id=client_id,
        org_id=principal.org_id,
        name=body.name,
        name_lower=body.name.lower(),
        email=body.email,
        email_lower=_lower(body.email),
        phone=body.phone,
        address=body.address.model_dump() if body.address else None,
        currency=body.currency,
        hourly_rate=body.hourly_rate,
        notes=body.notes,
        archived=body.archived,
        reference_count=0,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )

    def write(tx) -> None:
        tx.save(client, condition=Client.PK.does_not_exist())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="client",
            entity_id=client.id,
            changes=audit.diff({}, _snapshot(client, _AUDITED_FIELDS)),
        )

    transact(write)
    indexing.request_reindex(org_id=client.org_id, entity_type="client", entity_id=client.id)
    return client


def update(*, principal: Principal, client_id: str, changes: ClientUpdate) -> Client:
    """Partial update (admins and owners); `null` clears optional fields."""
    principal.require_admin()
    client = get(org_id=principal.org_id, client_id=client_id)
    fields = changes.model_dump(exclude_unset=True)
    _not_null(fields, _REQUIRED_ON_UPDATE)
    if changes.address is not None:
        fields["address"] = changes.address.model_dump()  # replaced whole, every key present
    before = _snapshot(client, _AUDITED_FIELDS)
    changed = audit.diff(before, {**before, **fields})
    if not changed:
        return client
    after = {**before, **fields}
    actions = _set_or_remove(Client, after, changed)
    if "name" in changed:
        actions.append(Client.name_lower.set(after["name"].lower()))
    if "email" in changed:
        actions.append(
            Client.email_lower.set(after["email"].lower()) if after["email"] else Client.email_lower.remove()
        )
    actions.append(Client.updated_at.set(utcnow()))
    rate_change = None
    if "hourly_rate" in changed:  # with a dated rate history, a new rate from today (docs/rates.md)
        from chalicelib.rates import service as rate_history  # it reads clients: imported when needed

        rate_change = rate_history.direct_change(
            org_id=principal.org_id,
            holder_type="client",
            holder_id=client.id,
            field="hourly_rate",
            rate=after["hourly_rate"],
            user_id=principal.user_id,
        )

    def write(tx) -> None:
        tx.update(client, actions=actions)
        if rate_change is not None:
            rate_history.save(tx, rate_change)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type="client",
            entity_id=client.id,
            changes=changed,
        )

    try:
        transact(write, attempts=1)
    except TransactionCancelled as error:
        get(org_id=principal.org_id, client_id=client_id)  # 404 when it was deleted meanwhile
        raise Conflict("The client was changed by someone else; retry.") from error
    if {"name", "email", "notes"} & changed.keys():
        indexing.request_reindex(org_id=client.org_id, entity_type="client", entity_id=client.id)
    return get(org_id=principal.org_id, client_id=client_id)


def delete(*, principal: Principal, client_id: str) -> None:
    """Delete a client nothing refers to (admins); its contacts and activities go in a background job."""
    principal.require_admin()
    client = get(org_id=principal.org_id, client_id=client_id)
    unreferenced = Client.reference_count.does_not_exist() | (Client.reference_count == 0)

    def write(tx) -> None:
        tx.delete(client, condition=Client.PK.exists() & unreferenced, add_version_condition=False)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type="client",
            entity_id=client.id,
            changes={"name": {"from": client.name, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        get(org_id=principal.org_id, client_id=client_id)  # 404 when it was deleted meanwhile
        raise Conflict(
            "This client is used by projects or invoices and cannot be deleted; archive it instead."
        ) from error
    jobs.enqueue(CLIENT_DELETED_JOB, {"org_id": principal.org_id, "client_id": client.id})
    indexing.request_reindex(org_id=client.org_id, entity_type="client", entity_id=client.id)


@jobs.job(CLIENT_DELETED_JOB)
def _delete_client_children(payload: dict) -> None:
    org_id, client_id = payload["org_id"], payload["client_id"]
    pk = Client.keys(org_id, client_id)[0]
    with Item.batch_write() as batch:
        for model in (ClientContact, ClientActivity):
            for child in model.query(pk, model.SK.startswith(model.prefix(client_id))):
                batch.delete(child)


def _client_exists(tx, client: Client) -> None:
    tx.condition_check(Client, client.PK, client.SK, condition=Client.PK.exists())


# --- contacts ------------------------------------------------------------------------------------------------


def list_contacts(*, principal: Principal, client_id: str, filters: ContactFilters) -> Page:
    """A client's contacts, oldest first."""
    client = get(org_id=principal.org_id, client_id=client_id)
    return query_page(
        ClientContact,
        client.PK,
        range_key_condition=ClientContact.SK.startswith(ClientContact.prefix(client.id)),
        filter_condition=changed_since(ClientContact, filters.updated_since),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=False,
        scope=f"{principal.org_id}:clients:{client.id}:contacts",
    )


def _contact(principal: Principal, client_id: str, contact_id: str) -> tuple[Client, ClientContact]:
    client = get(org_id=principal.org_id, client_id=client_id)
    found = (
        ClientContact.get_or_none(*ClientContact.keys(principal.org_id, client.id, contact_id))
        if is_id(contact_id, "cnt")
        else None
    )
    if found is None:
        raise NotFound("Contact not found.")
    return client, found


def add_contact(*, principal: Principal, client_id: str, body: ContactCreate) -> ClientContact:
    """A new contact at a client (admins and owners)."""
    principal.require_admin()
    client = get(org_id=principal.org_id, client_id=client_id)
    contact_id, now = new_id("cnt"), utcnow()
    pk, sk = ClientContact.keys(principal.org_id, client.id, contact_id)
    contact = ClientContact(
        PK=pk,
        SK=sk,
        id=contact_id,
        org_id=principal.org_id,
        client_id=client.id,
        name=body.name,
        email=body.email,
        phone=body.phone,
        role=body.role,
        created_at=now,
        updated_at=now,
    )

    def write(tx) -> None:
        _client_exists(tx, client)
        tx.save(contact, condition=ClientContact.PK.does_not_exist())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="client_contact",
            entity_id=contact.id,
            changes=audit.diff({}, {"client_id": client.id, **_snapshot(contact, _CONTACT_FIELDS)}),
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Client not found.") from error
    return contact


def update_contact(*, principal: Principal, client_id: str, contact_id: str, changes: ContactUpdate) -> ClientContact:
    """Partial update of a contact (admins and owners); `null` clears optional fields."""
    principal.require_admin()
    _, contact = _contact(principal, client_id, contact_id)
    fields = changes.model_dump(exclude_unset=True)
    _not_null(fields, ("name",))
    before = _snapshot(contact, _CONTACT_FIELDS)
    after = {**before, **fields}
    changed = audit.diff(before, after)
    if not changed:
        return contact
    actions = [*_set_or_remove(ClientContact, after, changed), ClientContact.updated_at.set(utcnow())]

    def write(tx) -> None:
        tx.update(contact, actions=actions)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type="client_contact",
            entity_id=contact.id,
            changes=changed,
        )

    try:
        transact(write, attempts=1)
    except TransactionCancelled as error:
        _contact(principal, client_id, contact_id)  # 404 when it was deleted meanwhile
        raise Conflict("The contact was changed by someone else; retry.") from error
    return _contact(principal, client_id, contact_id)[1]


def remove_contact(*, principal: Principal, client_id: str, contact_id: str) -> None:
    """Remove a contact from a client (admins and owners)."""
    principal.require_admin()
    _, contact = _contact(principal, client_id, contact_id)

    def write(tx) -> None:
        tx.delete(contact, condition=ClientContact.PK.exists(), add_version_condition=False)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type="client_contact",
            entity_id=contact.id,
            changes={"name": {"from": contact.name, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Contact not found.") from error


# --- activities ----------------------------------------------------------------------------------------------


def list_activities(*, principal: Principal, client_id: str, filters: ActivityFilters) -> Page:
    """A client's activity log, newest first by activity date, optionally of one type."""
    client = get(org_id=principal.org_id, client_id=client_id)
    if filters.type:
        partition = ClientActivity.type_partition(principal.org_id, client.id, filters.type)
        index = ClientActivity.gsi2
    else:
        partition, index = ClientActivity.client_partition(principal.org_id, client.id), ClientActivity.gsi1
    return query_page(
        ClientActivity,
        partition,
        index=index,
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=True,
        scope=f"{principal.org_id}:activities:{partition}",
    )


def log_activity(*, principal: Principal, client_id: str, body: ActivityCreate) -> ClientActivity:
    """Log a meeting, call, email or note for a client (any member; the caller is its author)."""
    client = get(org_id=principal.org_id, client_id=client_id)
    activity_id, now = new_id("act"), utcnow()
    pk, sk = ClientActivity.keys(principal.org_id, client.id, activity_id)
    activity = ClientActivity(
        PK=pk,
        SK=sk,
        id=activity_id,
        org_id=principal.org_id,
        client_id=client.id,
        type=body.type,
        title=body.title,
        description=body.description,
        date=body.date or now,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    activity.index()

    def write(tx) -> None:
        _client_exists(tx, client)
        tx.save(activity, condition=ClientActivity.PK.does_not_exist())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="client_activity",
            entity_id=activity.id,
            changes={
                "client_id": {"from": None, "to": client.id},
                "type": {"from": None, "to": activity.type},
                "title": {"from": None, "to": activity.title},
            },
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Client not found.") from error
    return activity


def delete_activity(*, principal: Principal, client_id: str, activity_id: str) -> None:
    """Delete an activity: its author, or an admin or owner."""
    client = get(org_id=principal.org_id, client_id=client_id)
    activity = (
        ClientActivity.get_or_none(*ClientActivity.keys(principal.org_id, client.id, activity_id))
        if is_id(activity_id, "act")
        else None
    )
    if activity is None:
        raise NotFound("Activity not found.")
    if not principal.is_admin and activity.created_by != principal.user_id:
        raise Forbidden("Only the activity's author or an admin may delete it.")

    def write(tx) -> None:
        tx.delete(activity, condition=ClientActivity.PK.exists())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type="client_activity",
            entity_id=activity.id,
            changes={"title": {"from": activity.title, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Activity not found.") from error


def _search_document(*, org_id: str, entity_id: str) -> indexing.Document | None:
    client = find(org_id=org_id, client_id=entity_id)
    return indexing.Document(client.name, f"{client.email or ''} {client.notes or ''}") if client else None


indexing.register_source("client", _search_document)


def set_current_rate(tx, *, client: Client, hourly_rate: int | None) -> None:
    """In `tx`: the client's `hourly_rate` shows the rate now in force (the rates domain's dated changes)."""
    rate = Client.hourly_rate.set(hourly_rate) if hourly_rate is not None else Client.hourly_rate.remove()
    tx.update(client, actions=[rate, Client.updated_at.set(utcnow())])
