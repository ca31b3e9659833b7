import type { Ledger } from '../../../src/index.js';
import { createBudgetGuard } from '../../../src/index.js';

export const T2V = 'luma/agent/ray/v3.2/text-to-video';
const I2V = 'luma/agent/ray/v3.2/image-to-video';
const PROMPT = { prompt: 'a lighthouse at dusk' };
const IMAGE = { ...PROMPT, image_url: 'https://example.com/a.png' };
const at = (iso: string) => Date.parse(iso);

/** Holds that outlive any test run: still open whenever the CLI reads the ledger. */
const CENTURY_MS = 100 * 365 * 24 * 60 * 60 * 1000;

/**
 * Fills a ledger through the real guard, at fixed instants, with every kind of hold the CLI must
 * show: committed, released, expired by a later operation, due but not yet expired by any
 * operation (the last one written), and open. Figures (fal 2026-11-21 prices):
 *   2026-11-24  user 42  $4.00 committed · user 7 $1.00 released · user 7 $1.00 (expires unsettled)
 *               user 42  $1.00 open (fills its $5.00 day) · user 9 $2.00 open
 *   2026-11-25  user 42  $0.50 image-to-video committed (the user-7 hold expires here)
 *               user 7   $1.00 held, due 2026-11-25T10:30Z, never settled: the file still says held
 */
export async function fillLedger(ledger: Ledger): Promise<void> {
  let now = at('2026-11-24T10:00:00Z');
  const budgets = [{ name: 'total', limit: '100.00' }, { name: 'per-user-daily', limit: '5.00', window: 'day' as const, scope: 'user' }];
  const common = { budgets, ledger, now: () => now, onWarning: () => {} };
  const hourly = createBudgetGuard(common);
  const lasting = createBudgetGuard({ ...common, holdTtlMs: CENTURY_MS });
  const user = (id: string) => ({ context: { user: id } });

  await (await hourly.reserve(T2V, { ...PROMPT, resolution: '1080p', duration: '10s' }, user('42'))).commit();
  now += 60_000;
  await (await hourly.reserve(T2V, { ...PROMPT, resolution: '540p', duration: '10s' }, user('7'))).release();
  now += 60_000;
  await hourly.reserve(T2V, { ...PROMPT, resolution: '720p', duration: '5s' }, user('7'));
  now += 60_000;
  await lasting.reserve(T2V, { ...PROMPT, resolution: '720p', duration: '5s' }, user('42'));
  await lasting.reserve(T2V, { ...PROMPT, resolution: '1080p', duration: '5s' }, user('9'));
  now = at('2026-11-25T09:00:00Z');
  await (await hourly.reserve(I2V, { ...IMAGE, resolution: '540p', duration: '5s' }, user('42'))).commit();
  now = at('2026-11-25T09:30:00Z');
  await hourly.reserve(T2V, { ...PROMPT, resolution: '540p', duration: '10s' }, user('7'));
  await ledger.close?.();
}
