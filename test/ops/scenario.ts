import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import type { Scenario } from '../../src/emulator/scenario.js';

export const ORG = '482915736104';
export const BUCKET = 'acme-audit-reports';

/** The demo organisation plus a report bucket in its shared-services project, with optional bucket-level denials. */
export function scenarioWithBucket(deniedPermissions?: string[]): Scenario {
  const scenario = loadScenario(DEMO_SCENARIO_PATH);
  const project = scenario.projects.find((p) => p.projectId === 'acme-shared-svcs');
  if (!project) throw new Error('the demo scenario has no acme-shared-svcs');
  project.buckets = [{ name: BUCKET, ...(deniedPermissions ? { deniedPermissions } : {}) }];
  return scenario;
}
