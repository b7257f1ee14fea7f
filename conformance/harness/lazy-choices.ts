/**
 * A schedule's choices drawn as the run reads them. fast-check draws a random walk's choices (or POS's draws) as
 * an array of up to 4,000 numbers, about 1,900 on average, of which a run of the default mix reads about 230, one
 * per step it takes: drawing the rest was about a twentieth of a run's time, and more of its garbage.
 *
 * `lazyChoices(max)` gives exactly the arrays `choicesArbitrary(max)` gives, for every run index and seed
 * (lazy-choices.test.ts compares them): it draws the length as fast-check's array arbitrary does, then each number
 * from a copy of the same random stream when first read. Nothing is drawn after a run's schedule (it is the last
 * thing fast-check draws for a run, and each run has a stream of its own), so drawing later gives the same numbers.
 * To shrink, it draws the whole array again from where the stream stood, as fast-check's own arbitrary, whose
 * shrinks it then returns: a failing run shrinks along the same path, and its replay path names the same case.
 *
 * The array is a proxy, so it stays in the process that drew it: structured clone (a worker's IPC) cannot copy it.
 * Only the search's blocks use it (search-block.ts); whatever sends a schedule elsewhere draws it eagerly.
 */

import fc from 'fast-check';

/** The longest schedule drawn; a run that takes more steps picks the first runnable actor from then on. */
const MAX_CHOICES = 4_000;

/** The eager form: what fast-check draws and shrinks. */
export function choicesArbitrary(max: number): fc.Arbitrary<number[]> {
  return fc.array(fc.nat({ max }), { maxLength: MAX_CHOICES, size: 'max' });
}

/** The length fast-check's array arbitrary draws, with the bias it then draws each item with. */
interface Drawn {
  readonly length: number;
  readonly itemBias: number | undefined;
}

class LazyChoices extends fc.Arbitrary<number[]> {
  private readonly eager: fc.Arbitrary<number[]>;
  private readonly item: fc.Arbitrary<number>;
  private readonly length = fc.integer({ min: 0, max: MAX_CHOICES });
  /** fast-check's short lengths for a biased draw: up to log2 of the longest. */
  private readonly biasedLength = fc.integer({ min: 0, max: Math.floor(Math.log(MAX_CHOICES) / Math.log(2)) });

  constructor(max: number) {
    super();
    this.eager = choicesArbitrary(max);
    this.item = fc.nat({ max });
  }

  /** As fast-check's array arbitrary draws a length (for a minimum length of 0, below the maximum). */
  private drawLength(mrng: fc.Random, biasFactor: number | undefined): Drawn {
    if (biasFactor === undefined || mrng.nextInt(1, biasFactor) !== 1) return { length: this.length.generate(mrng, undefined).value, itemBias: undefined };
    if (mrng.nextInt(1, biasFactor) !== 1) return { length: this.length.generate(mrng, undefined).value, itemBias: biasFactor };
    return { length: this.biasedLength.generate(mrng, undefined).value, itemBias: biasFactor };
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<number[]> {
    const start = mrng.clone();
    const { length, itemBias } = this.drawLength(mrng, biasFactor);
    const items = mrng.clone();
    const drawn: number[] = [];
    const upTo = (index: number): void => {
      while (drawn.length <= index && drawn.length < length) drawn.push(this.item.generate(items, itemBias).value);
    };
    // An empty target: one of the drawn length would hold thousands of holes. The traps give the length.
    const choices = new Proxy<number[]>([], {
      get(t, key, receiver) {
        if (typeof key === 'string') {
          if (key === 'length') return length;
          const index = indexOf(key);
          if (index >= 0) {
            if (index >= length) return undefined;
            upTo(index);
            return drawn[index];
          }
        }
        return Reflect.get(t, key, receiver);
      },
      has(t, key) {
        const index = typeof key === 'string' ? indexOf(key) : -1;
        return index >= 0 ? index < length : Reflect.has(t, key);
      },
      getOwnPropertyDescriptor(t, key) {
        if (key === 'length') return { value: length, writable: true, enumerable: false, configurable: false };
        const index = typeof key === 'string' ? indexOf(key) : -1;
        if (index < 0 || index >= length) return Reflect.getOwnPropertyDescriptor(t, key);
        upTo(index);
        return { value: drawn[index], writable: true, enumerable: true, configurable: true };
      },
      ownKeys(t) {
        return [...Array.from({ length }, (_, i) => String(i)), ...Reflect.ownKeys(t).filter((k) => typeof k !== 'string' || indexOf(k) < 0)];
      },
      set() {
        return false;
      },
    });
    return new fc.Value(choices, new Redraw(() => this.eager.generate(start.clone(), biasFactor)));
  }

  canShrinkWithoutContext(value: unknown): value is number[] {
    return this.eager.canShrinkWithoutContext(value);
  }

  shrink(value: number[], context: unknown): fc.Stream<fc.Value<number[]>> {
    if (!(context instanceof Redraw)) return this.eager.shrink(value, context);
    const whole = context.draw();
    return this.eager.shrink(whole.value, whole.context);
  }
}

/** How to draw a lazily drawn array whole, as fast-check's own arbitrary does: its context, for shrinking. */
class Redraw {
  constructor(readonly draw: () => fc.Value<number[]>) {}
}

/** The array index a property key names, or -1. */
function indexOf(key: string): number {
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57) return -1;
  const index = Number(key);
  return Number.isInteger(index) && String(index) === key ? index : -1;
}

export function lazyChoices(max: number): fc.Arbitrary<number[]> {
  return new LazyChoices(max);
}
