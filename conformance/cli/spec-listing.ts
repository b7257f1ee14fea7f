/** `cnxnspec spec`: the requirements themselves, by area (ID, level, statement), for the terminal or as JSON. */

import { AREAS, type Area, type Requirement } from '../../spec/requirement.ts';
import { CnxnspecError } from '../../spec/errors.ts';

/** The requirements of the areas asked for (all when none), refusing an area that does not exist. */
export function selectAreas(requirements: readonly Requirement[], areas: readonly string[]): Requirement[] {
  for (const area of areas) {
    if (!(AREAS as readonly string[]).includes(area)) {
      throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `there is no area "${area}"; the areas are ${AREAS.join(', ')}`);
    }
  }
  return requirements.filter((r) => areas.length === 0 || areas.includes(r.area));
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

export function specListing(requirements: readonly Requirement[], pending: ReadonlySet<string>): string {
  const out: string[] = [];
  for (const area of AREAS as readonly Area[]) {
    const inArea = requirements.filter((r) => r.area === area);
    if (inArea.length === 0) continue;
    out.push(`${area} (${inArea.length})`);
    for (const r of inArea) {
      out.push(`  ${r.id}  ${r.level}${pending.has(r.id) ? '  (not yet tested)' : ''}`);
      out.push(...wrap(r.statement, 100, '      '));
    }
    out.push('');
  }
  out.push(`${requirements.length} requirements. Rationale and tests: docs/spec.md in the repository; counts only: cnxnspec spec --summary.`);
  return out.join('\n');
}

export function specJson(requirements: readonly Requirement[], pending: ReadonlySet<string>): string {
  const rows = requirements.map((r) => ({ id: r.id, area: r.area, level: r.level, statement: r.statement, rationale: r.rationale, tested: !pending.has(r.id) }));
  return JSON.stringify(rows, null, 2);
}
