/** Test fixture: a factory module whose createFactory throws. */
export function createFactory(): never {
  throw new Error('fixture factory refuses to be built');
}
