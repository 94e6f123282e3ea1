/** Spreads a share of users evenly: index i is changed when floor((i+1)f) > floor(i f). Pure (also used in workflows). */
export function isChangedIndex(index: number, fraction: number): boolean {
  return Math.floor((index + 1) * fraction) > Math.floor(index * fraction);
}
