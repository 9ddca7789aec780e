import { graphql } from './api.js';
import { chartCard } from './charts.js';
import { el, errorBox, formatBillions, formatNumber } from './dom.js';
import { OVERVIEW } from './queries.js';

/** The period the overview shows: the operation file's own example variables. */
export const OVERVIEW_VARIABLES = OVERVIEW.variables;

function kpi(label: string, value: string, id: string): HTMLElement {
  return el('div', { class: 'card kpi', id }, el('div', { class: 'kpi-value' }, value), el('div', { class: 'kpi-label' }, label));
}

/** City overview: KPI cards and charts from schema/operations/city-overview.graphql. */
export async function renderOverview(target: HTMLElement): Promise<void> {
  const { data, errors } = await graphql<{ city: any }>(OVERVIEW.query, OVERVIEW.variables);
  const city = data?.city;
  const period = `${OVERVIEW_VARIABLES.from} to ${OVERVIEW_VARIABLES.to}`;
  target.replaceChildren(el('h2', {}, 'City overview'), el('p', { class: 'muted' }, `Money and programme figures from ${period}; poverty by review year; balances on ${OVERVIEW_VARIABLES.asOf}.`));
  if (errors.length) target.append(errorBox(errors.map((e) => e.message)));
  if (!city) return;

  const trend: any[] = city.povertyTrend ?? [];
  target.append(
    el(
      'div',
      { class: 'kpis' },
      kpi('communes and wards', formatNumber(city.communeCount), 'kpi-communes'),
      kpi(`households (review ${OVERVIEW_VARIABLES.year})`, formatNumber(city.householdCount), 'kpi-households'),
      kpi('credit disbursed', formatBillions(city.creditFigures?.amountDisbursed), 'kpi-disbursed'),
      kpi(`credit outstanding on ${OVERVIEW_VARIABLES.asOf}`, formatBillions(city.creditOutstanding?.outstanding), 'kpi-outstanding'),
      kpi('houses completed', formatNumber(city.housingFigures?.housesCompleted), 'kpi-houses'),
      kpi('people with health-insurance support', formatNumber(city.socialFigures?.healthInsurance?.people), 'kpi-health-insurance'),
      kpi('health-insurance support budget', formatBillions(city.socialFigures?.healthInsurance?.budget), 'kpi-health-insurance-budget'),
      kpi(`workers placed (${OVERVIEW_VARIABLES.year})`, formatNumber(city.employmentFigures?.workersPlaced), 'kpi-placements'),
      kpi(`training enrolments (${OVERVIEW_VARIABLES.year})`, formatNumber(city.employmentFigures?.trainingEnrolments), 'kpi-enrolments'),
      kpi('households with livelihood support', formatNumber(city.livelihoodFigures?.householdsSupported), 'kpi-livelihoods'),
    ),
  );

  const programmes: any[] = city.creditFigures?.byProgramme ?? [];
  const housing = city.housingFigures ?? {};
  const employment = city.employmentFigures ?? {};
  target.append(
    el(
      'div',
      { class: 'charts' },
      chartCard(
        'Poor and near-poor households by review year',
        trend.map((t) => String(t.year)),
        [
          { label: 'poor', values: trend.map((t) => t.poor) },
          { label: 'near-poor', values: trend.map((t) => t.nearPoor) },
        ],
        { id: 'chart-poverty' },
      ),
      chartCard(
        'Credit disbursed by programme (billion ₫)',
        programmes.map((p) => p.programme.name),
        [{ label: 'disbursed', values: programmes.map((p) => Number(p.amountDisbursed) / 1e9) }],
        { horizontal: true, id: 'chart-credit' },
      ),
      chartCard(
        'Houses completed',
        ['new houses', 'renovations', 'all completed', 'supported'],
        [{ label: 'houses', values: [housing.newHousesCompleted, housing.renovationsCompleted, housing.housesCompleted, housing.housesSupported] }],
        { id: 'chart-housing' },
      ),
      chartCard(
        `Placements and enrolments (${OVERVIEW_VARIABLES.year})`,
        ['workers placed', 'with budget funds', 'job fair hires', 'hired abroad', 'training enrolments'],
        [{ label: 'people', values: [employment.workersPlaced, employment.budgetFundedPlacements, employment.jobFairHires, employment.jobFairHiresAbroad, employment.trainingEnrolments] }],
        { id: 'chart-employment' },
      ),
    ),
  );
}
