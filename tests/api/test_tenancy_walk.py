"""Walk every query and every mutation of the schema as account B with account A's ids.

The operations are enumerated from `build_schema()`, so a query or mutation added later fails
this test until the walk knows how to call it. Account A owns one of everything (a project,
milestones, a schedule with a due item, an issued invoice paid in full with two milestone
lines, a draft invoice, a payment with an allocation). Account B then:

- asks every query field that takes an `id` for each of A's ids: each answers null;
- lists what it can list (`projects`): none of A's objects appear;
- calls every mutation with A's ids, and with A's ids mixed into B's own objects: each answers
  a NOT_FOUND userError and nothing else in its payload;
- calls the mutations whose input holds no id (createProject, processDueInvoiceSchedules):
  they act on B's own data only.

Afterwards a snapshot of A (everything A can read, and A's row counts) is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)
from sqlalchemy import func, select

from db.tables import (
    Allocation,
    Client,
    CreditApplication,
    CreditNote,
    CreditNoteLine,
    IdempotencyRecord,
    Invoice,
    InvoiceLine,
    InvoiceSchedule,
    InvoiceScheduleItem,
    Milestone,
    MilestoneDistribution,
    Payment,
    Project,
    Refund,
)
from schema import build_schema
from tests.api.billing_helpers import USER_ERRORS
from tests.conftest import ON_CITUS_TOO, Api

pytestmark = ON_CITUS_TOO

TABLES = (
    Client,
    Project,
    Milestone,
    InvoiceSchedule,
    InvoiceScheduleItem,
    Invoice,
    InvoiceLine,
    Payment,
    Allocation,
    MilestoneDistribution,
    IdempotencyRecord,
    CreditNote,
    CreditNoteLine,
    CreditApplication,
    Refund,
)


def graphql_schema() -> GraphQLSchema:
    return build_schema()._schema


# --- account A's data -----------------------------------------------------------------------


@dataclass
class Ids:
    project: str
    milestones: list[str]  # M1, M2 (invoiced, paid), M3 (on the draft invoice)
    unscheduled: str  # a milestone with no schedule item and no invoice
    schedule: str
    items: list[str]
    invoice: str  # issued, paid in full, two milestone lines: needs a distribution
    draft: str
    payment: str
    allocation: str
    client: str
    prepayment: str  # a payment with unapplied money
    credit_note: str  # on the paid invoice: all its credit unapplied, part refunded
    refund: str
    credit_application: str  # 1.00 of the note applied to another invoice
    retainage_project: str  # 10% retainage, one invoice issued, its retainage partly released
    retainage_milestone: str
    release: str  # a RETAINAGE_RELEASE invoice, issued and unpaid
    endpoint: str = ""  # a webhook endpoint, and one of its deliveries
    delivery: str = ""

    def all(self) -> list[str]:
        return [
            self.project,
            *self.milestones,
            self.unscheduled,
            self.schedule,
            *self.items,
            self.invoice,
            self.draft,
            self.payment,
            self.allocation,
            self.client,
            self.prepayment,
            self.credit_note,
            self.refund,
            self.credit_application,
            self.retainage_project,
            self.retainage_milestone,
            self.release,
        ]


async def mutate(api: Api, name: str, input: dict[str, Any], selection: str) -> dict[str, Any]:
    """Run one mutation that must succeed; return its payload."""
    input_type = graphql_schema().mutation_type.fields[name].args["input"].type  # type: ignore[union-attr]
    document = f"mutation($input: {input_type}) {{ {name}(input: $input) {{ {selection} "
    data = await api.gql(document + f"{USER_ERRORS} }} }}", {"input": input})
    payload = dict(data[name])
    assert payload["userErrors"] == [], (name, payload["userErrors"])
    return payload


async def build_account(api: Api) -> Ids:
    endpoint = (
        await mutate(
            api,
            "createWebhookEndpoint",
            {"url": "https://93.184.215.14/hooks"},
            "webhookEndpoint { id }",
        )
    )["webhookEndpoint"]["id"]
    project = (
        await mutate(
            api,
            "createProject",
            {"name": "A's", "clientName": "A Co", "currency": "USD", "contractValue": "9000.00"},
            "project { id client { id } }",
        )
    )["project"]
    client, project = project["client"]["id"], project["id"]
    prepayment = (
        await mutate(
            api,
            "recordExternalPayment",
            {"method": "WIRE", "clientId": client, "currency": "USD", "amount": "75.00"},
            "payment { id unappliedAmount }",
        )
    )["payment"]
    assert prepayment["unappliedAmount"] == "75.00"
    milestones = []
    for name, amount in (("M1", "1000.00"), ("M2", "1000.00"), ("M3", "500.00"), ("M4", "50.00")):
        milestone = await mutate(
            api,
            "addMilestone",
            {"projectId": project, "name": name, "amount": amount},
            "milestone { id }",
        )
        milestones.append(milestone["milestone"]["id"])
    schedule = (
        await mutate(
            api,
            "createInvoiceSchedule",
            {
                "projectId": project,
                "totalAmount": "2000.00",
                "items": [
                    {"name": "P1", "percentage": "50", "runDate": "2026-03-01", "trigger": "p1"},
                    {"name": "P2", "percentage": "50", "trigger": "p2"},
                ],
            },
            "invoiceSchedule { id items { id } }",
        )
    )["invoiceSchedule"]
    invoice = (
        await mutate(
            api,
            "createInvoice",
            {"projectId": project, "lines": [{"milestoneId": m} for m in milestones[:2]]},
            "invoice { id total }",
        )
    )["invoice"]
    draft = (
        await mutate(
            api,
            "createInvoice",
            {"projectId": project, "lines": [{"milestoneId": milestones[2]}], "issue": False},
            "invoice { id status }",
        )
    )["invoice"]
    assert draft["status"] == "DRAFT"
    payment = (
        await mutate(
            api,
            "recordExternalPayment",
            {
                "method": "CHECK",
                "allocations": [{"invoiceId": invoice["id"], "amount": invoice["total"]}],
            },
            "payment { id allocations { id invoice { status distributionRequired } } }",
        )
    )["payment"]
    [allocation] = payment["allocations"]
    assert allocation["invoice"] == {"status": "PAID", "distributionRequired": True}
    note = (
        await mutate(
            api,
            "createCreditNote",
            {
                "invoiceId": invoice["id"],
                "lines": [{"milestoneId": milestones[0], "amount": "100.00"}],
                "reason": "Overbilled",
            },
            "creditNote { id unappliedAmount }",
        )
    )["creditNote"]
    assert note["unappliedAmount"] == "100.00"
    refund = (
        await mutate(
            api,
            "refundCreditNote",
            {"creditNoteId": note["id"], "amount": "10.00", "reason": "Asked"},
            "refund { id }",
        )
    )["refund"]
    other = (
        await mutate(
            api,
            "createInvoice",
            {"projectId": project, "lines": [{"description": "Extra", "amount": "5.00"}]},
            "invoice { id }",
        )
    )["invoice"]["id"]
    applied = await mutate(
        api,
        "applyCreditNote",
        {"creditNoteId": note["id"], "allocations": [{"invoiceId": other, "amount": "1.00"}]},
        "creditNote { applications { id atCreation } }",
    )
    [application] = [a for a in applied["creditNote"]["applications"] if not a["atCreation"]]
    held = (
        await mutate(
            api,
            "createProject",
            {"name": "Depot", "clientId": client, "currency": "USD", "retainagePercentage": "10"},
            "project { id }",
        )
    )["project"]["id"]
    held_milestone = (
        await mutate(
            api,
            "addMilestone",
            {"projectId": held, "name": "Frame", "amount": "800.00"},
            "milestone { id }",
        )
    )["milestone"]["id"]
    await mutate(
        api, "createInvoice", {"projectId": held, "lines": [{"milestoneId": held_milestone}]}, ""
    )
    release = (
        await mutate(
            api, "releaseRetainage", {"projectId": held, "amount": "30.00"}, "invoice { id kind }"
        )
    )["invoice"]
    assert release["kind"] == "RETAINAGE_RELEASE"
    return Ids(
        project=project,
        milestones=milestones[:3],
        unscheduled=milestones[3],
        schedule=schedule["id"],
        items=[item["id"] for item in schedule["items"]],
        invoice=invoice["id"],
        draft=draft["id"],
        payment=payment["id"],
        allocation=allocation["id"],
        endpoint=endpoint,
        delivery=(await api.gql(A_DELIVERY))["webhookEndpoints"][0]["deliveries"]["nodes"][0]["id"],
        client=client,
        credit_application=application["id"],
        prepayment=prepayment["id"],
        credit_note=note["id"],
        refund=refund["id"],
        retainage_project=held,
        retainage_milestone=held_milestone,
        release=release["id"],
    )


A_DELIVERY = "{ webhookEndpoints { deliveries(first: 1) { nodes { id } } } }"


SNAPSHOT = """
query($payment: ID!, $prepayment: ID!, $note: ID!) {
  creditNote(id: $note) {
    id number amount appliedAmount unappliedAmount refundedAmount status
    lines { amount milestone { id } } refunds { id amount }
  }
  projects(first: 10) {
    totalCount
    nodes {
      id name clientName currency contractValue paymentTermsDays retainagePercentage
      milestones {
        id name trigger position amount plannedOn completedAt status amountInvoiced amountPaid
        discount paid scheduleItem { id } retainageHeld
      }
      invoices(first: 10) {
        totalCount
        nodes {
          id number status currency memo issuedOn dueOn subtotal discount total amountPaid
          creditedAmount balanceDue overdue voidedAt distributionRequired creditNotes { id }
          kind retainageAmount
          lines { id description amount milestone { id } retainageAmount releasedMilestone { id } }
          allocations { id amount reversedAt reversalReason modifiedAt }
          milestoneDistributions { amount discount milestone { id } }
        }
      }
      invoiceSchedules {
        id number status notes totalAmount billedAmount unbilledAmount nextRunDate
        invoiceSeparately
        items { id sequence name percentage amount runDate status milestone { id } invoice { id } }
      }
      balance {
        contractValue scheduledAmount invoicedAmount paidAmount discountAmount
        outstandingAmount overdueAmount unbilledAmount retainageHeld retainageReleased
      }
    }
  }
  payment(id: $payment) { id amount method reference allocations { id amount reversedAt } }
  prepayment: payment(id: $prepayment) {
    id amount appliedAmount unappliedAmount refundedAmount allocations { id }
  }
  clients(first: 10) {
    totalCount
    nodes {
      id name email
      projects { totalCount nodes { id } }
      invoices { totalCount nodes { id } }
      payments { totalCount nodes { id } }
      balance {
        currency invoicedAmount paidAmount creditedAmount receivedAmount unappliedCreditAmount
        refundedAmount retainageHeld retainageReleased
      }
    }
  }
}"""


async def row_counts(api: Api) -> dict[str, int]:
    counts = {}
    async with api.engine.connect() as connection:
        for table in TABLES:
            statement = (
                select(func.count()).select_from(table).where(table.account_id == api.account_id)  # type: ignore[attr-defined]
            )
            counts[table.__tablename__] = int((await connection.execute(statement)).scalar_one())
    return counts


async def snapshot(api: Api, ids: Ids) -> dict[str, Any]:
    return {
        "data": await api.gql(
            SNAPSHOT,
            {"payment": ids.payment, "prepayment": ids.prepayment, "note": ids.credit_note},
        ),
        "rows": await row_counts(api),
    }


# --- the walk ---------------------------------------------------------------------------------


@dataclass
class Own:
    """B's own objects, to mix A's ids into."""

    project: str
    schedule: str
    prepayment: str


# Each mutation: the inputs B sends, built from A's ids (and B's own objects). Every one must be
# refused with NOT_FOUND.
Inputs = Callable[[Ids, Own], list[dict[str, Any]]]
MUTATION_INPUTS: dict[str, Inputs] = {
    "addMilestone": lambda a, b: [{"projectId": a.project, "name": "X", "amount": "1.00"}],
    "completeMilestone": lambda a, b: [{"milestoneId": m} for m in (*a.milestones, a.unscheduled)],
    "createInvoiceSchedule": lambda a, b: [
        {"projectId": a.project, "items": [{"name": "X", "percentage": "100", "trigger": "x"}]},
        {
            "projectId": b.project,
            "totalAmount": "50.00",
            "items": [{"name": "X", "percentage": "100", "milestoneId": a.unscheduled}],
        },
    ],
    "updateInvoiceSchedule": lambda a, b: [
        {
            "scheduleId": a.schedule,
            "notes": "B was here",
            "items": [{"name": "X", "percentage": "100", "trigger": "x"}],
        }
    ],
    "pauseInvoiceSchedule": lambda a, b: [{"scheduleId": a.schedule}],
    "resumeInvoiceSchedule": lambda a, b: [{"scheduleId": a.schedule}],
    "deleteInvoiceSchedule": lambda a, b: [{"scheduleId": a.schedule}],
    "runInvoiceSchedule": lambda a, b: [
        {"scheduleId": a.schedule},
        {"scheduleId": a.schedule, "itemId": a.items[0]},
        {"scheduleId": b.schedule, "itemId": a.items[0]},
    ],
    "createInvoice": lambda a, b: [
        {"projectId": a.project, "lines": [{"description": "X", "amount": "1.00"}]},
        {"projectId": b.project, "lines": [{"milestoneId": a.unscheduled}]},
    ],
    "issueInvoice": lambda a, b: [
        {"invoiceId": a.draft},
        {"invoiceId": a.draft, "issuedOn": "2026-03-01"},
    ],
    "updateProject": lambda a, b: [
        {"projectId": a.project, "name": "B was here"},
        {"projectId": a.retainage_project, "retainagePercentage": "5"},
    ],
    "releaseRetainage": lambda a, b: [
        {"projectId": a.retainage_project},
        {
            "projectId": a.retainage_project,
            "amount": "1.00",
            "milestoneIds": [a.retainage_milestone],
        },
    ],
    "updateMilestone": lambda a, b: [
        {"milestoneId": m, "name": "B was here"} for m in (*a.milestones, a.unscheduled)
    ],
    "deleteMilestone": lambda a, b: [{"milestoneId": a.unscheduled}],
    "updateInvoice": lambda a, b: [
        {"invoiceId": a.draft, "memo": "B was here"},
        {"invoiceId": a.draft, "lines": [{"milestoneId": a.unscheduled}]},
    ],
    "deleteInvoice": lambda a, b: [{"invoiceId": a.draft}],
    "voidInvoice": lambda a, b: [{"invoiceId": i} for i in (a.invoice, a.draft, a.release)],
    "recordExternalPayment": lambda a, b: [
        {"method": "CASH", "allocations": [{"invoiceId": a.invoice, "amount": "1.00"}]},
        {"method": "CASH", "allocations": [{"invoiceId": a.draft, "amount": "1.00"}]},
        {"method": "CASH", "clientId": a.client, "currency": "USD", "amount": "1.00"},
    ],
    "applyPayment": lambda a, b: [
        {"paymentId": a.prepayment, "allocations": [{"invoiceId": a.invoice, "amount": "1.00"}]},
        {"paymentId": b.prepayment, "allocations": [{"invoiceId": a.invoice, "amount": "1.00"}]},
    ],
    "createCreditNote": lambda a, b: [
        {"invoiceId": a.invoice, "lines": [{"description": "X", "amount": "1.00"}], "reason": "B"}
    ],
    "applyCreditNote": lambda a, b: [
        {"creditNoteId": a.credit_note, "allocations": [{"invoiceId": a.invoice, "amount": "1.00"}]}
    ],
    "voidCreditNote": lambda a, b: [{"creditNoteId": a.credit_note}],
    "refundPayment": lambda a, b: [
        {"paymentId": p, "amount": "1.00", "reason": "B"} for p in (a.payment, a.prepayment)
    ],
    "refundCreditNote": lambda a, b: [
        {"creditNoteId": a.credit_note, "amount": "1.00", "reason": "B"}
    ],
    "updateClient": lambda a, b: [{"clientId": a.client, "name": "B was here"}],
    "createProject": lambda a, b: [{"name": "X", "clientId": a.client, "currency": "USD"}],
    "recordPayment": lambda a, b: [
        {"transactionId": "txn_b", "allocations": [{"invoiceId": a.invoice, "amount": "1.00"}]}
    ],
    "reverseAllocation": lambda a, b: [{"allocationId": a.allocation, "reason": "B was here"}],
    "reverseCreditApplication": lambda a, b: [
        {"creditApplicationId": a.credit_application, "reason": "B was here"}
    ],
    "updateWebhookEndpoint": lambda a, b: [{"endpointId": a.endpoint, "enabled": False}],
    "deleteWebhookEndpoint": lambda a, b: [{"endpointId": a.endpoint}],
    "rotateWebhookSecret": lambda a, b: [{"endpointId": a.endpoint}],
    "retryWebhookDelivery": lambda a, b: [{"deliveryId": a.delivery}],
    "distributeMilestonePayment": lambda a, b: [
        {"invoiceId": a.invoice, "proportional": True},
        {
            "invoiceId": a.invoice,
            "distributions": [
                {"milestoneId": a.milestones[0], "amount": "1000.00"},
                {"milestoneId": a.milestones[1], "amount": "1000.00"},
            ],
        },
    ],
}

# Mutations whose input holds no id: they can only act on the caller's own data.
NO_ID_INPUTS: dict[str, dict[str, Any]] = {
    "createProject": {"name": "B's", "clientName": "B Co", "currency": "USD"},
    "processDueInvoiceSchedules": {"asOf": "2030-12-31"},
    "createWebhookEndpoint": {"url": "https://93.184.215.14/b"},
    "createClient": {"name": "A Co"},  # names are unique per account, not across accounts
}

# Query fields without an `id` argument, and how B checks they show none of A's objects.
LIST_QUERIES = {
    "projects": "{ projects(first: 100) { totalCount nodes { id } } }",
    "events": "{ events(first: 100) { totalCount nodes { objectId } } }",
    "webhookEndpoints": "{ webhookEndpoints { id } }",
    "clients": "{ clients(first: 100) { totalCount nodes { id } } }",
    "invoices": "{ invoices(last: 100) { totalCount nodes { id } } }",
    "payments": "{ payments(first: 100) { totalCount nodes { id } } }",
    "invoiceByNumber": '{ invoiceByNumber(number: "INV-000001") { id } }',
    "paymentByTransactionId": '{ paymentByTransactionId(transactionId: "txn_a1") { id } }',
    "creditNotes": "{ creditNotes(last: 100) { totalCount nodes { id } } }",
    "agingReport": "{ agingReport { rows { client { id } total } total { total } } }",
}
# Every root list's filter with one of A's ids in it (B sees none of A's rows through them).
FILTERS_WITH_A_IDS = {
    "invoices": ("InvoiceFilter", ("projectId", "project"), ("clientId", "client")),
    "payments": ("PaymentFilter", ("projectId", "project"), ("clientId", "client")),
    "projects": ("ProjectFilter", ("clientId", "client")),
    "creditNotes": ("CreditNoteFilter", ("clientId", "client"), ("invoiceId", "invoice")),
}


def payload_selection(schema: GraphQLSchema, mutation: str) -> str:
    """Every payload field: objects and lists of objects by id (or typename), scalars as is."""
    payload = get_named_type(schema.mutation_type.fields[mutation].type)  # type: ignore[union-attr]
    assert isinstance(payload, GraphQLObjectType)
    selection = []
    for name, field in payload.fields.items():
        if name == "userErrors":
            continue
        named = get_named_type(field.type)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            selection.append(f"{name} {{ {'id' if 'id' in named.fields else '__typename'} }}")
        else:
            selection.append(name)
    return " ".join(selection)


def input_type_of(schema: GraphQLSchema, mutation: str) -> str:
    return str(schema.mutation_type.fields[mutation].args["input"].type)  # type: ignore[union-attr]


def is_empty(value: Any) -> bool:
    return value is None or value == []


async def test_every_operation_with_another_accounts_ids(api: Api, other_api: Api) -> None:
    schema = graphql_schema()
    mutations = set(schema.mutation_type.fields)  # type: ignore[union-attr]
    walked = set(MUTATION_INPUTS) | set(NO_ID_INPUTS)
    assert mutations - walked == set(), "mutations the tenancy walk has no input for"
    assert walked - mutations == set(), "the walk names mutations the schema no longer has"
    id_queries = {name for name, field in schema.query_type.fields.items() if "id" in field.args}
    other_queries = set(schema.query_type.fields) - id_queries
    assert other_queries - set(LIST_QUERIES) == set(), "queries the tenancy walk cannot check"

    a_ids = await build_account(api)
    before = await snapshot(api, a_ids)
    b = other_api

    # B's own objects, to mix A's ids into.
    b_project = (
        await mutate(
            b,
            "createProject",
            {"name": "B's", "clientName": "B Co", "currency": "USD"},
            "project { id }",
        )
    )["project"]["id"]
    b_schedule = (
        await mutate(
            b,
            "createInvoiceSchedule",
            {
                "projectId": b_project,
                "totalAmount": "10.00",
                "items": [{"name": "B1", "percentage": "100", "trigger": "b1"}],
            },
            "invoiceSchedule { id }",
        )
    )["invoiceSchedule"]["id"]
    b_client = (await b.gql(f'{{ project(id: "{b_project}") {{ client {{ id }} }} }}'))["project"][
        "client"
    ]["id"]
    b_prepayment = (
        await mutate(
            b,
            "recordExternalPayment",
            {"method": "WIRE", "clientId": b_client, "currency": "USD", "amount": "5.00"},
            "payment { id }",
        )
    )["payment"]["id"]
    own = Own(project=b_project, schedule=b_schedule, prepayment=b_prepayment)

    # Queries: null for every one of A's ids, whatever its kind.
    for name in sorted(id_queries):
        field = schema.query_type.fields[name]
        assert not isinstance(field.type, GraphQLNonNull), f"{name} cannot answer null"
        query = f"query($id: ID!) {{ answer: {name}(id: $id) {{ __typename }} }}"
        for id_ in a_ids.all():
            assert await b.gql(query, {"id": id_}) == {"answer": None}, (name, id_)
    listed = (await b.gql(LIST_QUERIES["projects"]))["projects"]
    assert [node["id"] for node in listed["nodes"]] == [b_project]
    assert listed["totalCount"] == 1
    b_events = (await b.gql(LIST_QUERIES["events"]))["events"]["nodes"]
    assert {event["objectId"] for event in b_events} == {
        b_client,
        b_project,
        b_schedule,
        b_prepayment,
    }
    assert (await b.gql(LIST_QUERIES["webhookEndpoints"]))["webhookEndpoints"] == []
    for search in (None, "A Co", "Co"):
        query = "query($f: ClientFilter) { clients(filter: $f) { totalCount nodes { id } } }"
        found = (await b.gql(query, {"f": {"search": search}}))["clients"]
        assert [node["id"] for node in found["nodes"]] == ([] if search == "A Co" else [b_client])
        assert found["totalCount"] == len(found["nodes"])
    # B's root lists hold B's rows only: no invoice, and its own prepayment.
    assert (await b.gql(LIST_QUERIES["invoices"]))["invoices"] == {"totalCount": 0, "nodes": []}
    assert (await b.gql(LIST_QUERIES["payments"]))["payments"] == {
        "totalCount": 1,
        "nodes": [{"id": b_prepayment}],
    }
    for name in ("invoiceByNumber", "paymentByTransactionId"):
        assert (await b.gql(LIST_QUERIES[name]))[name] is None
    await lists_filtered_by_a_ids(b, a_ids)

    # Mutations with A's ids: NOT_FOUND, and nothing else in the payload.
    calls = 0
    for name in sorted(MUTATION_INPUTS):
        document = (
            f"mutation($input: {input_type_of(schema, name)}) {{ {name}(input: $input) "
            f"{{ {payload_selection(schema, name)} {USER_ERRORS} }} }}"
        )
        for input_ in MUTATION_INPUTS[name](a_ids, own):
            payload = (await b.gql(document, {"input": input_}))[name]
            codes = [error["code"] for error in payload["userErrors"]]
            assert codes and set(codes) == {"NOT_FOUND"}, (name, input_, payload)
            # The error names the id at fault, e.g. ["allocations", "0", "invoiceId"].
            assert all(e["field"][-1].endswith("Id") for e in payload["userErrors"]), payload
            others = {k: v for k, v in payload.items() if k != "userErrors"}
            assert all(is_empty(v) for v in others.values()), (name, payload)
            calls += 1
    assert calls >= len(MUTATION_INPUTS)

    # Mutations without ids act on B's data only.
    created = await mutate(b, "createProject", NO_ID_INPUTS["createProject"], "project { id }")
    assert created["project"]["id"] not in a_ids.all()
    b_named_like_a = await mutate(b, "createClient", NO_ID_INPUTS["createClient"], "client { id }")
    assert b_named_like_a["client"]["id"] != a_ids.client
    processed = await mutate(
        b,
        "processDueInvoiceSchedules",
        NO_ID_INPUTS["processDueInvoiceSchedules"],
        "invoices { id project { id } }",
    )
    assert {i["project"]["id"] for i in processed["invoices"]} <= {b_project}

    after = await snapshot(api, a_ids)
    assert after == before
    # And A's due schedule item is still there for A to run: B's processDue did not touch it.
    [a_project] = [p for p in after["data"]["projects"]["nodes"] if p["id"] == a_ids.project]
    schedules = a_project["invoiceSchedules"]
    assert [item["status"] for item in schedules[0]["items"]] == ["PENDING", "PENDING"]


async def lists_filtered_by_a_ids(b: Api, a_ids: Ids) -> None:
    """B's root lists and aging report, filtered by A's ids, show none of A's rows."""
    assert (await b.gql(LIST_QUERIES["creditNotes"]))["creditNotes"] == {
        "totalCount": 0,
        "nodes": [],
    }
    for root, (filter_type, *fields) in FILTERS_WITH_A_IDS.items():
        query = f"query($f: {filter_type}) {{ {root}(filter: $f) {{ totalCount nodes {{ id }} }} }}"
        for field, kind in fields:
            found = (await b.gql(query, {"f": {field: getattr(a_ids, kind)}}))[root]
            assert found == {"totalCount": 0, "nodes": []}, (root, field)
    aging = "query($c: ID, $p: ID) { agingReport(clientId: $c, projectId: $p) { rows { total } } }"
    for variables in ({"c": a_ids.client}, {"p": a_ids.project}, {}):
        assert (await b.gql(aging, variables))["agingReport"]["rows"] == [], variables
