import { UserError } from '../../errors.js';
import { memberFlag } from '../../permissions/advice.js';
import { permissionPlan } from '../../permissions/plan.js';
import { renderPlanJson, renderPlanText } from '../../permissions/render.js';
import { writeChunks } from '../output.js';

interface PermissionsArgs {
  'usage-insights'?: boolean;
  source?: string;
  organization?: string;
  member?: string;
  format?: string;
  output?: string;
}

export async function permissionsCommand(raw: unknown): Promise<void> {
  const args = raw as PermissionsArgs;
  if (args.organization !== undefined && !/^[1-9][0-9]{0,19}$/.test(args.organization.replace(/^organizations\//, ''))) {
    throw new UserError('USAGE', `--organization must be a numeric organization ID such as 123456789012, got ${JSON.stringify(args.organization)}`);
  }
  memberFlag(args.member);
  const plan = permissionPlan({ usageInsights: args['usage-insights'] === true, assetInventory: args.source === 'asset-inventory' });
  const text =
    args.format === 'json'
      ? renderPlanJson(plan)
      : renderPlanText(plan, {
          ...(args.organization !== undefined ? { organization: args.organization.replace(/^organizations\//, '') } : {}),
          ...(args.member !== undefined ? { member: args.member } : {}),
        });
  await writeChunks([text], args.output);
}
