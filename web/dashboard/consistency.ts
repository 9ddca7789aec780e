import { readSession } from '../auth/tokens.js';
import { formatNumber } from '../format.js';
import { language, t } from '../i18n.js';
import type { CommuneConsistencyQuery } from '../../schema/operations/types.generated.js';
import { send, type GraphQLResult } from './api.js';
import { el, errorBox } from './dom.js';
import { COMMUNE_CONSISTENCY } from './queries.js';

// The consistency page (#consistency/<code>): where a caseworker works through the findings of
// their commune, the households whose records disagree between departments (issue 17). The
// graph decides what a caller sees: a caseworker only their communes, the public nothing.

export const CONSISTENCY_YEARS = [2022, 2023, 2024, 2025];
export const DEFAULT_CONSISTENCY_YEAR = COMMUNE_CONSISTENCY.variables.year;
const PAGE_SIZE = COMMUNE_CONSISTENCY.variables.first;

type ConsistencyAnswer = CommuneConsistencyQuery;
type Consistency = NonNullable<NonNullable<ConsistencyAnswer['commune']>['consistency']>;
type Rule = Consistency['byRule'][number]['rule'];
type Finding = Consistency['findings']['edges'][number]['node'];

/** What the page shows: a commune, a year, the page of findings and how it was reached. */
export interface ConsistencyState {
  code: string;
  year: number;
  /** The cursors of the pages before this one (for "previous"); the last is this page's `after`. */
  cursors: Array<string | null>;
  answer: GraphQLResult<ConsistencyAnswer> | null;
}

export function newConsistencyState(code: string, year = DEFAULT_CONSISTENCY_YEAR): ConsistencyState {
  return { code, year, cursors: [null], answer: null };
}

export async function loadConsistency(state: ConsistencyState): Promise<GraphQLResult<ConsistencyAnswer>> {
  return send(COMMUNE_CONSISTENCY, { code: state.code, year: state.year, first: PAGE_SIZE, after: state.cursors.at(-1) ?? null });
}

const department = (d: string) => t(`consistency.department.${d}`);
const ruleName = (code: string) => t(`consistency.rule.${code}`);
const describe = (rule: Rule) => (language() === 'vi' ? rule.descriptionVi : rule.description);

/** The page; `go` asks for another state (a year, the next or previous page). */
export function renderConsistency(target: HTMLElement, state: ConsistencyState, go: (next: ConsistencyState) => void): void {
  const { code, year, answer } = state;
  const commune = answer?.data?.commune;
  target.replaceChildren(
    el('a', { href: `#commune/${code}`, class: 'close' }, t('consistency.back')),
    el('h2', {}, t('consistency.title'), ' ', el('span', { class: 'muted' }, commune ? `${commune.name} (${code})` : code)),
    el('p', { class: 'muted' }, t('consistency.intro')),
  );
  if (!readSession()) {
    target.append(el('p', { class: 'muted', id: 'consistency-sign-in' }, t('consistency.signInToSee')));
    return;
  }
  const select = el(
    'select',
    { id: 'consistency-year', 'aria-label': t('consistency.year') },
    ...CONSISTENCY_YEARS.map((y) => el('option', { value: String(y) }, String(y))),
  );
  select.value = String(year);
  select.addEventListener('change', () => go(newConsistencyState(code, Number(select.value))));
  target.append(el('div', { class: 'filters' }, el('label', {}, `${t('consistency.year')} `, select)));
  if (!answer) {
    target.append(el('p', { class: 'muted' }, t('app.loading')));
    return;
  }
  if (answer.errors.length) target.append(errorBox(answer.errors.map((e) => e.message)));
  const consistency = commune?.consistency;
  if (!consistency) {
    if (!answer.errors.length) target.append(errorBox([t('consistency.notYours', { code })]));
    return;
  }
  target.append(summary(consistency.byRule), findingsTable(consistency.findings.edges.map((e) => e.node)));
  const page = state.cursors.length;
  const shown = consistency.findings.edges.length;
  const first = (page - 1) * PAGE_SIZE;
  const previous = el('button', { type: 'button', id: 'consistency-previous', disabled: page === 1 }, t('consistency.previous'));
  previous.addEventListener('click', () => go({ ...state, cursors: state.cursors.slice(0, -1), answer: null }));
  const next = el('button', { type: 'button', id: 'consistency-next', disabled: !consistency.findings.pageInfo.hasNextPage }, t('consistency.next'));
  next.addEventListener('click', () => go({ ...state, cursors: [...state.cursors, consistency.findings.pageInfo.endCursor], answer: null }));
  target.append(
    el(
      'div',
      { class: 'filters pager' },
      previous,
      el(
        'span',
        { class: 'muted', id: 'consistency-range' },
        shown ? t('consistency.range', { from: formatNumber(first + 1), to: formatNumber(first + shown), total: formatNumber(consistency.totalCount) }) : '',
      ),
      next,
    ),
  );
}

function summary(byRule: Consistency['byRule']): HTMLElement {
  return el(
    'div',
    { class: 'table-scroll' },
    el(
      'table',
      { class: 'data', id: 'consistency-rules' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', {}, t('consistency.column.rule')),
          el('th', {}, t('consistency.column.departments')),
          el('th', { class: 'num' }, t('consistency.column.count')),
        ),
      ),
      el(
        'tbody',
        {},
        ...byRule.map(({ rule, count }) =>
          el(
            'tr',
            { 'data-key': rule.code },
            el('td', { class: 'wrap' }, el('strong', {}, ruleName(rule.code)), el('br'), el('span', { class: 'muted' }, describe(rule))),
            el('td', { class: 'wrap' }, rule.departments.map(department).join(', ')),
            el('td', { class: 'num' }, formatNumber(count)),
          ),
        ),
      ),
    ),
  );
}

function findingsTable(findings: Finding[]): HTMLElement {
  if (!findings.length) return el('p', { class: 'muted', id: 'consistency-none' }, t('consistency.none'));
  const header = ['household', 'rule', 'departments', 'records', 'detail'] as const;
  return el(
    'div',
    { class: 'table-scroll' },
    el(
      'table',
      { class: 'data', id: 'consistency-findings' },
      el('thead', {}, el('tr', {}, ...header.map((h) => el('th', {}, t(`consistency.column.${h}`))))),
      el(
        'tbody',
        {},
        ...findings.map((f) =>
          el(
            'tr',
            { 'data-key': `${f.household.id}-${f.rule.code}-${f.records[0]?.id ?? ''}` },
            el('td', {}, f.household.id),
            el('td', { class: 'wrap' }, ruleName(f.rule.code)),
            el('td', { class: 'wrap' }, f.departments.map(department).join(', ')),
            el('td', { class: 'wrap' }, f.records.map((r) => `${t(`consistency.kind.${r.kind}`)} #${r.id} (${department(r.department)})`).join('; ')),
            el('td', { class: 'wrap muted' }, language() === 'vi' ? f.detailVi : f.detail),
          ),
        ),
      ),
    ),
  );
}
