import { sql, type Kysely } from 'kysely';
import type { CityPlan } from '../../../db/generate/plan.js';
import { Random } from '../../../db/random.js';
import { writeRollups } from '../../../platform/rollups.js';
import type { EmploymentDatabase } from '../db/tables.js';
import { employmentRollups } from '../rollups.js';
import { worldOf } from './common.js';
import { generateFairs } from './fairs.js';
import { generatePlacements } from './placements.js';
import { generateEnrolments } from './training.js';

export { EMPLOYMENT_TARGETS } from './common.js';

/**
 * The employment subgraph's share of the city data set: job fairs, job placements and
 * vocational-training enrolments for 2022-2024, every record pointing at a plan household and
 * one of its members, with the plan household's commune. The 2024 labour statistics are
 * reported figures seeded by a migration; they are kept as they are (this generator does not
 * touch `labour_statistics`).
 *
 * Targets by calendar year (each rounded by plan.scale; 2024 is the published year, 2022 and
 * 2023 are plausible in-betweens so that trends are not empty):
 *
 *   year  distinct workers placed  budget-funded placements  fair hires (abroad)   enrolments
 *   2022  183,000                  41,200                    14,800 (3,100)        205,000
 *   2023  201,500                  47,900                    17,400 (4,300)        226,000
 *   2024  226,150 (> 225,800)      53,826 (exact)            19,264 (4,960)        250,000 (exact)
 *
 * Distributions:
 * - Who: workers and trainees are plan members aged 16-60 in the record's year (16-17 and
 *   over-45s drawn less often). People of households on the poor / near-poor lists in force
 *   (the review of year Y-1 for a record of year Y) are drawn first: about 12% of them are
 *   placed in a year (job placement is one of the programme's main levers; the city's reports
 *   speak of some tens of thousands a year among about 35,000-60,000 working-age people on the
 *   lists) and 40% enrol; then members of the rest of the reviewed population (households that
 *   escaped poverty, middle-income farming households): about 15% placed, 30% enrolled; the
 *   rest come from the whole programme population.
 * - Wages agree with the reviews: a household still poor or near-poor at the review of the
 *   placement's year has at most one member placed that year, never abroad, at a wage no higher
 *   than twice the lowest income the review can record for the whole household (0.55 of the
 *   income line per person, plan.ts), and only when that allows at least 4 million a month; a
 *   household whose member gets a full wage leaves the lists at the next review. Each record's classification is the band of
 *   its household in the plan for Y-1 (null when the household was not reviewed then), exactly
 *   what the mutations would read from the registry.
 * - Budget-funded support: exactly the year's target, given first to 75% of placed list members,
 *   then to half of the placed members of the rest of the reviewed population, then to other
 *   workers. The mutation does not restrict the channel, and the published 53,826 placements
 *   exceed the 33,245 working-age people in households on the 2024 lists, so the channel
 *   serves the poor and near-poor first but is not limited to them (see the report).
 * - Job fairs: every commune holds 1-3 fairs a year (wards) or 2-4 (rural communes), February
 *   to December (at a scale below 1, a random subset of that many fairs in proportion; above
 *   1, more rounds); a quarter are overseas-recruitment fairs. The year's hires are apportioned
 *   over fairs by weights 0.4-2.0 (so no fair dominates, about 60 hires each), participants are
 *   2.5-6 times the hires, employers 8-60 (5-20 recruiting agencies at overseas fairs). Hires
 *   abroad are apportioned by hires x share (60-90% at overseas fairs, 5-25% elsewhere), never
 *   above a fair's hires. 60-85% of each fair's hires are also recorded one by one as JOB_FAIR
 *   placements of workers living in the fair's commune, placed 0-30 days after the fair (same
 *   year), the same share of its hires abroad as overseas placements.
 * - Other channels: of the remaining workers, loan-created jobs 35% in the reviewed population
 *   and 20% elsewhere; the rest through the employment service centres. 3% of workers are
 *   placed a second time in the year (service centre or loan), a worker counts once.
 * - Overseas contracts (only workers aged 18-40): the fairs' recorded hires abroad, 4% of
 *   budget-funded, 2% of service-centre and 1.5% of loan-created placements. Destinations:
 *   Japan 48%, Taiwan 24%, South Korea 18%, Germany 4%, Hungary, Romania, Australia 2% each,
 *   with wages by country (Taiwan 18-26M, Japan 26-36M, Korea 34-46M, Germany 45-60M VND a month).
 * - Domestic wages 4-12M VND a month (median about 7M, by sector; loan-created household
 *   businesses 4-9M), rounded to 100,000. Placement dates by month with the Tết dip in February
 *   and peaks in March and October-November.
 * - Training: levels by age (16-24: under 3 months 30%, elementary 25%, intermediate 22%,
 *   college 23%; older: 60/32/6/2); short courses start any month, intermediate and college
 *   courses mostly in September-October. Lengths: under 3 months 30-85 days, elementary 90-330
 *   days, intermediate 540-730, college 730-1,095. 5-15% never complete (by level); a
 *   completion later than 30 September 2025 (the data set's as-of date, so the data are the
 *   same whatever today is) is left open. 92-96% of completions carry a certificate.
 */

export async function generateCity(db: Kysely<EmploymentDatabase>, plan: CityPlan, log: (m: string) => void): Promise<void> {
  const random = new Random(plan.seed + 4005);

  await sql`TRUNCATE job_placement, training_enrolment, job_fair RESTART IDENTITY`.execute(db);
  // The secondary indexes of the two big tables are dropped for the load and rebuilt from their
  // own definitions afterwards (several times faster than maintaining them row by row); the
  // transaction the generator runs in keeps this invisible to anyone else.
  const { rows: indexes } = await sql<{ name: string; definition: string }>`
    SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename IN ('job_placement', 'training_enrolment')
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = current_schema()::regnamespace)
    ORDER BY i.indexname`.execute(db);
  for (const index of indexes) await sql`DROP INDEX ${sql.ref(index.name)}`.execute(db);

  // One random stream for every record kind, drawn in this order: the order is part of the data.
  const world = worldOf(plan, random);
  const fair = await generateFairs(db, world, log);
  const p = await generatePlacements(db, world, fair, log);
  const e = await generateEnrolments(db, world, log);

  for (const index of indexes) await sql.raw(index.definition).execute(db);
  log(`employment: ${indexes.length} indexes rebuilt`);
  await sql`SELECT setval(pg_get_serial_sequence('job_fair', 'id'), greatest(1, (SELECT max(id) FROM job_fair)))`.execute(db);
  // The one rule (rollups.ts), run here on the records still in memory, in the generator's
  // worker, rather than reading them back on the database's thread (the first start's
  // bottleneck); writeRollups also records the rules' version, so the next start rebuilds nothing.
  await writeRollups(
    db,
    employmentRollups,
    employmentRollups.derive({
      placements: { member: p.member, commune: p.commune, channel: p.channel, contract: p.contract, classification: p.cls, placedOn: p.placedOn },
      enrolments: { commune: e.commune, level: e.level, classification: e.cls, startedOn: e.started, completedOn: e.completed },
    }),
  );
  log('employment: rollups of placements and training derived');
  for (const table of ['job_fair', 'job_placement', 'training_enrolment', 'employment_placement_rollup', 'employment_training_rollup']) {
    await sql`ANALYZE ${sql.table(table)}`.execute(db);
  }
}
