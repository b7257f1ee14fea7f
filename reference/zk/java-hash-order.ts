/**
 * The iteration order of a java.util.HashSet<String>, for the two places where ZooKeeper 3.8 lets it show. A closed
 * or expired session's ephemeral nodes are deleted, and their NodeDeleted notifications sent, in the order of a copy
 * (HashSet.clone) of the session's set; and getChildren lists a node's children in the order of the node's own set
 * (made with room for 8 at its first child). Clients are promised no order in either, but a watcher of several
 * ephemerals sees the first, and every client that prints a listing as it came (zkCli's `ls`, the C client's
 * `ls`) shows the second; the op-sequence fuzz (conformance/zookeeper/op-sequence-diff.ts) compares the first.
 *
 * A HashMap iterates its buckets in index order, each bucket in insertion order; a String's bucket is its hashCode
 * (31-polynomial over UTF-16 units, 32-bit) with the high half folded into the low (h ^ h >>> 16), masked by the
 * table size. The table starts at 16 and doubles whenever the size passes three quarters of it, and never shrinks; a
 * clone gets a table sized for its size alone (the next power of two above size / 0.75 + 1), filled in the original's
 * order. (Buckets of 8 or more turn into trees ordered otherwise; a session with that many colliding paths is left out.)
 */

function stringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

function bucket(s: string, tableSize: number): number {
  const h = stringHash(s);
  return (h ^ (h >>> 16)) & (tableSize - 1);
}

/** Stable: entries of one bucket keep their order. */
function inBucketOrder(items: readonly string[], tableSize: number): string[] {
  return items
    .map((item, i) => ({ item, i, b: bucket(item, tableSize) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.item);
}

/** The table size of a set that has held at most `peak` entries (HashMap's growth from `initial`, 16 by default). */
export function grownTableSize(peak: number, initial = 16): number {
  let size = initial;
  while (peak > size * 0.75) size *= 2;
  return size;
}

/** The table size of a clone of a set of `size` entries (HashMap.putMapEntries then tableSizeFor). */
export function cloneTableSize(size: number): number {
  const wanted = Math.floor(size / 0.75 + 1);
  let table = 1;
  while (table < wanted) table *= 2;
  return table;
}

/** How a clone of the set iterates: `inserted` in insertion order, `peak` the most entries the set ever held. */
export function javaHashSetCloneOrder(inserted: readonly string[], peak: number): string[] {
  return inBucketOrder(inBucketOrder(inserted, grownTableSize(Math.max(peak, inserted.length))), cloneTableSize(inserted.length));
}

/** The table a znode's children set starts with: ZooKeeper's DataNode makes it with room for 8. */
export const CHILDREN_TABLE = 8;

/** How a znode's children set iterates: `inserted` in insertion order, `peak` the most children it ever held. */
export function javaChildrenOrder(inserted: readonly string[], peak: number): string[] {
  return inBucketOrder(inserted, grownTableSize(Math.max(peak, inserted.length), CHILDREN_TABLE));
}
