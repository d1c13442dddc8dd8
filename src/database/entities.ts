import { ApiKey } from '../accounts/api-key.entity';
import { Session } from '../accounts/session.entity';
import { User } from '../accounts/user.entity';

/** Every entity, listed explicitly so the same list works from src (tests) and dist. */
export const ENTITIES = [User, Session, ApiKey];
