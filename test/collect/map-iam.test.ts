import { describe, expect, test } from 'vitest';
import { mapKey, mapPolicy, mapRole, mapServiceAccount, roleSource, rolesIn } from '../../src/collect/map-iam.js';
import { toPolicy } from '../../src/google/api.js';
import { BadResponseError } from '../../src/google/errors.js';

describe('policies', () => {
  test('an empty policy ({"etag":"ACAB"}) is version 1 with no bindings', () => {
    expect(mapPolicy(toPolicy({ etag: 'ACAB' }, 'getIamPolicy'))).toEqual({ version: 1, bindings: [] });
  });

  test('deleted members are kept verbatim; conditions are kept whole; order is normalised', () => {
    const api = {
      version: 3,
      etag: 'BwYJm4P4pXg=',
      bindings: [
        {
          role: 'roles/pubsub.publisher',
          members: [
            'serviceAccount:notifier@acme-shared-svcs.iam.gserviceaccount.com',
            'deleted:serviceAccount:old-sa@acme-shared-svcs.iam.gserviceaccount.com?uid=113020487561204983512',
          ],
        },
        {
          role: 'roles/owner',
          members: ['serviceAccount:reporting-sa@acme-data-prod.iam.gserviceaccount.com'],
          condition: { title: 'Quarter-end', expression: 'request.time < timestamp("2026-01-31T00:00:00Z")', description: 'Q4' },
        },
        { role: 'roles/editor', members: ['allUsers'] },
      ],
    };
    expect(mapPolicy(toPolicy(api, 'getIamPolicy'))).toEqual({
      version: 3,
      bindings: [
        { role: 'roles/editor', members: ['allUsers'] },
        {
          role: 'roles/owner',
          members: ['serviceAccount:reporting-sa@acme-data-prod.iam.gserviceaccount.com'],
          condition: { title: 'Quarter-end', expression: 'request.time < timestamp("2026-01-31T00:00:00Z")', description: 'Q4' },
        },
        {
          role: 'roles/pubsub.publisher',
          members: [
            'deleted:serviceAccount:old-sa@acme-shared-svcs.iam.gserviceaccount.com?uid=113020487561204983512',
            'serviceAccount:notifier@acme-shared-svcs.iam.gserviceaccount.com',
          ],
        },
      ],
    });
  });

  test("resource-manager's decoded policy (defaults filled in, empty condition) maps the same way", () => {
    const decoded = {
      version: 1,
      bindings: [{ role: 'roles/viewer', members: ['user:a@example.com'], condition: { expression: '', title: '', description: '', location: '' } }],
      auditConfigs: [],
      etag: Buffer.from('ACAB'),
    };
    expect(mapPolicy(toPolicy(decoded, 'getIamPolicy'))).toEqual({ version: 1, bindings: [{ role: 'roles/viewer', members: ['user:a@example.com'] }] });
  });

  test('a policy of the wrong shape is a bad response', () => {
    expect(() => toPolicy({ bindings: 'x' }, 'projects.getIamPolicy')).toThrow(BadResponseError);
    expect(() => toPolicy({ etag: 'ACAB', bindings: [{ members: [] }] }, 'projects.getIamPolicy')).toThrow('projects.getIamPolicy: bindings[0] has no role');
    // What resource-manager makes of a JSON list where a policy should be: every field at its default.
    expect(() => toPolicy({ version: 0, bindings: [], auditConfigs: [], etag: Buffer.alloc(0) }, 'projects.getIamPolicy')).toThrow('projects.getIamPolicy: the policy has no etag');
    expect(() => toPolicy('{"bindings": [', 'projects.getIamPolicy')).toThrow('projects.getIamPolicy: not JSON (14 bytes; truncated?)');
  });

  test('roles to fetch are predefined and custom roles only', () => {
    expect(
      rolesIn({
        version: 1,
        bindings: [
          { role: 'roles/run.invoker', members: [] },
          { role: 'projects/p-123456/roles/custom', members: [] },
          { role: 'organizations/42/roles/deployHelper', members: [] },
        ],
      }),
    ).toEqual(['roles/run.invoker', 'projects/p-123456/roles/custom', 'organizations/42/roles/deployHelper']);
    expect(roleSource('projects/p-123456/roles/custom')).toBe('project');
    expect(roleSource('organizations/42/roles/x')).toBe('organization');
    expect(roleSource('roles/editor')).toBe('predefined');
  });
});

describe('roles, accounts and keys', () => {
  test('a custom role keeps stage and deleted; an ALPHA role has no stage, as Google sends it', () => {
    expect(
      mapRole(
        { name: 'projects/acme-payments-prod/roles/legacyExporter', title: 'Legacy exporter', stage: 'DEPRECATED', deleted: true, includedPermissions: ['storage.objects.get'], etag: 'x' },
        'projects/acme-payments-prod/roles/legacyExporter',
      ),
    ).toEqual({
      name: 'projects/acme-payments-prod/roles/legacyExporter',
      title: 'Legacy exporter',
      stage: 'DEPRECATED',
      deleted: true,
      includedPermissions: ['storage.objects.get'],
      source: 'project',
    });
    expect(mapRole({ name: 'organizations/4/roles/a', includedPermissions: ['b.c', 'a.b'] }, 'organizations/4/roles/a')).toEqual({
      name: 'organizations/4/roles/a',
      deleted: false,
      includedPermissions: ['a.b', 'b.c'],
      source: 'organization',
    });
  });

  test('a key keeps type, validity and state, never key material', () => {
    expect(
      mapKey({
        name: 'projects/acme-payments-prod/serviceAccounts/fraud-sa@acme-payments-prod.iam.gserviceaccount.com/keys/3f9a1c27',
        keyType: 'USER_MANAGED',
        keyOrigin: 'GOOGLE_PROVIDED',
        keyAlgorithm: 'KEY_ALG_RSA_2048',
        validAfterTime: '2024-11-04T16:20:11Z',
        validBeforeTime: '9999-12-31T23:59:59Z',
        privateKeyData: 'c2VjcmV0',
        publicKeyData: 'cHVibGlj',
      }),
    ).toEqual({
      keyId: '3f9a1c27',
      keyType: 'USER_MANAGED',
      keyOrigin: 'GOOGLE_PROVIDED',
      keyAlgorithm: 'KEY_ALG_RSA_2048',
      validAfterTime: '2024-11-04T16:20:11Z',
      validBeforeTime: '9999-12-31T23:59:59Z',
      disabled: false,
    });
  });

  test('account state: active, disabled, deleted (404), unknown (unreadable)', () => {
    const base = { email: 'a@p-123456.iam.gserviceaccount.com', policy: null, keys: null };
    expect(mapServiceAccount({ ...base, api: { email: base.email, projectId: 'p-123456', uniqueId: '1' } }).state).toBe('active');
    expect(mapServiceAccount({ ...base, api: { email: base.email, disabled: true } }).state).toBe('disabled');
    expect(mapServiceAccount({ ...base, missing: 'deleted', homeFallback: 'p-123456' })).toEqual({
      email: base.email,
      projectId: 'p-123456',
      state: 'deleted',
      iamPolicy: null,
      keys: null,
    });
    expect(mapServiceAccount({ ...base, missing: 'unknown' }).state).toBe('unknown');
  });
});
