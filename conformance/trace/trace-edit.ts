/**
 * A recorded trace held as editable lines, for deriving defect-injected copies of it (trace-defects.ts). Lines
 * nobody touched are written back byte for byte, so a copy differs from its recording only where the defect is;
 * an inserted event moves the seq of every event after it up by one, since seqs must stay strictly increasing.
 */

import { CnxnspecError } from '../../spec/errors.ts';

export type Fields = Record<string, unknown> & { seq: number; t: number; thread: string; ev: string };

export interface Entry {
  /** The original text, or undefined once the entry was changed or inserted (it is then written from `event`). */
  text: string | undefined;
  /** The parsed event; undefined for the header and quiescence markers, which are kept as they are. */
  readonly event: Fields | undefined;
}

export class EditableTrace {
  readonly entries: Entry[];
  private inserted = false;

  constructor(text: string) {
    this.entries = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const value = JSON.parse(line) as Record<string, unknown>;
        return { text: line, event: typeof value['seq'] === 'number' ? (value as Fields) : undefined };
      });
  }

  /** Every event, in trace order. */
  events(): Fields[] {
    return this.entries.flatMap((e) => (e.event ? [e.event] : []));
  }

  /** Index of the entry holding `event`. */
  at(event: Fields): number {
    return this.entries.findIndex((e) => e.event === event);
  }

  /** Entry indexes of the quiescence markers (where liveness is judged), in order. */
  quiescentMarkers(): number[] {
    const at = this.entries.flatMap((e, i) => (e.text === '{"ev":"quiescent"}' ? [i] : []));
    if (at.length === 0) throw new CnxnspecError('CNXNSPEC_ERR_TRACE', 'the recording has no {"ev":"quiescent"} marker; record it with a driver that sends the qsnt word');
    return at;
  }

  lastQuiescent(): number {
    return this.quiescentMarkers().pop()!;
  }

  /** Changes fields of one event in place. */
  change(event: Fields, fields: Record<string, unknown>): void {
    Object.assign(event, fields);
    for (const [k, v] of Object.entries(fields)) if (v === undefined) delete event[k];
    this.entries[this.at(event)]!.text = undefined;
  }

  remove(event: Fields): void {
    this.entries.splice(this.at(event), 1);
  }

  /** Inserts a new event just before `before`, at its time and with its seq (later seqs move up by one). */
  insertBefore(before: Fields, fields: Record<string, unknown> & { thread: string; ev: string }): Fields {
    return this.insertAt(this.at(before), { t: before.t, ...fields });
  }

  /** Inserts a new event at entry index `at`, with the seq after the event before it (later seqs move up by one). */
  insertAt(at: number, fields: Record<string, unknown> & { t: number; thread: string; ev: string }): Fields {
    const previous = this.entries.slice(0, at).findLast((e) => e.event)?.event;
    const event = { seq: previous ? previous.seq + 1 : 0, ...fields } as Fields;
    this.entries.splice(at, 0, { text: undefined, event });
    this.inserted = true;
    return event;
  }

  /**
   * Removes every event after entry index `from` (and before `to`, if given) that concerns channel `ch` or its
   * key: offers and polls of it, its register, IO and close, and its key in select reports.
   */
  forgetChannel(ch: string, from: number, to = this.entries.length): void {
    const keys = new Set(this.events().flatMap((e) => (e.ev === 'register' && e['ch'] === ch ? [e['key'] as string] : [])));
    for (let i = to - 1; i > from; i--) {
      const e = this.entries[i]!.event;
      if (!e) continue;
      if (e['ch'] === ch || e['item'] === ch || keys.has(e['key'] as string) || keys.has(e['item'] as string)) this.entries.splice(i, 1);
      else if (e.ev === 'selectEnd') {
        const ready = e['ready'] as { key: string }[];
        if (ready.some((r) => keys.has(r.key))) this.change(e, { ready: ready.filter((r) => !keys.has(r.key)) });
      }
    }
  }

  /** The file text: untouched lines as recorded, changed ones re-serialised with the fields in the usual order. */
  toText(): string {
    let seq = -1;
    return (
      this.entries
        .map((entry) => {
          const e = entry.event;
          if (!e) return entry.text!;
          if (this.inserted) {
            seq = Math.max(seq + 1, e.seq);
            if (seq !== e.seq) {
              e.seq = seq;
              entry.text = undefined;
            }
          }
          if (entry.text !== undefined) return entry.text;
          const { seq: s, t, thread, ev, ...rest } = e;
          return JSON.stringify({ seq: s, t, thread, ev, ...rest });
        })
        .join('\n') + '\n'
    );
  }
}
