import { describe, expect, test } from 'vitest';
import { bind, sa } from '../fixtures/inventories/builder.js';
import { acme, email, PROD, PROD_NUMBER, svc } from '../fixtures/inventories/types.js';
import { findingsOf } from '../checks/helpers.js';

const billingSa = email(PROD, 'billing-sa');

describe('identity-impersonation: the deploy path', () => {
  test('a group with run.services.update (Editor on the folder) and actAs on a privileged identity is reported as a group, unexpanded', () => {
    const b = acme({ folderBindings: [bind('roles/editor', 'group:platform@acme.example')] });
    b.project(PROD, { number: PROD_NUMBER, parent: 'folders/2000', bindings: [bind('roles/owner', sa(billingSa))] }).service('billing', { serviceAccount: billingSa });
    b.account(billingSa);
    const [f, ...rest] = findingsOf(b.build(), 'identity-impersonation');
    expect(rest).toEqual([]);
    expect(f?.resource).toBe(svc(PROD, 'billing'));
    expect(f?.severity).toBe('high');
    expect(f?.evidence['deployPaths']).toEqual([
      {
        member: 'group:platform@acme.example',
        group: true,
        deploy: { role: 'roles/editor', place: 'folders/2000', permission: 'run.services.create' },
        actAs: { role: 'roles/editor', place: 'folders/2000' },
      },
    ]);
    expect(f?.message).toContain(
      '; 1 principal can deploy code that runs as it (run.services.create or update, plus actAs): group:platform@acme.example (a group, not expanded; roles/editor on folders/2000). Groups were not expanded. The identity is privileged: holds roles/owner',
    );
    expect(f?.remediation.commands).toEqual([
      'gcloud resource-manager folders remove-iam-policy-binding 2000 --member=group:platform@acme.example --role=roles/editor',
    ]);
  });

  test('Cloud Run Developer alone (no actAs) is no path; nor is any path to a narrow identity', () => {
    const b = acme();
    b.project(PROD, {
      number: PROD_NUMBER,
      parent: 'folders/2000',
      bindings: [bind('roles/run.developer', 'user:dev@acme.example'), bind('roles/owner', sa(billingSa)), bind('roles/editor', 'user:ed@acme.example')],
    }).service('billing', { serviceAccount: billingSa });
    const narrow = email(PROD, 'narrow-sa');
    b.project('acme-narrow', { number: '444444444444', parent: 'folders/2000', bindings: [bind('roles/logging.logWriter', sa(narrow))] }).service('narrow', { serviceAccount: narrow });
    b.account(billingSa);
    b.account(narrow);
    const found = findingsOf(b.build(), 'identity-impersonation');
    expect(found.map((f) => f.resource)).toEqual([svc(PROD, 'billing')]);
    expect(found[0]?.evidence['deployPaths']).toEqual([
      {
        member: 'user:ed@acme.example',
        group: false,
        deploy: { role: 'roles/editor', place: `projects/${PROD}`, permission: 'run.services.create' },
        actAs: { role: 'roles/editor', place: `projects/${PROD}` },
      },
    ]);
  });
});
