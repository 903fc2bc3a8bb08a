import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { mapJob, mapService, mapTraffic, shortRevisionId, type ProjectRef } from '../../src/collect/map-run.js';
import type { ApiRevision, ApiService } from '../../src/google/types.js';
import type { Service } from '../../src/model/inventory.js';

const realService = JSON.parse(
  readFileSync(new URL('./fixtures/v2-service-default-sa.firebase-tools.json', import.meta.url), 'utf8'),
) as ApiService;
const junkdrawer: ProjectRef = { projectId: 'inlined-junkdrawer', projectNumber: '92611791981' };
const acme: ProjectRef = { projectId: 'acme-web-prod', projectNumber: '415104041262' };
const svcName = 'projects/acme-web-prod/locations/europe-west1/services/checkout';

describe('mapService on a real v2 Service', () => {
  test('maps to exactly this Service', () => {
    const revision: ApiRevision = {
      name: `${realService.name}/revisions/ejectrequest-00002-ruh`,
      serviceAccount: '92611791981-compute@developer.gserviceaccount.com',
      createTime: '2025-06-13T21:23:03.000000Z',
      labels: { 'serving.knative.dev/service': 'ejectrequest' },
    };
    const expected: Service = {
      name: 'projects/inlined-junkdrawer/locations/us-central1/services/ejectrequest',
      projectId: 'inlined-junkdrawer',
      region: 'us-central1',
      serviceId: 'ejectrequest',
      uid: '2946ee66-76ec-493c-a853-2f126dabef73',
      creator: 'service-92611791981@gcf-admin-robot.iam.gserviceaccount.com',
      lastModifier: 'service-92611791981@gcf-admin-robot.iam.gserviceaccount.com',
      labels: {
        'firebase-functions-codebase': 'js',
        'firebase-functions-hash': '3653cb61dcf8e18a4a8706251b627485a5e83cd0',
        'goog-cloudfunctions-runtime': 'nodejs22',
        'goog-drz-cloudfunctions-id': 'ejectrequest',
        'goog-drz-cloudfunctions-location': 'us-central1',
        'goog-managed-by': '',
      },
      annotations: { 'cloudfunctions.googleapis.com/function-id': 'ejectRequest' },
      ingress: 'INGRESS_TRAFFIC_ALL',
      invokerIamDisabled: false,
      uri: 'https://ejectrequest-uvb3o4q2mq-uc.a.run.app',
      serviceAccount: '92611791981-compute@developer.gserviceaccount.com',
      serviceAccountDefaulted: false,
      latestReadyRevision: 'ejectrequest-00002-ruh',
      traffic: [{ revisionId: 'ejectrequest-00002-ruh', percent: 100, latest: true }],
      revisions: [
        {
          name: 'projects/inlined-junkdrawer/locations/us-central1/services/ejectrequest/revisions/ejectrequest-00002-ruh',
          revisionId: 'ejectrequest-00002-ruh',
          serviceAccount: '92611791981-compute@developer.gserviceaccount.com',
          serviceAccountDefaulted: false,
          trafficPercent: 100,
          tags: [],
          createTime: '2025-06-13T21:23:03.000000Z',
          labels: { 'serving.knative.dev/service': 'ejectrequest' },
          annotations: {},
        },
      ],
      iamPolicy: null,
    };
    expect(mapService(realService, [revision], junkdrawer, null)).toEqual(expected);
  });

  test('copies no container configuration: no env values, images, build config or template annotations', () => {
    const text = JSON.stringify(mapService(realService, [], junkdrawer, null));
    for (const secretish of ['FIREBASE_CONFIG', 'firebaseio.com', 'docker.pkg.dev', 'GOOGLE_NODE_RUN_SCRIPTS', 'HTTP_TRIGGER', 'gcf-v2-sources']) {
      expect(text).not.toContain(secretish);
    }
  });
});

describe('identity corner cases', () => {
  test('a service whose template has no identity runs as the project default, marked as filled in', () => {
    const svc: ApiService = { name: svcName, template: { containers: [] } };
    const m = mapService(svc, [], acme, null);
    expect(m?.serviceAccount).toBe('415104041262-compute@developer.gserviceaccount.com');
    expect(m?.serviceAccountDefaulted).toBe(true);
  });

  test('a revision without an identity gets the project default; one with an identity keeps it', () => {
    const revisions: ApiRevision[] = [
      { name: `${svcName}/revisions/checkout-00001-aaa` },
      { name: `${svcName}/revisions/checkout-00002-bbb`, serviceAccount: 'checkout-sa@acme-web-prod.iam.gserviceaccount.com' },
      // Another service's revision in the same region listing is not attached here.
      { name: 'projects/acme-web-prod/locations/europe-west1/services/other/revisions/other-00001-ccc' },
    ];
    const m = mapService({ name: svcName, template: { serviceAccount: 'checkout-sa@acme-web-prod.iam.gserviceaccount.com' } }, revisions, acme, null);
    expect(m?.revisions.map((r) => [r.revisionId, r.serviceAccount, r.serviceAccountDefaulted])).toEqual([
      ['checkout-00001-aaa', '415104041262-compute@developer.gserviceaccount.com', true],
      ['checkout-00002-bbb', 'checkout-sa@acme-web-prod.iam.gserviceaccount.com', false],
    ]);
  });

  test('a job identity is read from template.template; without one the project default applies', () => {
    const withSa = mapJob(
      { name: 'projects/acme-data-prod/locations/europe-west1/jobs/nightly-export', template: { template: { serviceAccount: 'exporter-sa@acme-data-prod.iam.gserviceaccount.com' } } },
      { projectId: 'acme-data-prod', projectNumber: '207384615950' },
    );
    expect(withSa).toEqual({
      name: 'projects/acme-data-prod/locations/europe-west1/jobs/nightly-export',
      projectId: 'acme-data-prod',
      region: 'europe-west1',
      jobId: 'nightly-export',
      labels: {},
      annotations: {},
      serviceAccount: 'exporter-sa@acme-data-prod.iam.gserviceaccount.com',
      serviceAccountDefaulted: false,
    });
    const without = mapJob(
      { name: 'projects/acme-data-prod/locations/us-central1/jobs/cleanup', template: { taskCount: 1, template: { maxRetries: 3 } } },
      { projectId: 'acme-data-prod', projectNumber: '207384615950' },
    );
    expect(without?.serviceAccount).toBe('207384615950-compute@developer.gserviceaccount.com');
    expect(without?.serviceAccountDefaulted).toBe(true);
  });

  test('names given with a project number are rewritten with the project ID', () => {
    const m = mapService({ name: 'projects/415104041262/locations/us-central1/services/storefront' }, [], acme, null);
    expect(m?.name).toBe('projects/acme-web-prod/locations/us-central1/services/storefront');
  });

  test('something that is not a service name is not mapped', () => {
    expect(mapService({ name: 'services/storefront' }, [], acme, null)).toBeUndefined();
    expect(mapJob({ name: svcName }, acme)).toBeUndefined();
  });
});

describe('traffic', () => {
  const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
  const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

  test('LATEST without a revision resolves through latestReadyRevision (a full name)', () => {
    expect(
      mapTraffic({
        latestReadyRevision: `${svcName}/revisions/checkout-00012-zuv`,
        trafficStatuses: [
          { type: LATEST, percent: 90 },
          { type: REVISION, revision: 'checkout-00011-kel', percent: 10 },
        ],
      }),
    ).toEqual([
      { revisionId: 'checkout-00012-zuv', percent: 90, latest: true },
      { revisionId: 'checkout-00011-kel', percent: 10, latest: false },
    ]);
  });

  test('LATEST with no ready revision stays unresolved', () => {
    expect(mapTraffic({ trafficStatuses: [{ type: LATEST, percent: 100 }] })).toEqual([{ revisionId: null, percent: 100, latest: true }]);
  });

  test('short and full revision names are both understood', () => {
    expect(shortRevisionId('checkout-00011-kel')).toBe('checkout-00011-kel');
    expect(shortRevisionId(`${svcName}/revisions/checkout-00011-kel`)).toBe('checkout-00011-kel');
    expect(
      mapTraffic({ trafficStatuses: [{ type: REVISION, revision: `${svcName}/revisions/checkout-00011-kel`, percent: 100 }] }),
    ).toEqual([{ revisionId: 'checkout-00011-kel', percent: 100, latest: false }]);
  });

  test('falls back to the desired traffic when there are no statuses; an absent percent is 0', () => {
    expect(
      mapTraffic({
        latestReadyRevision: `${svcName}/revisions/checkout-00012-zuv`,
        traffic: [{ type: LATEST, percent: 100 }, { type: REVISION, revision: 'checkout-00011-kel', tag: 'canary' }],
      }),
    ).toEqual([
      { revisionId: 'checkout-00012-zuv', percent: 100, latest: true },
      { revisionId: 'checkout-00011-kel', percent: 0, latest: false, tag: 'canary' },
    ]);
  });

  test('a revision gets its share and tags; a tagged revision at 0% is still tagged', () => {
    const svc: ApiService = {
      name: svcName,
      latestReadyRevision: `${svcName}/revisions/checkout-00012-zuv`,
      trafficStatuses: [
        { type: LATEST, percent: 100 },
        { type: REVISION, revision: 'checkout-00012-zuv', tag: 'blue' },
        { type: REVISION, revision: 'checkout-00011-kel', tag: 'canary' },
      ],
    };
    const m = mapService(
      svc,
      [{ name: `${svcName}/revisions/checkout-00011-kel` }, { name: `${svcName}/revisions/checkout-00012-zuv` }],
      acme,
      null,
    );
    expect(m?.revisions.map((r) => [r.revisionId, r.trafficPercent, r.tags])).toEqual([
      ['checkout-00011-kel', 0, ['canary']],
      ['checkout-00012-zuv', 100, ['blue']],
    ]);
  });
});
