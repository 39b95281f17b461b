"""A complete report as a reporter would file it (made-up company: a fixture)."""

from __future__ import annotations

from typing import Any

from assistant.reports.schema import BarrierReport


def complete_report(**changes: Any) -> BarrierReport:
    data: dict[str, Any] = {
        "reporter": {"name": "张伟", "organisation": "宁波示例餐具有限公司（fixture）", "phone": "13812345678",
                     "email": "zhang.wei@example.com", "type": "company"},
        "market": "DEU",
        "product": {"description": "儿童餐具", "hs": "392410"},
        "measure": {"ntm_code": "A22"},
        "incident": {"description": "德国海关说我们的儿童餐具三聚氰胺迁移超标，扣了两柜货，损失大概8万美元",
                     "first_met": "2024-03-05"},
        "impact": {"lost_sales": 80000, "currency": "USD", "shipments_affected": 2},
        "request": ["explanation", "transition_period"],
        "language": "zh",
        "channel": "test",
    }
    for path, value in changes.items():
        target = data
        parts = path.split("__")
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return BarrierReport.model_validate(data)
