import { readSession } from '../auth/tokens.js';
import { formatIn } from '../format.js';
import { t } from '../i18n.js';
import type { CommuneHouseholdsQuery, CommuneHouseholdsQueryVariables, CommuneYearsQuery } from '../../schema/operations/types.generated.js';
// The years commune-years.graphql asks for; every department's rows of them come in the order of subgraphs/dashboards.ts.
import { COMMUNE_YEARS as YEARS, trendOf } from '../../subgraphs/dashboard-kit.js';
import { dashboards } from '../../subgraphs/dashboards.js';
import { send, type GraphQLResult } from './api.js';
import { chartCard } from './charts.js';
import { kindLabel } from './communes.js';
import { el, errorBox, errorNotices } from './dom.js';
import { exportButtons, exportNotes, type Cell, type ExportColumn } from './export.js';
import { COMMUNE_HOUSEHOLD_RECORDS, COMMUNE_HOUSEHOLDS, COMMUNE_YEARS, SCORECARD } from './queries.js';

/** The commune page (#commune/<code>): its figures over the years (commune-years.graphql). */
export async function loadCommune(code: string): Promise<GraphQLResult<CommuneYearsQuery>> {
  return send(COMMUNE_YEARS, { code });
}

export function renderCommune(target: HTMLElement, code: string, answer: GraphQLResult<CommuneYearsQuery> | null): HTMLElement | null {
  target.replaceChildren(el('a', { href: '#communes', class: 'close' }, t('commune.close')));
  if (!answer) {
    target.append(el('p', { class: 'muted' }, t('commune.loading', { code })));
    return null;
  }
  const { data, errors } = answer;
  const commune = data?.commune;
  target.append(...errorNotices(errors));
  if (!commune) {
    if (!errors.length) target.append(errorBox([t('commune.notFound', { code })]));
    return null;
  }
  const households = el('div', { class: 'households', id: 'households' });
  target.append(
    el('h2', {}, `${commune.name} `, el('span', { class: 'muted' }, `(${kindLabel(commune.kind)}, ${commune.code})`)),
    el('p', {}, el('a', { href: `#consistency/${commune.code}`, id: 'open-consistency' }, t('consistency.open'))),
    el(
      'div',
      { class: 'table-scroll' },
      el(
        'table',
        { class: 'data', id: 'commune-years' },
        el('thead', {}, el('tr', {}, el('th', {}, ''), ...YEARS.map((y) => el('th', { class: 'num' }, String(y))))),
        el(
          'tbody',
          {},
          ...dashboards
            .flatMap((room) => room.communeYears)
            .map(({ key, unit, value }) =>
              el(
                'tr',
                { 'data-row': key },
                el('th', { scope: 'row' }, t(`commune.row.${key}`)),
                ...YEARS.map((y) => el('td', { class: 'num' }, formatIn(unit, value(commune, y)))),
              ),
            ),
        ),
      ),
    ),
    el(
      'div',
      { class: 'charts' },
      chartCard(
        t('commune.chart'),
        YEARS.map(String),
        [
          { label: t('overview.series.poor'), values: YEARS.map((y) => trendOf(commune, y)?.poor ?? null) },
          { label: t('overview.series.nearPoor'), values: YEARS.map((y) => trendOf(commune, y)?.nearPoor ?? null) },
        ],
        { type: 'line' },
      ),
    ),
    households,
  );
  return households;
}

// ---- household lists --------------------------------------------------------------------

/** A household as commune-households.graphql gives it (the personal operation). */
type PersonalNode = NonNullable<CommuneHouseholdsQuery['commune']>['households']['edges'][number]['node'];
type PersonalMember = PersonalNode['members'][number];
/** A member of either list: the personal fields only when the graph gave them (commune-household-records.graphql has none). */
type Member = Omit<PersonalMember, 'fullName' | 'nationalId'> & Partial<Pick<PersonalMember, 'fullName' | 'nationalId'>>;
type HouseholdNode = Omit<PersonalNode, 'address' | 'members'> & { address?: string; members: Member[] };
type Households = NonNullable<CommuneHouseholdsQuery['commune']>['households'];
/** A page of either operation's answer: both are this, with or without the personal fields. */
interface HouseholdPage {
  commune: { code: string; name: string; households: Omit<Households, 'edges'> & { edges: Array<{ node: HouseholdNode }> } } | null;
}

export type HouseholdList = 'POOR' | 'NEAR_POOR' | 'all';
/** The list shown first: the near-poor (by 2024 the city's poor list was all but empty). */
export const DEFAULT_LIST: HouseholdList = 'NEAR_POOR';
export interface HouseholdsAnswer {
  list: HouseholdList;
  /** Whether the graph gave names and addresses (it refuses them to roles without personal:read). */
  personal: boolean;
  result: GraphQLResult<HouseholdPage>;
}

/** The review year the lists follow: the scorecard's. */
const LIST_YEAR = SCORECARD.variables.year;
const PAGE_SIZE = 100;

function householdVariables(code: string, list: HouseholdList, after: string | null): CommuneHouseholdsQueryVariables {
  return { code, filter: list === 'all' ? { year: LIST_YEAR } : { year: LIST_YEAR, classification: list }, year: LIST_YEAR, first: PAGE_SIZE, after };
}

/**
 * One page of a commune's list, with names when the graph gives them to this caller: the
 * personal operation first, and on FORBIDDEN (the role reads records but not personal data) the
 * same list without them. Which fields a role gets is the graph's decision, not this page's.
 */
async function householdPage(
  code: string,
  list: HouseholdList,
  after: string | null,
  personal: boolean,
): Promise<{ personal: boolean; result: GraphQLResult<HouseholdPage> }> {
  if (personal) {
    const result: GraphQLResult<HouseholdPage> = await send(COMMUNE_HOUSEHOLDS, householdVariables(code, list, after));
    if (!result.errors.some((e) => e.extensions?.code === 'FORBIDDEN')) return { personal: true, result };
  }
  // The two operations take the same variables.
  return { personal: false, result: await send(COMMUNE_HOUSEHOLD_RECORDS, householdVariables(code, list, after)) };
}

export async function loadHouseholds(code: string, list: HouseholdList): Promise<HouseholdsAnswer> {
  return { list, ...(await householdPage(code, list, null, true)) };
}

const head = (h: HouseholdNode) => h.members.find((m) => m.relation === 'HEAD') ?? h.members[0];
const classification = (h: HouseholdNode) => (h.latestReview ? t(`classification.${h.latestReview.classification}`) : null);

/** Every page of the list, for an export (each page is an ordinary, audited read). */
async function allHouseholds(
  code: string,
  list: HouseholdList,
  personal: boolean,
  progress: (text: string) => void,
): Promise<{ personal: boolean; nodes: HouseholdNode[]; withheld: number }> {
  const nodes: HouseholdNode[] = [];
  let after: string | null = null;
  let withheld = 0;
  for (;;) {
    const page = await householdPage(code, list, after, personal);
    personal = page.personal;
    if (page.result.errors.length) throw new Error(page.result.errors.map((e) => e.message).join('; '));
    const connection = page.result.data?.commune?.households;
    if (!connection) break;
    withheld += page.result.withheld;
    nodes.push(...connection.edges.map((e) => e.node));
    progress(t('households.exporting', { done: nodes.length, total: connection.totalCount ?? '?' }));
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
    after = connection.pageInfo.endCursor;
  }
  return { personal, nodes, withheld };
}

function householdColumns(personal: boolean): { columns: ExportColumn[]; cells: (h: HouseholdNode) => Cell[] } {
  const c = (key: string, kind: ExportColumn['kind'] = 'text'): ExportColumn => ({ header: t(`households.column.${key}`), kind });
  return {
    columns: [c('id'), ...(personal ? [c('address'), c('head')] : []), c('members', 'count'), c('classification'), c('reviewYear', 'year')],
    cells: (h) => [
      h.id,
      ...(personal ? [h.address ?? null, head(h)?.fullName ?? null] : []),
      h.members.length,
      classification(h),
      h.latestReview?.year ?? null,
    ],
  };
}

function memberColumns(personal: boolean): { columns: ExportColumn[]; cells: (h: HouseholdNode, m: Member) => Cell[] } {
  const c = (key: string, kind: ExportColumn['kind'] = 'text'): ExportColumn => ({ header: t(`households.column.${key}`), kind });
  return {
    columns: [
      c('id'),
      ...(personal ? [c('address')] : []),
      c('classification'),
      c('memberId'),
      ...(personal ? [c('fullName'), c('nationalId')] : []),
      c('birthYear', 'year'),
      c('sex'),
      c('relation'),
    ],
    cells: (h, m) => [
      h.id,
      ...(personal ? [h.address ?? null] : []),
      classification(h),
      m.id,
      ...(personal ? [m.fullName ?? null, m.nationalId ?? null] : []),
      m.birthYear,
      t(`sex.${m.sex}`),
      t(`relation.${m.relation}`),
    ],
  };
}

/**
 * The household lists of a commune, for those signed in: a list to choose (poor, near-poor,
 * every household of the review year), its first page, and downloads of the whole list (CSV:
 * one row per person; Excel: households and members on two sheets).
 */
export function renderHouseholds(
  target: HTMLElement,
  code: string,
  name: string,
  answer: HouseholdsAnswer | null,
  choose: (list: HouseholdList) => void,
): void {
  target.replaceChildren(el('h3', {}, t('households.title')));
  if (!readSession()) {
    target.append(el('p', { class: 'muted', id: 'households-sign-in' }, t('households.signInToSee')));
    return;
  }
  const select = el(
    'select',
    { id: 'household-list', 'aria-label': t('households.list') },
    ...(['NEAR_POOR', 'POOR', 'all'] as const).map((l) => el('option', { value: l }, t(`households.lists.${l}`))),
  );
  select.value = answer?.list ?? DEFAULT_LIST;
  select.addEventListener('change', () => choose(select.value as HouseholdList));
  target.append(el('p', { class: 'muted' }, t('households.intro', { name, year: LIST_YEAR })));
  if (!answer) {
    target.append(el('div', { class: 'filters' }, select), el('p', { class: 'muted' }, t('app.loading')));
    return;
  }
  const { result, personal } = answer;
  const connection = result.data?.commune?.households;
  const nodes = connection?.edges.map((e) => e.node) ?? [];
  const list = answer.list;
  const download = exportButtons('export-households', async (progress) => {
    const all = await allHouseholds(code, list, personal, progress);
    const households = householdColumns(all.personal);
    const members = memberColumns(all.personal);
    const memberRows = all.nodes.flatMap((h) => h.members.map((m) => members.cells(h, m)));
    const memberSheet = { name: t('households.membersSheet'), columns: members.columns, rows: memberRows };
    return {
      fileName: `households-${code}-${list === 'all' ? 'all' : list.toLowerCase().replace('_', '-')}-${LIST_YEAR}`,
      sheets: [{ name: t('households.exportSheet', { code }), columns: households.columns, rows: all.nodes.map(households.cells) }, memberSheet],
      // The CSV is one row per person, with the household's columns on each.
      csv: memberSheet,
      notes: exportNotes(all.withheld),
    };
  });
  target.append(
    el(
      'div',
      { class: 'filters' },
      select,
      el('span', { class: 'muted', id: 'household-count' }, t('households.count', { count: connection?.totalCount ?? nodes.length })),
      download,
    ),
  );
  target.append(...errorNotices(result.errors));
  if (!personal) target.append(el('p', { class: 'muted', id: 'households-no-personal' }, t('households.noPersonal')));
  if (!nodes.length) {
    if (!result.errors.length) target.append(el('p', { class: 'muted', id: 'households-none' }, t('households.none')));
    return;
  }
  const view = householdColumns(personal);
  target.append(
    el(
      'div',
      { class: 'table-scroll' },
      el(
        'table',
        { class: 'data', id: 'household-table' },
        el('thead', {}, el('tr', {}, ...view.columns.map((c) => el('th', { class: c.kind === 'text' ? undefined : 'num' }, c.header)))),
        el(
          'tbody',
          {},
          ...nodes.map((h) =>
            el(
              'tr',
              { 'data-key': h.id },
              ...view.cells(h).map((cell, i) => el('td', { class: view.columns[i]!.kind === 'text' ? 'wrap' : 'num' }, cell === null ? '–' : String(cell))),
            ),
          ),
        ),
      ),
    ),
  );
  if (connection?.pageInfo.hasNextPage)
    target.append(el('p', { class: 'muted' }, t('households.moreRows', { shown: nodes.length, total: connection.totalCount ?? '?' })));
}
