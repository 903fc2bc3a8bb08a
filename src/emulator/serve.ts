import { loadScenario } from './load.js';
import { startEmulator, type RunningEmulator } from './server.js';

export interface ServeOptions {
  port?: number;
  host?: string;
  maxPageSize?: number;
  latencyMs?: number;
}

/** Loads a scenario file and serves it until closed; prints nothing (the CLI command reports the URL). */
export async function serveScenario(file: string, opts: ServeOptions = {}): Promise<RunningEmulator> {
  const scenario = loadScenario(file);
  return startEmulator({
    scenario,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    ...(opts.maxPageSize !== undefined ? { maxPageSize: opts.maxPageSize } : {}),
    ...(opts.latencyMs !== undefined ? { latencyMs: opts.latencyMs } : {}),
  });
}
