import { Accounts1763712000000 } from './1763712000000-Accounts';

/** Every migration in order; listed explicitly so the same list works from src (tests) and dist. */
export const MIGRATIONS = [Accounts1763712000000];
