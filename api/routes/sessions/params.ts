// Schemas the session route files share: ids in the path and bounded text in bodies.
import { z } from 'zod';

export const text = (max: number) => z.string().trim().min(1).max(max);
export const optionalText = (max: number) => z.string().trim().max(max).nullish();
export const uuid = (what: string) => z.string().uuid(`must be a ${what} id`);

export const idParam = z.object({ id: uuid('session') });
