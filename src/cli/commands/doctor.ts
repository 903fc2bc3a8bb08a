import { runDoctor, renderDoctorText } from '../../permissions/doctor.js';
import { EXIT } from '../exit-codes.js';
import { memberFlag } from '../../permissions/advice.js';
import { scopeFromFlags, type ScopeFlags } from '../scope.js';
import { writeChunks } from '../output.js';
import { collectOptionsFrom, type ConnectionArgs } from './shared.js';

interface DoctorArgs extends ScopeFlags, ConnectionArgs {
  'usage-insights'?: boolean;
  source?: string;
  format?: string;
  member?: string;
}

export async function doctorCommand(raw: unknown): Promise<void> {
  const args = raw as DoctorArgs;
  const scope = scopeFromFlags(args, { required: true })!;
  const member = memberFlag(args.member);
  const { options, finish } = collectOptionsFrom({ ...args, quiet: true }, scope);
  finish();
  const result = await runDoctor({
    ...options,
    usageInsights: args['usage-insights'] === true,
    assetInventory: args.source === 'asset-inventory',
    ...(member !== undefined ? { member } : {}),
  });
  await writeChunks([args.format === 'json' ? JSON.stringify(result, null, 2) + '\n' : renderDoctorText(result)], undefined);
  process.exitCode = result.ok ? EXIT.OK : EXIT.INCOMPLETE;
}
