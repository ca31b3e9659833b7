import {
  commitHold, expireHolds, linkRequest, releaseHold, reserveHold, settleRequestHold, type LedgerState,
} from '../../core/budget/ledger-state.js';
import type { BudgetKey, HoldDetails, LinkRequest, ReserveRequest, ReserveResult, Settlement, SettleResult } from '../../core/budget/ledger-types.js';
import { InvalidLedgerRequestError } from '../../core/errors/index.js';

/**
 * An operation that may change a ledger, as the file ledger's log records it and every process
 * replays it: the same pure transition of ledger-state.ts, on the same state, in the same order,
 * gives every process the same ledger. `expire` stands for a read (or a refused call) that found
 * holds due: only their expiry changed anything.
 */
export type LedgerCommand =
  | { readonly op: 'reserve'; readonly request: ReserveRequest }
  | { readonly op: 'commit' | 'release'; readonly holdId: string; readonly now: number }
  | { readonly op: 'link'; readonly request: LinkRequest }
  | { readonly op: 'settleRequest'; readonly requestId: string; readonly settlement: Settlement; readonly now: number; readonly app?: string }
  | { readonly op: 'expire'; readonly now: number };

export type CommandResult = ReserveResult | SettleResult | boolean | undefined;

export function runCommand(state: LedgerState, command: LedgerCommand): CommandResult {
  switch (command.op) {
    case 'reserve':
      return reserveHold(state, command.request);
    case 'commit':
      return commitHold(state, command.holdId, command.now);
    case 'release':
      return releaseHold(state, command.holdId, command.now);
    case 'link':
      return linkRequest(state, command.request);
    case 'settleRequest':
      return settleRequestHold(state, command.requestId, command.settlement, command.now, command.app);
    case 'expire':
      expireHolds(state, command.now);
      return undefined;
  }
}

// What a caller passes is copied field by field into a plain command before it is applied, so
// the writer applies exactly what its record says and a replay sees the same input.

function invalid(field: string, expected: string, value: unknown): InvalidLedgerRequestError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new InvalidLedgerRequestError('invalid_ledger_request', `ledger: ${field} must be ${expected} (got ${shown})`);
}

export function checkTime(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, 'a time in epoch milliseconds', value);
  return value;
}

function checkString(field: string, value: unknown): string {
  if (typeof value !== 'string') throw invalid(field, 'a string', value);
  return value;
}

function copyDetails(details: HoldDetails): HoldDetails {
  const copy: { -readonly [K in keyof HoldDetails]: HoldDetails[K] } = {};
  for (const field of ['endpoint', 'provider', 'pricingVersion', 'pricingSha256'] as const) {
    const value = details[field];
    if (value !== undefined) copy[field] = checkString(`details.${field}`, value);
  }
  if (details.scope !== undefined) {
    if (typeof details.scope !== 'object' || details.scope === null) throw invalid('details.scope', 'an object of scope ids', details.scope);
    const scope: Record<string, string> = {};
    for (const [kind, id] of Object.entries(details.scope)) scope[kind] = checkString(`details.scope.${kind}`, id);
    copy.scope = scope;
  }
  return copy;
}

function copyBudget(budget: BudgetKey, index: number): BudgetKey {
  if (typeof budget !== 'object' || budget === null) throw invalid(`budgets[${index}]`, 'a budget { key, limit }', budget);
  const key = checkString(`budgets[${index}].key`, budget.key);
  const limit = checkString(`budgets[${index}].limit`, budget.limit);
  if (budget.windowEndsAt === undefined) return { key, limit };
  return { key, limit, windowEndsAt: checkTime(`budgets[${index}].windowEndsAt`, budget.windowEndsAt) };
}

export function reserveCommand(request: ReserveRequest): LedgerCommand {
  if (typeof request !== 'object' || request === null) throw invalid('reserve', 'a reserve request', request);
  if (!Array.isArray(request.budgets)) throw invalid('budgets', 'an array of budgets', request.budgets);
  const copy: { -readonly [K in keyof ReserveRequest]: ReserveRequest[K] } = {
    holdId: checkString('holdId', request.holdId),
    // Checked as money by the transition itself, which refuses anything but a decimal string.
    amount: request.amount,
    budgets: request.budgets.map(copyBudget),
    expiresAt: checkTime('expiresAt', request.expiresAt),
    now: checkTime('now', request.now),
  };
  if (request.details !== undefined) copy.details = copyDetails(request.details);
  return { op: 'reserve', request: copy };
}

export function settleCommand(op: 'commit' | 'release', holdId: string, now: number): LedgerCommand {
  return { op, holdId: checkString('holdId', holdId), now: checkTime('now', now) };
}

export function linkCommand(request: LinkRequest): LedgerCommand {
  if (typeof request !== 'object' || request === null) throw invalid('link', 'a link request', request);
  const copy = { requestId: checkString('requestId', request.requestId), holdId: checkString('holdId', request.holdId), now: checkTime('now', request.now) };
  return { op: 'link', request: request.app === undefined ? copy : { ...copy, app: checkString('app', request.app) } };
}

export function settleRequestCommand(requestId: string, settlement: Settlement, now: number, app: string | undefined): LedgerCommand {
  if (settlement !== 'commit' && settlement !== 'release') throw invalid('settlement', '"commit" or "release"', settlement);
  const command = { op: 'settleRequest' as const, requestId: checkString('requestId', requestId), settlement, now: checkTime('now', now) };
  return app === undefined ? command : { ...command, app: checkString('app', app) };
}
