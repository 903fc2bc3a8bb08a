import { describe, expect, test } from 'vitest';
import { conditionFlag, dedicatedAccountId } from '../../src/rules/remediation.js';
import { shellQuote } from '../../src/rules/shell.js';
import { bind, sa } from '../fixtures/inventories/builder.js';
import { acme, email, PROD, PROD_NUMBER } from '../fixtures/inventories/types.js';
import { findingsOf } from '../checks/helpers.js';

describe('shell quoting', () => {
  test.each([
    ['acme-prod', 'acme-prod'],
    ['serviceAccount:a@b.iam.gserviceaccount.com', 'serviceAccount:a@b.iam.gserviceaccount.com'],
    ['', "''"],
    ['two words', "'two words'"],
    ["it's", "'it'\\''s'"],
    ['$(rm -rf /)', "'$(rm -rf /)'"],
    ['deleted:user:x@y?uid=1', "'deleted:user:x@y?uid=1'"],
  ])('%j → %s', (input, quoted) => {
    expect(shellQuote(input)).toBe(quoted);
  });
});

describe('gcloud --condition', () => {
  test('plain expression and title', () => {
    expect(conditionFlag({ title: 'until 2026', expression: 'request.time < timestamp("2026-01-01T00:00:00Z")' })).toBe(
      `--condition='expression=request.time < timestamp("2026-01-01T00:00:00Z"),title=until 2026'`,
    );
  });

  test('an expression holding commas switches gcloud to another delimiter', () => {
    expect(
      conditionFlag({ title: 'prefix', expression: 'resource.name.startsWith("projects/_/buckets/a") || resource.type in ["x", "y"]', description: 'd' }),
    ).toBe(
      `--condition='^;^expression=resource.name.startsWith("projects/_/buckets/a") || resource.type in ["x", "y"];title=prefix;description=d'`,
    );
  });

  test('no condition', () => {
    expect(conditionFlag(undefined)).toBe('--condition=None');
  });
});

describe('dedicated account ids are valid service account ids', () => {
  test.each([
    ['billing', 'billing-run'],
    ['a', 'a-run-sa'],
    ['9lives', 'run-9lives-run'],
    ['very-long-service-name-for-something-important', 'very-long-service-name-for-run'],
    ['Mixed_Case.Name', 'mixed-case-name-run'],
  ])('%s → %s', (name, id) => {
    expect(dedicatedAccountId(name)).toBe(id);
    expect(id).toMatch(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
  });
});

describe('remediation with policy knowledge', () => {
  test('default-identity uses the policy identity and its allowed roles', () => {
    const b = acme();
    b.project(PROD, { number: PROD_NUMBER, parent: 'folders/2000' }).service('billing');
    const rules = `policies:\n  - names: [billing]\n    serviceAccount: ${email(PROD, 'billing-sa')}\n    allowedRoles: [roles/cloudsql.client, roles/secretmanager.secretAccessor]\n`;
    const [f] = findingsOf(b.build(), 'default-identity', rules);
    expect(f?.remediation.commands).toEqual([
      `gcloud projects add-iam-policy-binding acme-prod --member=serviceAccount:${email(PROD, 'billing-sa')} --role=roles/cloudsql.client`,
      `gcloud projects add-iam-policy-binding acme-prod --member=serviceAccount:${email(PROD, 'billing-sa')} --role=roles/secretmanager.secretAccessor`,
      `gcloud run services update billing --service-account=${email(PROD, 'billing-sa')} --region=europe-west1 --project=acme-prod`,
      'gcloud resource-manager org-policies enable-enforce iam.automaticIamGrantsForDefaultServiceAccounts --organization=1000',
    ]);
    expect(f?.remediation.terraform).toBe(
      [
        'resource "google_project_iam_member" "billing_role_0" {',
        '  project = "acme-prod"',
        '  role    = "roles/cloudsql.client"',
        `  member  = "serviceAccount:${email(PROD, 'billing-sa')}"`,
        '}',
        '',
        'resource "google_project_iam_member" "billing_role_1" {',
        '  project = "acme-prod"',
        '  role    = "roles/secretmanager.secretAccessor"',
        `  member  = "serviceAccount:${email(PROD, 'billing-sa')}"`,
        '}',
        '',
        'resource "google_cloud_run_v2_service" "billing" {',
        '  name     = "billing"',
        '  location = "europe-west1"',
        '  project  = "acme-prod"',
        '  template {',
        `    service_account = "${email(PROD, 'billing-sa')}"`,
        '    # … the rest of the revision template as it is today',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  test('a key is deleted in its home project', () => {
    const other = email('acme-shared', 'batch');
    const b = acme();
    b.project(PROD, { number: PROD_NUMBER, parent: 'folders/2000', bindings: [bind('roles/viewer', sa(other))] }).job('batch', {
      serviceAccount: other,
    });
    b.account(other, {
      keys: [{ keyId: '0123abcd', keyType: 'USER_MANAGED', disabled: false, validBeforeTime: '9999-12-31T23:59:59Z' }],
    });
    const [f] = findingsOf(b.build(), 'user-managed-key');
    expect(f?.message).toBe(
      `job \`batch\` (europe-west1, acme-prod) runs as ${other}, which has 1 enabled user-managed key: 0123abcd (never expires)`,
    );
    expect(f?.remediation.commands).toEqual([
      `gcloud iam service-accounts keys delete 0123abcd --iam-account=${other} --project=acme-shared`,
    ]);
  });
});
