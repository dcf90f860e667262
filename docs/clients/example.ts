// A typed client with no library: fetch plus the types graphql-codegen generated from
// schema.graphql for operations.graphql. A breaking schema change fails `tsc --strict` here.
import type {
  InvoiceByNumberQuery,
  InvoiceByNumberQueryVariables,
  ProjectBalancesQuery,
  ProjectBalancesQueryVariables,
  RecordExternalPaymentMutation,
  RecordExternalPaymentMutationVariables,
} from './generated';

const URL = 'http://127.0.0.1:8000/graphql';

async function graphql<Data, Variables>(
  key: string,
  query: string,
  variables: Variables,
): Promise<Data> {
  const response = await fetch(URL, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Data; errors?: { message: string }[] };
  if (body.errors?.length || body.data === undefined) {
    throw new Error(body.errors?.map((e) => e.message).join('; ') ?? 'no data');
  }
  return body.data;
}

export async function overdueProjects(key: string, document: string): Promise<string[]> {
  const data = await graphql<ProjectBalancesQuery, ProjectBalancesQueryVariables>(
    key,
    document,
    { first: 50 },
  );
  // Amounts are decimal strings in the currency's minor digits: compare them exactly.
  return data.projects.nodes
    .filter((project) => project.balance.overdueAmount !== '0.00')
    .map((project) => `${project.name}: ${project.balance.overdueAmount} ${project.currency}`);
}

export async function amountDue(key: string, document: string, number: string): Promise<string> {
  const data = await graphql<InvoiceByNumberQuery, InvoiceByNumberQueryVariables>(
    key,
    document,
    { number },
  );
  const invoice = data.invoiceByNumber;
  return invoice === null || invoice === undefined
    ? `${number}: not found`
    : `${invoice.number} (${invoice.status}): ${invoice.balanceDue} ${invoice.currency} due ${invoice.dueOn ?? 'never'}`;
}

export async function payByWire(
  key: string,
  document: string,
  invoiceId: string,
  amount: string,
): Promise<string> {
  const variables: RecordExternalPaymentMutationVariables = {
    input: { method: 'WIRE', allocations: [{ invoiceId, amount }], reference: 'wire 0042' },
  };
  const data = await graphql<RecordExternalPaymentMutation, RecordExternalPaymentMutationVariables>(
    key,
    document,
    variables,
  );
  const { payment, userErrors } = data.recordExternalPayment;
  if (userErrors.length > 0) {
    return userErrors.map((e) => `${e.code} at ${(e.field ?? []).join('.')}: ${e.message}`).join('\n');
  }
  return payment ? `${payment.id}: ${payment.amount}` : 'no payment';
}
