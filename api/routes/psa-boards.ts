// The account's ConnectWise service boards (where an escalation may move a ticket) and a board's statuses,
// both cached per account: GET /v1/psa/boards, GET /v1/psa/boards/:boardId/statuses.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../lib/http.js';
import { tenantOf, validate } from '../lib/http.js';
import { accountBoards, boardStatuses } from '../services/psa/board-statuses.js';

const refreshQuery = z.object({ refresh: z.enum(['0', '1']).optional() }).strict();
const boardParam = z.object({ boardId: z.string().regex(/^[1-9]\d{0,8}$/, 'must be a ConnectWise board id') });

export const psaBoardRoutes = new Hono<AppEnv>()
  .get('/', validate('query', refreshQuery), async (c) => {
    return c.json(await accountBoards(c.get('deps'), tenantOf(c), { refresh: c.req.valid('query').refresh === '1' }));
  })
  .get('/:boardId/statuses', validate('param', boardParam), validate('query', refreshQuery), async (c) => {
    const boardId = Number(c.req.valid('param').boardId);
    return c.json(await boardStatuses(c.get('deps'), tenantOf(c), boardId, { refresh: c.req.valid('query').refresh === '1' }));
  });
