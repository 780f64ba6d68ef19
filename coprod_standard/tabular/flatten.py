"""A dataset as tables: each table's rows, as JSON values in column order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .rules import Column, Table, tables


def value_at(item: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(item, dict) or key not in item:
            return None
        item = item[key]
    return item


def items_at(data: Any, path: tuple[str, ...], ids: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Each item of the list at ``path`` ("*" marks lists), with its ancestors' ids."""
    if not path:
        yield ids, data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(data, list):
            for item in data:
                inner = ids + (item.get("id") if isinstance(item, dict) else None,)
                yield from items_at(item, rest, inner if rest else ids)
        return
    if isinstance(data, dict) and head in data:
        yield from items_at(data[head], rest, ids)


def _row(item: Any, ids: tuple, columns: list[Column]) -> list[Any]:
    row = []
    for column in columns:
        if column.link is not None:
            row.append(ids[column.link] if column.link < len(ids) else None)
        else:
            row.append(value_at(item, column.path))
    return row


def flatten(dataset: dict, version: str) -> Iterator[tuple[Table, Iterator[list[Any]]]]:
    """Every table with its rows, parents before children."""
    for table in tables(version):
        if not table.path:
            yield table, iter([_row(dataset, (), table.columns)])
            continue
        rows = (_row(item, ids, table.columns)
                for ids, item in items_at(dataset, table.item_path))
        yield table, rows
