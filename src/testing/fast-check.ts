import { importOptional } from '../core/errors/missing-dependency-error.js';

// fast-check is an optional peer dependency, needed by this entry only. Awaited at the top so that
// importing fal-budget/testing without it is a MissingDependencyError naming the package, not the
// runtime's module-not-found; the price is that this entry cannot be require()d (import it).
const fastCheck = await importOptional('fast-check', 'fal-budget/testing', () => import('fast-check'));

export default fastCheck.default;
