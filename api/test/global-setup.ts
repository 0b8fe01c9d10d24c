// Vitest global setup for the `api` project: one throwaway database for the whole run.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { createThrowawayDatabase } from './database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    ownerUrl: string;
    appUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const db = await createThrowawayDatabase('test');
  project.provide('ownerUrl', db.ownerUrl);
  project.provide('appUrl', db.appUrl);
  return () => db.drop();
}
