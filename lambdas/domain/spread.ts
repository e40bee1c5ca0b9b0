/** An id spread over `ways` buckets evenly (FNV-1a hash): the same id always in the same bucket. */
export function spreadOf(id: string, ways: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index++) hash = Math.imul(hash ^ id.charCodeAt(index), 0x01000193) >>> 0;
  return hash % ways;
}
