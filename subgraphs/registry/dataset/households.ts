import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import { CHILD, GRANDCHILD, HEAD, PARENT, RELATION_CODES, SPOUSE, type CityPlan } from '../../../db/generate/plan.js';
import { Random } from '../../../db/random.js';
import type { RegistryDatabase } from '../db/tables.js';
import { familyName, givenNames, PLACES } from './names.js';

/**
 * The denominators (households per commune and year, as the plan calibrated them), every
 * household of the plan and its members, named (names.ts) from a random stream of their own.
 */
export async function generateHouseholds(db: Kysely<RegistryDatabase>, plan: CityPlan, log: (m: string) => void): Promise<void> {
  const years = Object.keys(plan.communes[0]!.households).map(Number);
  await bulkInsert(
    db,
    'commune_household_count',
    [
      { name: 'commune_code', type: 'text' },
      { name: 'year', type: 'int4' },
      { name: 'households', type: 'int4' },
      { name: 'source', type: 'text' },
    ],
    [
      plan.communes.flatMap((c) => years.map(() => c.code)),
      plan.communes.flatMap(() => years),
      plan.communes.flatMap((c) => years.map((y) => c.households[y]!)),
      plan.communes.flatMap(() => years.map(() => 'generated: calibrated to the rates the city published (not an official count)')),
    ],
    { emptied: true },
  );

  const ids: number[] = [];
  const communeCodes: string[] = [];
  const addresses: string[] = [];
  for (let i = 0; i < plan.householdCount; i++) {
    ids.push(i + 1);
    communeCodes.push(plan.communes[plan.householdCommune[i]!]!.code);
    addresses.push(`${1 + ((i * 7919) % 240)} ${PLACES[(i * 31 + (i >> 5)) % PLACES.length]}`);
  }
  await bulkInsert(
    db,
    'household',
    [
      { name: 'id', type: 'int8' },
      { name: 'commune_code', type: 'text' },
      { name: 'address', type: 'text' },
    ],
    [ids, communeCodes, addresses],
    { emptied: true },
  );
  log(`registry: ${plan.householdCount} households`);

  const m = {
    id: [] as number[],
    hh: [] as number[],
    name: [] as string[],
    year: [] as number[],
    sex: [] as string[],
    rel: [] as string[],
    nid: [] as string[],
  };
  const names = new Random(plan.seed + 12);
  for (let i = 0; i < plan.householdCount; i++) {
    // The head's family name; the father's line (children, grandchildren through a son) follows the
    // man of the couple; everyone else keeps a family name of their own.
    const start = plan.memberStart[i]!;
    const headName = familyName(names);
    let fathersName = headName;
    for (let k = 1; k < plan.memberCount[i]!; k++) {
      if (plan.memberRelation[start + k - 1] === SPOUSE && plan.memberSex[start - 1] === 0 && plan.memberSex[start + k - 1] === 1)
        fathersName = familyName(names);
    }
    let sonName = fathersName;
    for (let k = 0; k < plan.memberCount[i]!; k++) {
      const id = start + k;
      const female = plan.memberSex[id - 1] === 0;
      const relation = plan.memberRelation[id - 1]!;
      const born = plan.memberBirthYear[id - 1]!;
      let family: string;
      if (relation === HEAD) family = headName;
      else if (relation === SPOUSE) family = female ? familyName(names) : fathersName;
      else if (relation === CHILD) family = fathersName;
      else if (relation === PARENT) family = female ? familyName(names) : headName;
      else if (relation === GRANDCHILD) family = sonName;
      else family = familyName(names);
      // A married son's children carry his name (a married daughter's would carry her husband's;
      // the data set keeps the son's line).
      if (relation === CHILD && !female) sonName = family;
      m.id.push(id);
      m.hh.push(i + 1);
      m.name.push(`${family} ${givenNames(names, female, born)}`);
      m.year.push(born);
      m.sex.push(female ? 'female' : 'male');
      m.rel.push(RELATION_CODES[relation]!);
      // Generated 12-digit numbers: "001" (Hanoi) and the member id, unique by construction.
      m.nid.push(`001${String(id).padStart(9, '0')}`);
    }
  }
  await bulkInsert(
    db,
    'household_member',
    [
      { name: 'id', type: 'int8' },
      { name: 'household_id', type: 'int8' },
      { name: 'full_name', type: 'text' },
      { name: 'birth_year', type: 'int4' },
      { name: 'sex', type: 'text' },
      { name: 'relation', type: 'text' },
      { name: 'national_id', type: 'text' },
    ],
    [m.id, m.hh, m.name, m.year, m.sex, m.rel, m.nid],
    { emptied: true },
  );
  log(`registry: ${m.id.length} members`);
}
