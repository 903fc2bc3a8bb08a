import { UserError } from '../../errors.js';
import { startEmulator } from '../../emulator/server.js';
import { loadScenario, DEMO_SCENARIO_PATH } from '../../emulator/load.js';

export async function emulatorCommand(raw: unknown): Promise<void> {
  const args = raw as { scenario?: string; port?: number; 'page-size'?: number };
  const port = args.port ?? 8085;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError('USAGE', `--port must be 0-65535, got ${port}`);
  const pageSize = args['page-size'];
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1)) {
    throw new UserError('USAGE', `--page-size must be a positive whole number, got ${pageSize}`);
  }
  const scenario = loadScenario(args.scenario ?? DEMO_SCENARIO_PATH);
  let emulator;
  try {
    emulator = await startEmulator({ scenario, port, ...(pageSize !== undefined ? { maxPageSize: pageSize } : {}) });
  } catch (e) {
    throw new UserError('USAGE', `cannot listen on 127.0.0.1:${port}: ${(e as Error).message}`);
  }
  process.stdout.write(
    `Google API emulator serving ${scenario.organization.displayName} (organizations/${scenario.organization.id}) at ${emulator.url}\n` +
      `Try: npx cloudrun-auditor audit --organization ${scenario.organization.id} --endpoint ${emulator.url}\nCtrl-C stops it.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => void emulator!.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
