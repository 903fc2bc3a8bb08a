import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';

export const JOB_DIR = join(PACKAGE_ROOT, 'examples/cloud-run-job');

/** The container arguments of the Cloud Run job in gcloud.sh (`--args=a,b,…`), with its variables filled in. */
export function gcloudJobArgs(vars: { ORG_ID: string; BUCKET: string }): string[] {
  const text = readFileSync(join(JOB_DIR, 'gcloud.sh'), 'utf8');
  const m = /--args="([^"]+)"/.exec(text);
  if (!m?.[1]) throw new Error('gcloud.sh has no --args="…"');
  return m[1].replace(/\$\{(ORG_ID|BUCKET)\}/g, (_, v: 'ORG_ID' | 'BUCKET') => vars[v]).split(',');
}

/** The same from main.tf's `args = [ … ]`. */
export function terraformJobArgs(vars: { org_id: string; bucket: string }): string[] {
  const text = readFileSync(join(JOB_DIR, 'main.tf'), 'utf8');
  const m = /\n\s*args\s*=\s*\[([^\]]*)\]/.exec(text);
  if (!m?.[1]) throw new Error('main.tf has no args = [ … ]');
  return [...m[1].matchAll(/"([^"]*)"/g)].map((x) =>
    (x[1] ?? '').replace('${var.org_id}', vars.org_id).replace('${local.bucket}', vars.bucket),
  );
}
