import type { AdminFlaggedUser, AdminMarginReport, AdminPlanMargin } from '@chat/contract/api';
import type { Db } from '../db/client';
import { revenuePerUser } from '../db/queries/payments';
import { FREE_PLAN_ID, listPlans } from '../db/queries/plans';
import { costPerUser, type CurrencyCost } from '../db/queries/usage-events';
import { iso } from './views';

/** Users the report names one by one; the count of all of them is given too. */
export const FLAGGED_SHOWN = 100;

const MICROS = 1_000_000;

/* Typed from the route schema through the generated contract, so the report cannot drift from it. */
type MarginFigures = AdminMarginReport['totals'];
export type MarginReport = AdminMarginReport;
type PlanMargin = AdminPlanMargin;
type FlaggedUser = AdminFlaggedUser;

type UserLedger = {
  userId: string;
  email: string | null;
  name: string | null;
  payments: number;
  grossKrw: number;
  refundedKrw: number;
  /** The plan of the latest payment of the month, and when it was made. */
  paidPlan: { planId: string; at: number } | null;
  planInForce: string | null;
  cost: CurrencyCost[];
};

/** Sums of KRW shown to the won's hundredth: a single answer costs a fraction of a won. */
function krw(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The UTC month `2026-11` as [from, to) in epoch ms. */
export function monthRange(month: string): { fromMs: number; toMs: number } {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  return { fromMs: Date.UTC(year, mon - 1, 1), toMs: Date.UTC(year, mon, 1) };
}

/** The UTC month `now` falls in, as `2026-11`. */
export function currentMonth(now: number): string {
  return new Date(now).toISOString().slice(0, 7);
}

/** A cost in KRW where a rate is known (KRW itself needs none); the rest stays in its own currency. */
function convert(cost: CurrencyCost[], ratesKrw: Record<string, number>): { costKrw: number; unconverted: CurrencyCost[] } {
  let costKrw = 0;
  const unconverted: CurrencyCost[] = [];
  for (const c of cost) {
    const rate = c.currency === 'KRW' ? 1 : ratesKrw[c.currency];
    if (rate === undefined) unconverted.push(c);
    else costKrw += (c.costMicros / MICROS) * rate;
  }
  return { costKrw, unconverted };
}

function addCosts(into: CurrencyCost[], more: CurrencyCost[]): void {
  for (const c of more) {
    const same = into.find((x) => x.currency === c.currency);
    if (same) same.costMicros += c.costMicros;
    else into.push({ ...c });
  }
}

/**
 * Each plan's revenue in a UTC month next to what its users' answers cost the provider.
 *
 * Revenue is the Toss payments approved in the month (KRW), net of refunds: a payment canceled
 * in part counts what is left of it, one canceled whole counts nothing, whenever the refund
 * came. Costs are the month's `cost_micros`, converted to KRW at `ratesKrw` (FX_RATES_KRW);
 * a currency without a rate is reported as it is and flagged, never dropped.
 *
 * Attribution: a user who paid in the month belongs to the plan their latest payment of the
 * month bought, with all of that month's payments and costs; a user who did not pay belongs to
 * the plan in force for them now (free once a paid plan lapsed; free for a deleted user). So
 * every user is counted in exactly one plan, and the plans' rows add up to the totals.
 * Flagged: users whose converted cost exceeds what they paid, or whose cost could not be
 * converted, the biggest excess first.
 */
export async function marginReport(db: Db, month: string, ratesKrw: Record<string, number>, now = Date.now()): Promise<MarginReport> {
  const { fromMs, toMs } = monthRange(month);
  const [revenue, costs, plans] = await Promise.all([revenuePerUser(db, fromMs, toMs), costPerUser(db, fromMs, toMs, now), listPlans(db)]);

  const ledgers = new Map<string, UserLedger>();
  const ledgerOf = (row: { userId: string; email: string | null; name: string | null }): UserLedger => {
    let ledger = ledgers.get(row.userId);
    if (!ledger) {
      ledger = { userId: row.userId, email: row.email, name: row.name, payments: 0, grossKrw: 0, refundedKrw: 0, paidPlan: null, planInForce: null, cost: [] };
      ledgers.set(row.userId, ledger);
    }
    return ledger;
  };
  for (const r of revenue) {
    const ledger = ledgerOf(r);
    ledger.payments += r.payments;
    ledger.grossKrw += r.grossKrw;
    ledger.refundedKrw += r.refundedKrw;
    if (!ledger.paidPlan || r.lastApprovedAt > ledger.paidPlan.at) ledger.paidPlan = { planId: r.planId, at: r.lastApprovedAt };
  }
  for (const c of costs) {
    const ledger = ledgerOf(c);
    ledger.planInForce = c.planInForce;
    ledger.cost.push({ currency: c.currency, costMicros: c.costMicros });
  }

  const rows = new Map<string, PlanMargin>();
  const zero = (): MarginFigures => ({ users: 0, payments: 0, grossKrw: 0, refundedKrw: 0, revenueKrw: 0, costKrw: 0, unconverted: [], marginKrw: 0 });
  const blank = (planId: string, name: string): PlanMargin => ({ planId, name, ...zero() });
  for (const plan of plans) rows.set(plan.id, blank(plan.id, plan.name));
  const flagged: (FlaggedUser & { excess: number })[] = [];

  for (const ledger of ledgers.values()) {
    const planId = ledger.paidPlan?.planId ?? ledger.planInForce ?? FREE_PLAN_ID;
    let row = rows.get(planId);
    if (!row) {
      // A plan deleted since: its money still counts, under its id.
      row = blank(planId, planId);
      rows.set(planId, row);
    }
    const paidKrw = ledger.grossKrw - ledger.refundedKrw;
    const { costKrw, unconverted } = convert(ledger.cost, ratesKrw);
    row.users += 1;
    row.payments += ledger.payments;
    row.grossKrw += ledger.grossKrw;
    row.refundedKrw += ledger.refundedKrw;
    row.revenueKrw += paidKrw;
    row.costKrw += costKrw;
    addCosts(row.unconverted, unconverted);
    if (costKrw > paidKrw || unconverted.length > 0) {
      flagged.push({ userId: ledger.userId, email: ledger.email, name: ledger.name, planId, paidKrw, costKrw: krw(costKrw), unconverted, excess: costKrw - paidKrw });
    }
  }

  const planRows = [...rows.values()].map((r) => ({ ...r, costKrw: krw(r.costKrw), marginKrw: krw(r.revenueKrw - r.costKrw) }));
  const totals = zero();
  for (const r of planRows) {
    totals.users += r.users;
    totals.payments += r.payments;
    totals.grossKrw += r.grossKrw;
    totals.refundedKrw += r.refundedKrw;
    totals.revenueKrw += r.revenueKrw;
    totals.costKrw += r.costKrw;
    addCosts(totals.unconverted, r.unconverted);
  }
  flagged.sort((a, b) => b.excess - a.excess || a.userId.localeCompare(b.userId));

  return {
    month,
    from: iso(fromMs),
    to: iso(toMs),
    ratesKrw,
    plans: planRows,
    totals: { ...totals, costKrw: krw(totals.costKrw), marginKrw: krw(totals.revenueKrw - totals.costKrw) },
    flagged: flagged.slice(0, FLAGGED_SHOWN).map(({ userId, email, name, planId, paidKrw, costKrw, unconverted }) => ({ userId, email, name, planId, paidKrw, costKrw, unconverted })),
    flaggedTotal: flagged.length,
  };
}
