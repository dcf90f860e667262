"""The SQL of the application, built once at import.

How a write is done (copy this pattern; there is one):
- The statements live here, as module constants: a `PreparedSelect` for each read (add
  `.with_for_update()` to the rows a rule is checked against) and a `PreparedWrite` for each
  insert or update (credit_writes.py, payment_writes.py). Bound names of an UPDATE must not be
  column names (`:invoice_account`, not `:account_id`), or they join the SET clause.
- The domain function takes `db: Statements` (db/statements.py) and the `Caller`, locks in the
  one order every writer follows (payment or credit note, then invoices in id order), checks
  every rule, raises `DomainError`s before writing anything, then runs its writes with
  `await db.execute((STATEMENT, parameters), ...)`. It returns a row or an object with `.id`.
- The resolver runs it with `run_statements` (resolvers/mutations.py): one transaction, one
  trip on SQLite, idempotency keys and userErrors handled there.
"""
