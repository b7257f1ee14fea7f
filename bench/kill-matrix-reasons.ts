/**
 * Why a strategy misses a mutant that another strategy kills, where the reason is known and not a matter of
 * budget: keyed by mutant name, then by strategy code (`r`, `p2`, `p3`, `o`; `*` for every strategy). The kill
 * matrix prints these beside the cells; a miss with no entry here is reported as "missed in N runs".
 */
export const MISS_REASONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {};
