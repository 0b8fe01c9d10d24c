// Everything under /v1/sessions: one sub-app composed of one route file per sub-resource. A new
// sub-resource is one more file and one more `.route('/', …)` line here.
import { Hono } from 'hono';
import type { AppEnv } from '../../lib/http.js';
import { coreRoutes } from './core.js';
import { closeoutRoutes } from './closeout.js';
import { sessionAskRoutes } from './ask.js';
import { sessionCopilotExtraRoutes } from './copilot-extra.js';
import { factRoutes } from './facts.js';
import { fixRoutes } from './fixes.js';
import { noteRoutes } from './notes.js';
import { postingRoutes } from './posting.js';
import { sharingRoutes } from './sharing.js';
import { suggestRoutes } from './suggest.js';
import { timelineRoutes } from './timeline.js';

export const sessionRoutes = new Hono<AppEnv>()
  .route('/', coreRoutes)
  .route('/', timelineRoutes)
  .route('/', factRoutes)
  .route('/', fixRoutes)
  .route('/', noteRoutes)
  .route('/', sharingRoutes)
  .route('/', postingRoutes)
  .route('/', suggestRoutes)
  .route('/', sessionCopilotExtraRoutes)
  .route('/', sessionAskRoutes)
  .route('/', closeoutRoutes);
