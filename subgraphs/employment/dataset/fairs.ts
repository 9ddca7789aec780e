import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import { apportion } from '../../../db/generate/plan.js';
import type { EmploymentDatabase } from '../db/tables.js';
import { apportionCapped, dayInYear, EMPLOYMENT_TARGETS, iso, scaled, shuffle, YEARS, type World } from './common.js';

/** Fairs by month (none in January, before Tết). */
const FAIR_MONTHS = [0, 6, 14, 12, 10, 8, 7, 8, 11, 10, 8, 6];

/** The columns of the fairs written (placements.ts records some of their hires one by one). */
export type FairColumns = Awaited<ReturnType<typeof generateFairs>>;

/** The job fairs of every year, per commune, their hires apportioned to the year's targets. */
export async function generateFairs(db: Kysely<EmploymentDatabase>, world: World, log: (m: string) => void) {
  const { plan, random, scale } = world;
  const fair = {
    id: [] as number[],
    commune: [] as string[],
    communeIndex: [] as number[],
    day: [] as number[],
    year: [] as number[],
    name: [] as (string | null)[],
    employers: [] as number[],
    participants: [] as number[],
    hires: [] as number[],
    abroad: [] as number[],
    overseasFair: [] as boolean[],
  };
  for (const year of YEARS) {
    const t = EMPLOYMENT_TARGETS[year]!;
    // Fairs per commune, then as many as the scale says (a random subset, or more rounds).
    const slots: number[] = [];
    for (let round = 0; round < Math.ceil(scale); round++) {
      for (const c of plan.communes) {
        const count = c.kind === 'ward' ? random.int(1, 3) : random.int(2, 4);
        for (let k = 0; k < count; k++) slots.push(c.index);
      }
    }
    const fairCount = Math.max(1, Math.round((slots.length / Math.ceil(scale)) * scale));
    const drafts: Array<{ commune: number; day: number; overseas: boolean; weight: number; share: number }> = [];
    for (const commune of shuffle(random, slots).slice(0, fairCount)) {
      {
        const overseas = random.chance(0.25);
        drafts.push({
          commune,
          day: dayInYear(random, year, FAIR_MONTHS),
          overseas,
          weight: 0.4 + random.next() * 1.6,
          share: overseas ? 0.6 + random.next() * 0.3 : 0.05 + random.next() * 0.2,
        });
      }
    }
    drafts.sort((a, b) => a.day - b.day || a.commune - b.commune);
    const hires = apportion(
      scaled(t.fairHires, scale),
      drafts.map((d) => d.weight),
    );
    const abroad = apportionCapped(
      scaled(t.fairHiresAbroad, scale),
      drafts.map((d, i) => hires[i]! * d.share),
      hires,
    );
    drafts.forEach((d, i) => {
      const c = plan.communes[d.commune]!;
      const month = Number(iso(d.day).slice(5, 7));
      fair.id.push(fair.id.length + 1);
      fair.commune.push(c.code);
      fair.communeIndex.push(d.commune);
      fair.day.push(d.day);
      fair.year.push(year);
      fair.name.push(
        random.chance(0.1)
          ? null
          : d.overseas
            ? `Ngày hội tư vấn, tuyển chọn lao động đi làm việc ở nước ngoài ${c.name} ${month}/${year}`
            : `Phiên giao dịch việc làm ${c.name} tháng ${month}/${year}`,
      );
      fair.employers.push(d.overseas ? random.int(5, 20) : random.int(8, 60));
      fair.participants.push(Math.max(hires[i]!, Math.round(hires[i]! * (2.5 + random.next() * 3.5))));
      fair.hires.push(hires[i]!);
      fair.abroad.push(abroad[i]!);
      fair.overseasFair.push(d.overseas);
    });
  }
  await bulkInsert(
    db,
    'job_fair',
    [
      { name: 'id', type: 'int8' },
      { name: 'commune_code', type: 'text' },
      { name: 'held_on', type: 'date' },
      { name: 'name', type: 'text' },
      { name: 'employers', type: 'int4' },
      { name: 'participants', type: 'int4' },
      { name: 'hires', type: 'int4' },
      { name: 'hires_abroad', type: 'int4' },
    ],
    [fair.id, fair.commune, fair.day.map(iso), fair.name, fair.employers, fair.participants, fair.hires, fair.abroad],
    { emptied: true },
  );
  log(`employment: ${fair.id.length} job fairs`);
  return fair;
}
