"""The dashboard: the cases by next due date, in buckets (overdue, this week, later, none),
filtered by body, benefit and status. Reads only the clear columns the store indexes; opens
only the page's rows, for a short name."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from assistant.casefiles.store import Store
from assistant.casefiles.tables import CaseRow


class DashboardRow(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    name: str                          # "Amina B." — enough to recognise, opened for display only
    organism: str
    benefit: str
    situation: str
    status: str
    next_due: Optional[dt.date]
    bucket: str                        # overdue | this_week | later | none


class Dashboard(BaseModel):
    model_config = ConfigDict(frozen=True)
    rows: list[DashboardRow]
    counts: dict[str, int]             # per bucket, over every matching case (not only this page)
    total: int


BUCKETS = ("overdue", "this_week", "later", "none")


def bucket_of(next_due: Optional[dt.date], today: dt.date) -> str:
    if next_due is None:
        return "none"
    if next_due < today:
        return "overdue"
    return "this_week" if next_due <= today + dt.timedelta(days=7) else "later"


def dashboard(store: Store, today: dt.date, actor: Any = None, organism: Optional[str] = None,
              benefit: Optional[str] = None, status: Optional[str] = "open", bucket: Optional[str] = None,
              limit: int = 50, offset: int = 0) -> Dashboard:
    """The cases by next due date (overdue first, undated last), filtered; the counts
    per bucket cover every matching case. One indexed query for the page, one for the
    counts; only the page's rows are opened (for the name)."""
    store.require(actor, "case.read")
    filters = []
    if actor is not None:
        filters.append(CaseRow.organisation_id == actor.organisation_id)
    if organism:
        filters.append(CaseRow.organism_kind == organism)
    if benefit:
        filters.append(CaseRow.benefit == benefit)
    if status:
        filters.append(CaseRow.status == status)
    week = today + dt.timedelta(days=7)
    due = CaseRow.next_due
    ranges = {"overdue": (due < today,), "this_week": (due >= today, due <= week), "later": (due > week,),
              "none": (due.is_(None),)}
    columns = (CaseRow.id, CaseRow.sealed, CaseRow.organism_kind, CaseRow.benefit, CaseRow.situation,
               CaseRow.status, CaseRow.next_due)
    with store.read() as session:
        # One index range count per bucket (cheap) rather than one grouped scan.
        counts = {name: session.scalar(select(func.count()).select_from(CaseRow).where(*filters, *condition))
                  for name, condition in ranges.items()}
        dated = (*filters, due.is_not(None)) if bucket is None else (*filters, *ranges[bucket])
        dated_total = (sum(counts[b] for b in BUCKETS if b != "none") if bucket is None else counts[bucket])
        found = []
        if bucket != "none" and offset < dated_total:
            # Ordered by the index (organisation, status, next due): no sort of every case.
            found = list(session.execute(select(*columns).where(*dated).order_by(due, CaseRow.id)
                                         .limit(limit).offset(offset)))
        if bucket in (None, "none") and len(found) < limit:
            skip = max(0, offset - (dated_total if bucket is None else 0))
            found += list(session.execute(select(*columns).where(*filters, due.is_(None)).order_by(CaseRow.id)
                                          .limit(limit - len(found)).offset(skip)))
        rows = [DashboardRow(id=r.id, name=_short_name(store.sealer.open(r.sealed)), organism=r.organism_kind,
                             benefit=r.benefit, situation=r.situation, status=r.status, next_due=r.next_due,
                             bucket=bucket_of(r.next_due, today))
                for r in found]
    return Dashboard(rows=rows, counts=counts, total=sum(counts.values()))


def _short_name(data: dict) -> str:
    """First name and initial: enough for the person's mediator to recognise the file."""
    claimant = data.get("claimant", {})
    last = (claimant.get("last_name") or "").strip()
    return f"{claimant.get('first_name', '').strip()} {last[:1] + '.' if last else ''}".strip()
