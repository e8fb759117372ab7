"""Largest-remainder allocation of an integer amount over weights (docs/pricing.md).

Every discount, every tender and every point of a cart sale is spread over its lines with
:func:`allocate`, so each line knows its own share in whole fen and a later partial refund
gives back exactly what the line carried.

The method: share_i = floor(total × w_i / W) for W = sum of the weights; the fen left over
(fewer than the number of lines) go one each to the lines with the largest remainders
``total × w_i mod W``. Ties go to the larger weight, then to the earlier line. Hence:

* the shares sum to ``total`` exactly and none is negative;
* when ``total <= W`` no share exceeds its weight (a discount never takes a line below 0);
* when ``total == W`` every share equals its weight;
* a weight of 0 gets 0.

The two-way stored-value split (:func:`app.domain.pricing.split_stored_value`) keeps its own
rule — the bonus part floored, the principal the rest — which its ledgers were written by.
"""

from __future__ import annotations

from collections.abc import Sequence


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` spread over ``weights`` by the largest remainder (module docstring)."""
    if total < 0:
        raise ValueError(f"cannot allocate a negative amount {total}")
    if any(w < 0 for w in weights):
        raise ValueError(f"weights must not be negative: {list(weights)}")
    if total == 0:  # most of a sale's allocations (no order discount, 抹零 or points)
        return [0] * len(weights)
    whole = sum(weights)
    if whole == 0:
        if total:
            raise ValueError(f"cannot allocate {total} over weights that are all zero")
        return [0] * len(weights)
    shares = []
    remainders = []
    for i, w in enumerate(weights):
        share, rest = divmod(total * w, whole)
        shares.append(share)
        remainders.append((-rest, -w, i))
    left = total - sum(shares)
    for _rest, _w, i in sorted(remainders)[:left]:
        shares[i] += 1
    return shares


def allocate_columns(row_totals: Sequence[int], column_totals: Sequence[int]) -> list[list[int]]:
    """A table of non-negative integers whose rows and columns sum to the given totals.

    Used for tenders over lines: rows are the lines' amounts due, columns the tenders (in
    the order given). Each column but the last is allocated by :func:`allocate` over what
    the rows still lack; the last column takes what each row still lacks.
    """
    if sum(row_totals) != sum(column_totals):
        raise ValueError(f"rows sum to {sum(row_totals)}, columns to {sum(column_totals)}")
    if any(r < 0 for r in row_totals) or any(c < 0 for c in column_totals):
        raise ValueError("row and column totals must not be negative")
    lacking = list(row_totals)
    table = [[0] * len(column_totals) for _ in row_totals]
    for j, column in enumerate(column_totals):
        last = j == len(column_totals) - 1
        shares = list(lacking) if last else allocate(column, lacking)
        for i, share in enumerate(shares):
            table[i][j] = share
            lacking[i] -= share
    return table
