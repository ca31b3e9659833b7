/**
 * Edit distance with adjacent transpositions (optimal string alignment): "qoute" is one step
 * from "quote", as a person counts it, where plain Levenshtein counts two.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = Array.from({ length: rows * cols }, (_, index) => (index < cols ? index : index % cols === 0 ? index / cols : 0));
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * The valid name nearest to a mistyped one, only when it is close: at most one edit per four
 * characters (at least one), ignoring case. A far guess is worse than none, so none is given.
 * Ties go to the first candidate, so the suggestion does not depend on anything but the list.
 */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  const typed = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(typed, candidate.toLowerCase());
    const allowed = Math.max(1, Math.floor(Math.min(typed.length, candidate.length) / 4));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** "; did you mean X?" for a message, or "" when no valid name is close. */
export function didYouMean(name: string, candidates: Iterable<string>, show: (candidate: string) => string = (candidate) => candidate): string {
  const nearest = nearestName(name, candidates);
  return nearest === undefined ? '' : `; did you mean ${show(nearest)}?`;
}
