// The registry's entities as the programme departments know them: by key only (an entity
// reference the gateway resolves at the registry). scripts/codegen.ts makes these the parents of
// `Household`, `HouseholdMember`, `Commune` and `City` in every subgraph's generated resolver
// types, unless the subgraph's resolvers/parents.ts declares its own (the registry's rows).

export interface HouseholdRef {
  id: string;
}
export interface HouseholdMemberRef {
  id: string;
}
export interface CommuneRef {
  code: string;
}
export interface CityRef {
  code: string;
}
