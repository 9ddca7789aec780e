import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { COMMUNES } from '../../../db/communes.js';
import { demoPopulation } from '../../../db/demo.js';
import { SOURCE } from '../db/migrations/2026_11_28_1010_seed_labour_statistics.js';
import type { EmploymentDatabase } from '../db/tables.js';
import { employment } from '../index.js';
import { demoEmploymentPlan } from '../seed.js';
import { registry } from '../../registry/index.js';
import { onlyError, startTestStack, type TestStack } from '../../../tests/support/stack.js';

// These tests are about this department's answers, so callers without a token may send any
// document; the gateway's safelist for them is attacked in tests/attacks/catalogue.test.ts.
process.env.PUBLIC_OPERATIONS = 'any';

let stack: TestStack;
let db: Kysely<EmploymentDatabase>;
const population = demoPopulation();
const plan = demoEmploymentPlan(population);

beforeAll(async () => {
  stack = await startTestStack({ subgraphs: [registry, employment] });
  db = stack.databases.kysely<EmploymentDatabase>('employment');
});
afterAll(async () => {
  await stack?.close();
});

const PUBLISHED_SOURCE = 'https://hanoimoi.vn/thu-do-som-ve-dich-muc-tieu-giam-ngheo-ben-vung-726248.html';
const up = (s: string) => s.toUpperCase();
const yearOf = (date: string | null) => (date ? Number(date.slice(0, 4)) : undefined);

/** Rows in every employment table, and how many enrolments are completed: what a refusal must not change. */
async function rowCounts() {
  const count = async (table: keyof EmploymentDatabase) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const completed = await db
    .selectFrom('training_enrolment')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('completed_on', 'is not', null)
    .executeTakeFirstOrThrow();
  return {
    fairs: await count('job_fair'),
    placements: await count('job_placement'),
    enrolments: await count('training_enrolment'),
    completed: Number(completed.n),
    statistics: await count('labour_statistics'),
  };
}

/** The figures the plan implies for one commune (or the city, code undefined) and year. */
function expectedFigures(year: number, code?: string) {
  const inArea = (c: string) => code === undefined || c === code;
  const placements = plan.placements.filter((p) => inArea(p.commune_code) && yearOf(p.placed_on) === year);
  const fairs = plan.fairs.filter((f) => inArea(f.commune_code) && yearOf(f.held_on) === year);
  const started = plan.enrolments.filter((e) => inArea(e.commune_code) && yearOf(e.started_on) === year);
  const completed = plan.enrolments.filter((e) => inArea(e.commune_code) && yearOf(e.completed_on) === year);
  const poorish = (c: string | null) => c === 'poor' || c === 'near_poor';
  const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);
  return {
    year,
    placements: placements.length,
    workersPlaced: new Set(placements.map((p) => p.member_id)).size,
    placementsByChannel: ['job_fair', 'employment_service_centre', 'budget_funded_support', 'loan_created_job'].map((channel) => ({
      channel: up(channel),
      placements: placements.filter((p) => p.channel === channel).length,
    })),
    budgetFundedPlacements: placements.filter((p) => p.channel === 'budget_funded_support').length,
    overseasPlacements: placements.filter((p) => p.contract === 'overseas').length,
    domesticPlacements: placements.filter((p) => p.contract === 'domestic').length,
    placementsFromPoorOrNearPoorHouseholds: placements.filter((p) => poorish(p.household_classification)).length,
    jobFairs: fairs.length,
    jobFairEmployers: sum(fairs.map((f) => f.employers)),
    jobFairParticipants: sum(fairs.map((f) => f.participants)),
    jobFairHires: sum(fairs.map((f) => f.hires)),
    jobFairHiresAbroad: sum(fairs.map((f) => f.hires_abroad)),
    trainingEnrolments: started.length,
    trainingEnrolmentsByLevel: ['under_3_months', 'elementary', 'intermediate', 'college'].map((level) => ({
      level: up(level),
      enrolments: started.filter((e) => e.level === level).length,
    })),
    trainingEnrolmentsFromPoorOrNearPoorHouseholds: started.filter((e) => poorish(e.household_classification)).length,
    trainingCompletions: completed.length,
  };
}

const FIGURES = `{ year placements workersPlaced placementsByChannel { channel placements } budgetFundedPlacements
  overseasPlacements domesticPlacements placementsFromPoorOrNearPoorHouseholds jobFairs jobFairEmployers jobFairParticipants
  jobFairHires jobFairHiresAbroad trainingEnrolments trainingEnrolmentsByLevel { level enrolments }
  trainingEnrolmentsFromPoorOrNearPoorHouseholds trainingCompletions }`;

describe('reading employment records through the gateway', () => {
  it("reads a household's registry data with its members' placements and enrolments", async () => {
    const placement = plan.placements.find((p) => p.job_fair_id !== null && plan.enrolments.some((e) => e.household_id === p.household_id))!;
    expect(placement).toBeDefined();
    const household = population.find((h) => h.id === placement.household_id)!;
    const fair = plan.fairs.find((f) => f.id === placement.job_fair_id)!;
    const r = await stack.query(
      `query($id: ID!) { household(id: $id) { id address commune { code name } members { id fullName }
        employment {
          placements { id employer sector channel contract destinationCountry placedOn monthlyWage fromPoorOrNearPoorHousehold
            worker { id fullName household { id } } household { id address } commune { code name } jobFair { id heldOn hires commune { code } } }
          trainingEnrolments { id course level startedOn completedOn certified certificate fromPoorOrNearPoorHousehold person { id fullName } commune { code } }
        } } }`,
      { id: String(household.id) },
    );
    expect(r.errors).toBeUndefined();
    const h = r.data.household;
    expect(h.address).toBe(household.address);
    expect(h.commune.code).toBe(household.communeCode);
    const placements = plan.placements.filter((p) => p.household_id === household.id);
    expect(h.employment.placements).toHaveLength(placements.length);
    const got = h.employment.placements.find((p: any) => p.id === String(placement.id));
    const worker = household.members.find((m) => m.id === placement.member_id)!;
    expect(got).toEqual({
      id: String(placement.id),
      employer: placement.employer,
      sector: placement.sector,
      channel: 'JOB_FAIR',
      contract: up(placement.contract),
      destinationCountry: placement.destination_country,
      placedOn: placement.placed_on,
      monthlyWage: String(placement.monthly_wage),
      fromPoorOrNearPoorHousehold: placement.household_classification === 'poor' || placement.household_classification === 'near_poor',
      worker: { id: String(worker.id), fullName: worker.fullName, household: { id: String(household.id) } },
      household: { id: String(household.id), address: household.address },
      commune: { code: household.communeCode, name: h.commune.name },
      jobFair: { id: String(fair.id), heldOn: fair.held_on, hires: fair.hires, commune: { code: fair.commune_code } },
    });
    const enrolments = plan.enrolments.filter((e) => e.household_id === household.id);
    expect(h.employment.trainingEnrolments).toEqual(
      enrolments.map((e) => ({
        id: String(e.id),
        course: e.course,
        level: up(e.level),
        startedOn: e.started_on,
        completedOn: e.completed_on,
        certified: e.certificate !== null,
        certificate: e.certificate,
        fromPoorOrNearPoorHousehold: e.household_classification === 'poor' || e.household_classification === 'near_poor',
        person: { id: String(e.member_id), fullName: household.members.find((m) => m.id === e.member_id)!.fullName },
        commune: { code: household.communeCode },
      })),
    );
  });

  it('gives the 2024 figures of all 126 communes and of the city', async () => {
    const r = await stack.query(`{ communes { code name employmentFigures(year: 2024) ${FIGURES} }
      city { name employmentFigures(year: 2024) ${FIGURES} } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.communes).toHaveLength(126);
    for (const c of r.data.communes) expect(c.employmentFigures, c.code).toEqual(expectedFigures(2024, c.code));
    const city = r.data.city.employmentFigures;
    expect(city).toEqual(expectedFigures(2024));
    // The demo data is not empty, and the communes add up to the city.
    expect(city.placements).toBeGreaterThan(20);
    expect(city.jobFairHires).toBeGreaterThan(0);
    expect(city.trainingEnrolments).toBeGreaterThan(20);
    expect(city.budgetFundedPlacements).toBeGreaterThan(0);
    for (const key of ['placements', 'jobFairHires', 'jobFairHiresAbroad', 'trainingEnrolments', 'trainingCompletions', 'overseasPlacements'] as const) {
      expect(
        r.data.communes.reduce((s: number, c: any) => s + c.employmentFigures[key], 0),
        key,
      ).toBe(city[key]);
    }
  });

  it('only places workers of poor or near-poor households through budget funds and loans in the demo data', () => {
    const targeted = plan.placements.filter((p) => p.channel === 'budget_funded_support' || p.channel === 'loan_created_job');
    expect(targeted.length).toBeGreaterThan(0);
    for (const p of targeted) expect(['poor', 'near_poor']).toContain(p.household_classification);
  });

  it('serves the 2024 labour statistics the city published, with their source', async () => {
    const r = await stack.query(`{ labourStatistics(year: 2024) { year urbanUnemploymentRatePercent trainedWorkerSharePercent basis source }
      city { labourStatistics(year: 2024) { urbanUnemploymentRatePercent trainedWorkerSharePercent source } }
      none: labourStatistics(year: 2019) { year } }`);
    expect(r.errors).toBeUndefined();
    expect(SOURCE).toBe(PUBLISHED_SOURCE);
    expect(r.data.labourStatistics).toEqual({
      year: 2024,
      urbanUnemploymentRatePercent: 2.54,
      trainedWorkerSharePercent: 74.25,
      basis: 'REPORTED',
      source: PUBLISHED_SOURCE,
    });
    expect(r.data.city.labourStatistics).toEqual({ urbanUnemploymentRatePercent: 2.54, trainedWorkerSharePercent: 74.25, source: PUBLISHED_SOURCE });
    expect(r.data.none).toBeNull();
  });
});

// Mutations write 2025 records, so that the 2024 figures above hold whatever order tests run in.
const PLACEMENT = `mutation($input: RecordJobPlacementInput!) { recordJobPlacement(input: $input) { placement {
  id channel contract destinationCountry placedOn monthlyWage fromPoorOrNearPoorHousehold worker { id } household { id } commune { code } jobFair { id } } } }`;
const FAIR = `mutation($input: RecordJobFairInput!) { recordJobFair(input: $input) { jobFair {
  id commune { code name } heldOn name employers participants hires hiresAbroad placements { id } } } }`;
const ENROL = `mutation($input: EnrolInTrainingInput!) { enrolInTraining(input: $input) { enrolment {
  id course level startedOn completedOn certified certificate fromPoorOrNearPoorHousehold person { id } household { id } commune { code } } } }`;
const COMPLETE = `mutation($input: CompleteTrainingInput!) { completeTraining(input: $input) { enrolment { id completedOn certified certificate } } }`;
const STATISTICS = `mutation($input: RecordLabourStatisticsInput!) { recordLabourStatistics(input: $input) { labourStatistics {
  year urbanUnemploymentRatePercent trainedWorkerSharePercent basis source } } }`;

// A household near-poor in the 2024 review (so on the lists in force in 2025) and one that was not.
const nearPoor = population.find((h) => h.reviews.find((r) => r.year === 2024)!.classification === 'near_poor' && h.members.some((m) => m.birthYear <= 2005))!;
const notPoor = population.find(
  (h) => h.reviews.find((r) => r.year === 2024)!.classification === 'above_middle_income' && h.members.some((m) => m.birthYear <= 2005),
)!;
const adultOf = (h: typeof nearPoor) => h.members.find((m) => m.birthYear <= 2005)!;

async function figures2025(code: string) {
  const r = await stack.query(`query($code: ID!) { commune(code: $code) { employmentFigures(year: 2025) ${FIGURES} jobFairs(year: 2025) { id } } }`, { code });
  expect(r.errors).toBeUndefined();
  return r.data.commune;
}

describe('recording employment records', () => {
  it('records a job fair and an overseas placement from it, counted in the commune figures', async () => {
    const fairCommune = '00070';
    const workerCommune = nearPoor.communeCode;
    const beforeFair = await figures2025(fairCommune);
    const beforeWorker = await figures2025(workerCommune);
    const fair = await stack.query(FAIR, {
      input: {
        communeCode: fairCommune,
        heldOn: '2025-03-10',
        name: ' Phiên giao dịch việc làm Hoàn Kiếm ',
        employers: 12,
        participants: 300,
        hires: 80,
        hiresAbroad: 15,
      },
    });
    expect(fair.errors).toBeUndefined();
    const jobFair = fair.data.recordJobFair.jobFair;
    expect(jobFair).toMatchObject({
      commune: { code: fairCommune, name: 'Hoàn Kiếm' },
      heldOn: '2025-03-10',
      name: 'Phiên giao dịch việc làm Hoàn Kiếm',
      employers: 12,
      participants: 300,
      hires: 80,
      hiresAbroad: 15,
      placements: [],
    });

    const worker = adultOf(nearPoor);
    const placed = await stack.query(PLACEMENT, {
      input: {
        workerId: String(worker.id),
        householdId: String(nearPoor.id),
        employer: 'Toyota Motor',
        sector: 'automotive',
        channel: 'JOB_FAIR',
        contract: 'OVERSEAS',
        destinationCountry: 'Japan',
        placedOn: '2025-04-01',
        monthlyWage: '32000000',
        jobFairId: jobFair.id,
      },
    });
    expect(placed.errors).toBeUndefined();
    expect(placed.data.recordJobPlacement.placement).toMatchObject({
      channel: 'JOB_FAIR',
      contract: 'OVERSEAS',
      destinationCountry: 'Japan',
      placedOn: '2025-04-01',
      monthlyWage: '32000000',
      // Near-poor in the 2024 review: on the lists in force during 2025.
      fromPoorOrNearPoorHousehold: true,
      worker: { id: String(worker.id) },
      household: { id: String(nearPoor.id) },
      commune: { code: workerCommune },
      jobFair: { id: jobFair.id },
    });

    const other = adultOf(notPoor);
    const domestic = await stack.query(PLACEMENT, {
      input: {
        workerId: String(other.id),
        employer: 'Canon',
        sector: 'electronics',
        channel: 'EMPLOYMENT_SERVICE_CENTRE',
        contract: 'DOMESTIC',
        placedOn: '2025-05-02',
        monthlyWage: 8500000,
      },
    });
    expect(domestic.errors).toBeUndefined();
    expect(domestic.data.recordJobPlacement.placement).toMatchObject({
      fromPoorOrNearPoorHousehold: false,
      destinationCountry: null,
      household: { id: String(notPoor.id) },
    });

    const afterFair = await figures2025(fairCommune);
    const afterWorker = await figures2025(workerCommune);
    expect(afterFair.employmentFigures.jobFairs).toBe(beforeFair.employmentFigures.jobFairs + 1);
    expect(afterFair.employmentFigures.jobFairHires).toBe(beforeFair.employmentFigures.jobFairHires + 80);
    expect(afterFair.employmentFigures.jobFairHiresAbroad).toBe(beforeFair.employmentFigures.jobFairHiresAbroad + 15);
    expect(afterFair.jobFairs.map((f: any) => f.id)).toContain(jobFair.id);
    const fw = afterWorker.employmentFigures;
    const bw = beforeWorker.employmentFigures;
    expect(fw.placements).toBe(bw.placements + 1 + (notPoor.communeCode === workerCommune ? 1 : 0));
    expect(fw.overseasPlacements).toBe(bw.overseasPlacements + 1);
    expect(fw.placementsFromPoorOrNearPoorHouseholds).toBe(bw.placementsFromPoorOrNearPoorHouseholds + 1);
    expect(fw.placementsByChannel.find((c: any) => c.channel === 'JOB_FAIR').placements).toBe(
      bw.placementsByChannel.find((c: any) => c.channel === 'JOB_FAIR').placements + 1,
    );
    const linked = await stack.query(`query($id: ID!) { jobFair(id: $id) { placements { id } } }`, { id: jobFair.id });
    expect(linked.data.jobFair.placements).toEqual([{ id: placed.data.recordJobPlacement.placement.id }]);
  });

  it('enrols a person in training and completes the course with a certificate', async () => {
    const person = adultOf(nearPoor);
    const before = await figures2025(nearPoor.communeCode);
    const enrolled = await stack.query(ENROL, {
      input: { personId: String(person.id), course: ' industrial sewing ', level: 'ELEMENTARY', startedOn: '2025-02-03' },
    });
    expect(enrolled.errors).toBeUndefined();
    const enrolment = enrolled.data.enrolInTraining.enrolment;
    expect(enrolment).toMatchObject({
      course: 'industrial sewing',
      level: 'ELEMENTARY',
      startedOn: '2025-02-03',
      completedOn: null,
      certified: false,
      certificate: null,
      fromPoorOrNearPoorHousehold: true,
      person: { id: String(person.id) },
      household: { id: String(nearPoor.id) },
      commune: { code: nearPoor.communeCode },
    });
    const done = await stack.query(COMPLETE, { input: { enrolmentId: enrolment.id, completedOn: '2025-06-30', certificate: 'SC-2025-0042' } });
    expect(done.errors).toBeUndefined();
    expect(done.data.completeTraining.enrolment).toEqual({ id: enrolment.id, completedOn: '2025-06-30', certified: true, certificate: 'SC-2025-0042' });
    const after = await figures2025(nearPoor.communeCode);
    expect(after.employmentFigures.trainingEnrolments).toBe(before.employmentFigures.trainingEnrolments + 1);
    expect(after.employmentFigures.trainingCompletions).toBe(before.employmentFigures.trainingCompletions + 1);
    expect(after.employmentFigures.trainingEnrolmentsByLevel.find((l: any) => l.level === 'ELEMENTARY').enrolments).toBe(
      before.employmentFigures.trainingEnrolmentsByLevel.find((l: any) => l.level === 'ELEMENTARY').enrolments + 1,
    );
    // Recorded already completed, without a certificate.
    const finished = await stack.query(ENROL, {
      input: { personId: String(person.id), course: 'cooking', level: 'UNDER_3_MONTHS', startedOn: '2025-07-01', completedOn: '2025-08-15' },
    });
    expect(finished.data.enrolInTraining.enrolment).toMatchObject({ completedOn: '2025-08-15', certified: false });
  });

  it('records labour statistics; the latest record of a year is the one in force', async () => {
    const first = await stack.query(STATISTICS, {
      input: { year: 2025, urbanUnemploymentRatePercent: 2.6, trainedWorkerSharePercent: 75, basis: 'ESTIMATE', source: 'department estimate' },
    });
    expect(first.errors).toBeUndefined();
    expect(first.data.recordLabourStatistics.labourStatistics).toEqual({
      year: 2025,
      urbanUnemploymentRatePercent: 2.6,
      trainedWorkerSharePercent: 75,
      basis: 'ESTIMATE',
      source: 'department estimate',
    });
    const second = await stack.query(STATISTICS, {
      input: { year: 2025, urbanUnemploymentRatePercent: 2.51, trainedWorkerSharePercent: 75.5, source: 'city report' },
    });
    expect(second.data.recordLabourStatistics.labourStatistics.basis).toBe('REPORTED');
    const r = await stack.query(
      `{ labourStatistics(year: 2025) { urbanUnemploymentRatePercent source } city { labourStatistics(year: 2024) { trainedWorkerSharePercent } } }`,
    );
    expect(r.data).toEqual({
      labourStatistics: { urbanUnemploymentRatePercent: 2.51, source: 'city report' },
      city: { labourStatistics: { trainedWorkerSharePercent: 74.25 } },
    });
  });
});

describe('refusals: BAD_USER_INPUT naming the field, nothing written', () => {
  async function expectRefusals(mutation: string, cases: Array<[Record<string, unknown>, string]>) {
    const before = await rowCounts();
    for (const [input, field] of cases) {
      const error = onlyError(await stack.query(mutation, { input }));
      expect(error.extensions, `${field}: ${JSON.stringify(input)}`).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await rowCounts()).toEqual(before);
  }

  it('refuses bad job placements', async () => {
    const worker = adultOf(notPoor);
    const fair = plan.fairs[0]!;
    const ok = {
      workerId: String(worker.id),
      employer: 'Canon',
      sector: 'electronics',
      channel: 'EMPLOYMENT_SERVICE_CENTRE',
      contract: 'DOMESTIC',
      placedOn: '2025-05-02',
      monthlyWage: '7000000',
    };
    const dayBefore = new Date(Date.parse(`${fair.held_on}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    await expectRefusals(PLACEMENT, [
      [{ ...ok, workerId: '987654321' }, 'workerId'],
      [{ ...ok, workerId: 'x1' }, 'workerId'],
      [{ ...ok, householdId: String(nearPoor.id) }, 'householdId'],
      [{ ...ok, householdId: '987654321' }, 'householdId'],
      [{ ...ok, monthlyWage: '-1' }, 'monthlyWage'],
      [{ ...ok, contract: 'OVERSEAS' }, 'destinationCountry'],
      [{ ...ok, contract: 'OVERSEAS', destinationCountry: '  ' }, 'destinationCountry'],
      [{ ...ok, destinationCountry: 'Japan' }, 'destinationCountry'],
      [{ ...ok, placedOn: '2099-01-01' }, 'placedOn'],
      [{ ...ok, employer: ' ' }, 'employer'],
      [{ ...ok, sector: '' }, 'sector'],
      [{ ...ok, jobFairId: String(fair.id) }, 'jobFairId'],
      [{ ...ok, channel: 'JOB_FAIR', jobFairId: '987654321' }, 'jobFairId'],
      [{ ...ok, channel: 'JOB_FAIR', jobFairId: String(fair.id), placedOn: dayBefore }, 'placedOn'],
    ]);
  });

  it('refuses bad job fairs', async () => {
    const ok = { communeCode: '00070', heldOn: '2025-04-01', employers: 10, participants: 100, hires: 20, hiresAbroad: 5 };
    await expectRefusals(FAIR, [
      [{ ...ok, communeCode: '99999' }, 'communeCode'],
      [{ ...ok, communeCode: 'Hanoi' }, 'communeCode'],
      [{ ...ok, employers: -1 }, 'employers'],
      [{ ...ok, participants: -1 }, 'participants'],
      [{ ...ok, hires: -1 }, 'hires'],
      [{ ...ok, hiresAbroad: -1 }, 'hiresAbroad'],
      [{ ...ok, hires: 101 }, 'hires'],
      [{ ...ok, hiresAbroad: 21 }, 'hiresAbroad'],
      [{ ...ok, heldOn: '2099-04-01' }, 'heldOn'],
    ]);
  });

  it('refuses bad enrolments', async () => {
    const ok = { personId: String(adultOf(notPoor).id), course: 'welding', level: 'INTERMEDIATE', startedOn: '2025-02-01' };
    await expectRefusals(ENROL, [
      [{ ...ok, personId: '987654321' }, 'personId'],
      [{ ...ok, course: '  ' }, 'course'],
      [{ ...ok, startedOn: '2099-02-01' }, 'startedOn'],
      [{ ...ok, completedOn: '2025-01-31' }, 'completedOn'],
      [{ ...ok, completedOn: '2099-01-31' }, 'completedOn'],
      [{ ...ok, certificate: 'TC-1' }, 'certificate'],
    ]);
  });

  it('refuses bad completions', async () => {
    const open = plan.enrolments.find((e) => e.completed_on === null)!;
    const completed = plan.enrolments.find((e) => e.completed_on !== null)!;
    const dayBefore = new Date(Date.parse(`${open.started_on}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    await expectRefusals(COMPLETE, [
      [{ enrolmentId: '987654321', completedOn: '2025-12-01' }, 'enrolmentId'],
      [{ enrolmentId: 'abc', completedOn: '2025-12-01' }, 'enrolmentId'],
      [{ enrolmentId: String(completed.id), completedOn: '2025-12-30' }, 'enrolmentId'],
      [{ enrolmentId: String(open.id), completedOn: dayBefore }, 'completedOn'],
      [{ enrolmentId: String(open.id), completedOn: '2099-01-01' }, 'completedOn'],
    ]);
    const still = await stack.query(`query($id: ID!) { trainingEnrolment(id: $id) { completedOn } }`, { id: String(open.id) });
    expect(still.data.trainingEnrolment).toEqual({ completedOn: null });
  });

  it('refuses bad labour statistics', async () => {
    const ok = { year: 2023, urbanUnemploymentRatePercent: 2.6, trainedWorkerSharePercent: 72, source: 'city report' };
    await expectRefusals(STATISTICS, [
      [{ ...ok, year: 2099 }, 'year'],
      [{ ...ok, urbanUnemploymentRatePercent: -0.5 }, 'urbanUnemploymentRatePercent'],
      [{ ...ok, trainedWorkerSharePercent: 100.5 }, 'trainedWorkerSharePercent'],
      [{ ...ok, source: ' ' }, 'source'],
    ]);
  });
});

describe('the audit trail (employment)', () => {
  const TRAIL = `query($filter: AuditTrailFilter) { employmentAuditTrail(filter: $filter, first: 5) {
    totalCount edges { node { subject roles action operation fields householdIds } } } }`;
  // Writes (and personal reads, asked for by name): refused attempts are audited too, as REFUSED.
  async function trail(filter: Record<string, unknown> = { action: 'WRITE' }) {
    const r = await stack.query(TRAIL, { filter });
    expect(r.errors).toBeUndefined();
    return r.data.employmentAuditTrail;
  }

  it('a refused mutation leaves no write in the audit trail; an accepted one leaves exactly one, naming the household', async () => {
    const person = adultOf(notPoor);
    const input = { personId: String(person.id), course: 'audited welding', level: 'INTERMEDIATE', startedOn: '2025-02-10' };
    const before = await trail();
    const rows = await rowCounts();

    // Refused by role (nothing runs), and refused inside the transaction (it rolls back).
    const analyst = await stack.token({ roles: ['analyst'] });
    expect(onlyError(await stack.query(ENROL, { input }, undefined, analyst)).extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(onlyError(await stack.query(ENROL, { input }, undefined, null)).extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    const completed = plan.enrolments.find((e) => e.completed_on !== null)!;
    expect(onlyError(await stack.query(COMPLETE, { input: { enrolmentId: String(completed.id), completedOn: '2025-12-30' } })).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(await rowCounts()).toEqual(rows);
    expect((await trail()).totalCount).toBe(before.totalCount);

    const writer = await stack.token({ sub: 'employment-clerk', roles: ['employment-writer'] });
    const accepted = await stack.query(
      `mutation EnrolForAudit($input: EnrolInTrainingInput!) { enrolInTraining(input: $input) { enrolment { id household { id } } } }`,
      { input },
      undefined,
      writer,
    );
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data.enrolInTraining.enrolment.household).toEqual({ id: String(notPoor.id) });
    const after = await trail();
    expect(after.totalCount).toBe(before.totalCount + 1);
    // Through the gateway the subgraph sees the query planner's name for the operation
    // ("EnrolForAudit__employment__0"): the client's name with a suffix.
    expect(after.edges[0].node).toEqual({
      subject: 'employment-clerk',
      roles: ['employment-writer'],
      action: 'WRITE',
      operation: expect.stringMatching(/^EnrolForAudit(__employment__\d+)?$/),
      fields: ['enrolInTraining'],
      householdIds: [String(notPoor.id)],
    });
    const mine = await trail({ householdId: String(notPoor.id), action: 'WRITE', subject: 'employment-clerk' });
    expect(mine.totalCount).toBe(1);
  });

  it('commits a write and its audit record together: when the record cannot be written, the write is not either', async () => {
    const person = adultOf(notPoor);
    const rows = await rowCounts();
    const before = await trail();
    // Every insert into the audit trail now fails (the constraint checks new rows only).
    await sql`ALTER TABLE audit_event ADD CONSTRAINT audit_blocked_by_test CHECK (false) NOT VALID`.execute(db);
    try {
      const r = await stack.query(ENROL, { input: { personId: String(person.id), course: 'unrecorded course', level: 'ELEMENTARY', startedOn: '2025-02-11' } });
      expect(r.errors).toHaveLength(1);
      expect(r.data?.enrolInTraining ?? null).toBeNull();
    } finally {
      await sql`ALTER TABLE audit_event DROP CONSTRAINT audit_blocked_by_test`.execute(db);
    }
    expect(await rowCounts()).toEqual(rows);
    expect((await trail()).totalCount).toBe(before.totalCount);
  });

  it('records each read of a certificate number as a personal read naming the household; a refused read records nothing', async () => {
    const enrolment = plan.enrolments.find((e) => e.certificate !== null)!;
    const household = population.find((h) => h.id === enrolment.household_id)!;
    const q = `query CertificateCheck($id: ID!) { trainingEnrolment(id: $id) { id certificate } }`;
    const before = await trail({ action: 'READ_PERSONAL' });

    const writer = await stack.token({ roles: ['employment-writer'] });
    expect(onlyError(await stack.query(q, { id: String(enrolment.id) }, undefined, writer)).extensions).toMatchObject({ code: 'FORBIDDEN' });
    const elsewhere = COMMUNES.find((c) => c.code !== household.communeCode)!.code;
    const outsider = await stack.token({ roles: ['caseworker'], communes: [elsewhere] });
    // Outside the caseworker's communes the enrolment reads as missing: nothing personal is read.
    expect((await stack.query(q, { id: String(enrolment.id) }, undefined, outsider)).data.trainingEnrolment).toBeNull();
    expect((await trail({ action: 'READ_PERSONAL' })).totalCount).toBe(before.totalCount);

    const caseworker = await stack.token({ sub: 'commune-officer', roles: ['caseworker'], communes: [household.communeCode] });
    const r = await stack.query(q, { id: String(enrolment.id) }, undefined, caseworker);
    expect(r.errors).toBeUndefined();
    expect(r.data.trainingEnrolment.certificate).toBe(enrolment.certificate);
    const after = await trail({ action: 'READ_PERSONAL' });
    expect(after.totalCount).toBe(before.totalCount + 1);
    expect(after.edges[0].node).toEqual({
      subject: 'commune-officer',
      roles: ['caseworker'],
      action: 'READ_PERSONAL',
      operation: expect.stringMatching(/^CertificateCheck(__employment__\d+)?$/),
      fields: ['TrainingEnrolment.certificate'],
      householdIds: [String(household.id)],
    });
  });
});

describe('commune scope (employment)', () => {
  it("leaves other communes' records out of a caseworker's answers, and refuses them by id", async () => {
    const placement = plan.placements.find((p) => p.job_fair_id !== null)!;
    const elsewhere = COMMUNES.find((c) => c.code !== placement.commune_code)!.code;
    const inside = await stack.token({ roles: ['caseworker'], communes: [placement.commune_code] });
    const outside = await stack.token({ roles: ['caseworker'], communes: [elsewhere] });
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Household { employment { placements { id } trainingEnrolments { id } } } } }`;
    const reps = { r: [{ __typename: 'Household', id: String(placement.household_id) }] };

    const seen = await stack.query(entities, reps, stack.subgraphUrls.employment, inside);
    expect(seen.errors).toBeUndefined();
    expect(seen.data._entities[0].employment.placements.map((p: any) => p.id)).toContain(String(placement.id));
    const hidden = await stack.query(entities, reps, stack.subgraphUrls.employment, outside);
    expect(hidden.errors).toBeUndefined();
    expect(hidden.data._entities[0].employment).toEqual({ placements: [], trainingEnrolments: [] });

    const fair = `query($id: ID!) { jobFair(id: $id) { placements { id commune { code } } } }`;
    const all = await stack.query(fair, { id: String(placement.job_fair_id) });
    const scoped = await stack.query(fair, { id: String(placement.job_fair_id) }, undefined, inside);
    expect(scoped.data.jobFair.placements.map((p: any) => p.id)).toContain(String(placement.id));
    expect(scoped.data.jobFair.placements).toEqual(all.data.jobFair.placements.filter((p: any) => p.commune.code === placement.commune_code));

    const byId = `query($id: ID!) { jobPlacement(id: $id) { id } }`;
    expect((await stack.query(byId, { id: String(placement.id) }, undefined, inside)).data.jobPlacement).toEqual({ id: String(placement.id) });
    // Outside the caseworker's communes a placement reads as a missing one would: null, no error.
    const hiddenById = await stack.query(byId, { id: String(placement.id) }, undefined, outside);
    expect(hiddenById).toEqual({ data: { jobPlacement: null } });
    expect(await stack.query(byId, { id: '987654321' }, undefined, outside)).toEqual(hiddenById);
  });
});

// Last: adds rows for households 1..500 in 2021, which no other test reads.
describe('N+1 guards (employment)', () => {
  // They measure computation, so kept answers are off here: a kept answer costs fewer statements
  // (its versions only; tests/kept-figures.test.ts counts those).
  beforeAll(() => {
    process.env.KEPT_FIGURES = 'off';
  });
  afterAll(() => {
    delete process.env.KEPT_FIGURES;
  });
  async function statementsFor(query: string, variables?: Record<string, unknown>, url?: string) {
    stack.databases.statements.reset();
    const r = await stack.query(query, variables, url);
    expect(r.errors).toBeUndefined();
    return { statements: stack.databases.statements.get('employment'), data: r.data };
  }

  it('employment figures for all 126 communes cost the same statements as for 2', async () => {
    const q = `query($codes: [ID!]) { communes(filter: { codes: $codes }) { code
      employmentFigures(year: 2024) { placements placementsByChannel { channel placements } jobFairHires trainingEnrolmentsByLevel { level enrolments } trainingCompletions }
      trend2023: employmentFigures(year: 2023) { placements }
      jobFairs(year: 2024) { id hires placements { id } } }
      city { employmentFigures(year: 2024) { placements jobFairHiresAbroad } labourStatistics(year: 2024) { source } } }`;
    const small = await statementsFor(q, { codes: ['00070', '00004'] });
    const large = await statementsFor(q, { codes: null });
    expect(large.data.communes).toHaveLength(126);
    expect(large.data.communes.reduce((s: number, c: any) => s + c.employmentFigures.placements, 0)).toBe(large.data.city.employmentFigures.placements);
    expect(large.statements).toBeGreaterThan(0);
    expect(large.statements).toBe(small.statements);
    console.log(`N+1 guard: employment figures of 126 communes (2 years, fairs, city) = ${large.statements} SQL statements`);
  });

  it('_entities for 500 households with employment records is a constant number of statements', async () => {
    const fairId = plan.fairs[0]!.id;
    const rows = Array.from({ length: 500 }, (_, i) => ({
      member_id: 900_000 + i,
      household_id: i + 1,
      commune_code: COMMUNES[i % COMMUNES.length]!.code,
      household_classification: null,
      course: 'bulk course',
      level: 'elementary' as const,
      started_on: '2021-03-01',
      completed_on: '2021-09-01',
      certificate: null,
    }));
    await db.insertInto('training_enrolment').values(rows).execute();
    await db
      .insertInto('job_placement')
      .values(
        rows.map((r) => ({
          member_id: r.member_id,
          household_id: r.household_id,
          commune_code: r.commune_code,
          household_classification: null,
          employer: 'bulk employer',
          sector: 'bulk',
          channel: 'job_fair' as const,
          contract: 'domestic' as const,
          destination_country: null,
          placed_on: '2021-12-01',
          monthly_wage: 6_000_000,
          job_fair_id: fairId,
        })),
      )
      .execute();
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Household { id employment {
      placements { id employer monthlyWage worker { id } commune { code } jobFair { id heldOn placements { id } } }
      trainingEnrolments { id level certified person { id } } } } } }`;
    const reps = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Household', id: String(i + 1) }));
    const small = await statementsFor(q, { r: reps(5) }, stack.subgraphUrls.employment);
    const large = await statementsFor(q, { r: reps(500) }, stack.subgraphUrls.employment);
    const entities = large.data._entities;
    expect(entities).toHaveLength(500);
    expect(entities.every((e: any) => e.employment.placements.length > 0 && e.employment.trainingEnrolments.length > 0)).toBe(true);
    expect(large.statements).toBe(small.statements);
    console.log(`N+1 guard: _entities for 500 households with employment records = ${large.statements} SQL statements`);
  });
});
