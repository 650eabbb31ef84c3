// Budget checks for the Node bench scripts, the same as bench/budget.sh does for bash: the budgets
// come from bench/budgets.env, each figure prints as `NAME: VALUE UNIT (budget ≤ B UNIT) ok` or
// `... MISSED` (or `(no budget)`), and when scripts/bench sets BENCH_SUMMARY every figure is also
// appended there as a tab-separated row (figure, measured, budget, result) for its summary table.
import { appendFileSync, readFileSync } from 'node:fs';

/** NAME=number lines of a budgets file, comments and blank lines skipped. */
export function parseBudgets(text) {
  const budgets = {};
  for (const [number, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Z][A-Z0-9_]*)=(-?\d+(?:\.\d+)?)$/.exec(line);
    if (!match) throw new Error(`budgets.env line ${number + 1} is not NAME=number: ${line}`);
    budgets[match[1]] = Number(match[2]);
  }
  return budgets;
}

/** The budgets of bench/budgets.env; asking for one that is not there is an error. */
export function readBudgets(url = new URL('./budgets.env', import.meta.url)) {
  const budgets = parseBudgets(readFileSync(url, 'utf8'));
  return new Proxy(budgets, {
    get(target, name) {
      if (typeof name === 'string' && !(name in target)) throw new Error(`bench/budgets.env has no ${name}`);
      return target[name];
    },
  });
}

const signs = { 'at-most': '≤', 'at-least': '≥' };

/**
 * Judges one figure against its budget. `value` is a number, or null when it could not be
 * measured (which misses the budget); `shown` is how the value prints (default: as is).
 */
export function judge({ name, value, shown, budget, direction, unit = '' }) {
  const sign = signs[direction];
  if (!sign) throw new Error(`${name}: the direction is at-most or at-least, not ${direction}`);
  const u = unit ? ` ${unit}` : '';
  const measured = value == null || Number.isNaN(value) ? 'not measured' : `${shown ?? value}${u}`;
  const ok = typeof value === 'number' && !Number.isNaN(value)
    && (direction === 'at-most' ? value <= budget : value >= budget);
  const result = ok ? 'ok' : 'MISSED';
  return { ok, line: `${name}: ${measured} (budget ${sign} ${budget}${u}) ${result}`, row: [name, measured, `${sign} ${budget}${u}`, result] };
}

/** Collects the figures of one script; `missed` counts the budgets missed so far. */
export class Budgets {
  constructor(summary = process.env.BENCH_SUMMARY) {
    this.summary = summary || null;
    this.missed = 0;
  }

  #record(line, row) {
    console.log(line);
    if (this.summary) appendFileSync(this.summary, `${row.join('\t')}\n`);
  }

  check(figure) {
    const { ok, line, row } = judge(figure);
    if (!ok) this.missed += 1;
    this.#record(line, row);
    return ok;
  }

  none({ name, value, shown, unit = '' }) {
    const measured = `${shown ?? value}${unit ? ` ${unit}` : ''}`;
    this.#record(`${name}: ${measured} (no budget)`, [name, measured, 'no budget', '-']);
  }
}
