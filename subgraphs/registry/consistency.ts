import { consistencyRule, consistencyRules, type DepartmentFinding, type RuleCount } from '../../platform/consistency.js';
import type { RegistryContext } from './context.js';
import type { Relation } from './db/tables.js';
import * as repo from './repository.js';

// The registry's own consistency rule (the relation-age check) and the merge of every
// department's findings (platform/consistency.ts describes the design).

const AGE_RULE = 'AGE_INCONSISTENT_WITH_RELATION';

type Gaps = Record<string, number>;

const RELATIONS: readonly Relation[] = ['head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other'];
const isRelation = (r: string): r is Relation => (RELATIONS as readonly string[]).includes(r);

/** A member's relation to the head as the household register writes it (SQL spelling). */
const RELATION_VI: Record<string, string> = {
  head: 'chủ hộ',
  spouse: 'vợ/chồng',
  child: 'con',
  parent: 'cha/mẹ',
  grandchild: 'cháu',
  sibling: 'anh/chị/em',
  other: 'quan hệ khác',
};

/** The rule's minimum gaps by relation (GraphQL spelling in the rules file, SQL spelling here). */
function ageGaps(): { older: Gaps; younger: Gaps } {
  const p = consistencyRule(AGE_RULE).parameters as { minYearsOlderThanHead?: Gaps; minYearsYoungerThanHead?: Gaps };
  const lower = (g: Gaps = {}) => Object.fromEntries(Object.entries(g).map(([k, v]) => [k.toLowerCase(), v]));
  return { older: lower(p.minYearsOlderThanHead), younger: lower(p.minYearsYoungerThanHead) };
}

/** Members whose year of birth does not fit their relation to the head, in these communes (null: all). */
export async function ageFindings(ctx: RegistryContext, communes: string[] | null): Promise<DepartmentFinding[]> {
  if (communes?.length === 0) return [];
  const { older, younger } = ageGaps();
  const relations = [...new Set([...Object.keys(older), ...Object.keys(younger)])].filter(isRelation);
  if (relations.length === 0) return [];
  const rows = await repo.findMembersWithHeadBirthYear(ctx.db, communes, relations);
  const findings: DepartmentFinding[] = [];
  for (const r of rows) {
    const olderBy = r.head_birth_year - r.birth_year;
    const minOlder = older[r.relation];
    const minYounger = younger[r.relation];
    const wrong = (minOlder !== undefined && olderBy < minOlder) || (minYounger !== undefined && -olderBy < minYounger);
    if (!wrong) continue;
    findings.push({
      rule: AGE_RULE,
      householdId: String(r.household_id),
      communeCode: r.commune_code,
      departments: ['registry'],
      records: [{ department: 'registry', kind: 'HouseholdMember', id: String(r.id) }],
      detail: `${r.relation.toUpperCase()} born ${r.birth_year}, head born ${r.head_birth_year}`,
      detailVi: `${RELATION_VI[r.relation] ?? r.relation} sinh năm ${r.birth_year}, chủ hộ sinh năm ${r.head_birth_year}`,
    });
  }
  return findings;
}

/** Every finding for the page: by household id, then rule, then the first record's id. */
export function sortFindings(findings: DepartmentFinding[]): DepartmentFinding[] {
  const key = (f: DepartmentFinding) => f.records[0]?.id ?? '';
  return findings.sort(
    (a, b) => Number(a.householdId) - Number(b.householdId) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) || Number(key(a)) - Number(key(b)),
  );
}

/** Counts per rule, every rule of the rules file in its order (zero included). */
export function byRule(counts: readonly RuleCount[]): Array<{ rule: string; count: number }> {
  const total = new Map<string, number>();
  for (const c of counts) total.set(c.rule, (total.get(c.rule) ?? 0) + c.count);
  return consistencyRules().map((r) => ({ rule: r.code, count: total.get(r.code) ?? 0 }));
}
