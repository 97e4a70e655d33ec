"""The condition a keyset page starts with: the rows after the last one shown, in an index's order.

`after(keys, values)` is the row-value comparison `(k1, k2, …) > (v1, v2, …)` (or `<` going backwards) with the
first key's bound on its own beside it (`k1 >= v1`): SQLite seeks a range of an index only by a plain bound on a
column, not by the lexicographic OR (`k1 > v1 OR (k1 = v1 AND k2 > v2)`), which it reads from the start of the
range and filters row by row, so that page N would cost N pages. PostgreSQL seeks by either.
tests/web/test_stage_list_query_plans.py checks the plans.
"""

from sqlalchemy import and_, literal, tuple_


def after(keys, values, descending=False):
    """Rows after `values` in the order of `keys` (all ascending, or all descending)."""
    row = tuple_(*keys)
    bound = tuple_(*(literal(value, key.type) for key, value in zip(keys, values, strict=True)))
    first = literal(values[0], keys[0].type)
    if descending:
        return and_(keys[0] <= first, row < bound)
    return and_(keys[0] >= first, row > bound)
