import { describe, expect, test } from 'vitest';
import { jobFromAsset, projectNumberOfAsset, revisionFromAsset, serviceFromAsset } from '../../src/collect/map-asset.js';
import { mapJob, mapService } from '../../src/collect/map-run.js';
import type { AssetResource } from '../../src/google/asset.js';

/**
 * CAI records shaped like real ones: Struct numbers as JSON doubles (`100.0`), settings as annotations, the
 * location as a label, traffic in status with revision names.
 */

const REF = { projectId: 'shop-prod', projectNumber: '123456789012' };

const service: AssetResource = {
  name: '//run.googleapis.com/projects/shop-prod/locations/europe-west1/services/cart',
  assetType: 'run.googleapis.com/Service',
  project: 'projects/123456789012',
  folders: [],
  version: 'v1',
  resource: {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      name: 'cart',
      namespace: '123456789012',
      generation: 3.0,
      uid: '0b8f3c52-5a0e-4c1e-9a57-2f8c1d3e4b5a',
      labels: { 'cloud.googleapis.com/location': 'europe-west1', team: 'shop' },
      annotations: {
        'serving.knative.dev/creator': 'dev@shop.example',
        'serving.knative.dev/lastModifier': 'ci@shop-prod.iam.gserviceaccount.com',
        'run.googleapis.com/ingress': 'internal-and-cloud-load-balancing',
        'run.googleapis.com/ingress-status': 'internal-and-cloud-load-balancing',
        'run.googleapis.com/client-name': 'cloud-console',
        'owner-note': 'kept',
      },
    },
    spec: {
      template: { metadata: { name: 'cart-00003-xyz' }, spec: { serviceAccountName: 'cart-sa@shop-prod.iam.gserviceaccount.com', containerConcurrency: 80.0 } },
      traffic: [{ latestRevision: true, percent: 75.0 }, { revisionName: 'cart-00002-abc', percent: 25.0, tag: 'old' }],
    },
    status: {
      url: 'https://cart-abcdefghij-ew.a.run.app',
      latestReadyRevisionName: 'cart-00003-xyz',
      traffic: [{ latestRevision: true, revisionName: 'cart-00003-xyz', percent: 75.0 }, { revisionName: 'cart-00002-abc', percent: 25.0, tag: 'old' }],
    },
  },
};

const revision = (id: string, sa: string): AssetResource => ({
  name: `//run.googleapis.com/projects/shop-prod/locations/europe-west1/revisions/${id}`,
  assetType: 'run.googleapis.com/Revision',
  project: 'projects/123456789012',
  folders: [],
  resource: {
    metadata: { name: id, creationTimestamp: '2025-02-01T10:00:00.123456Z', labels: { 'serving.knative.dev/service': 'cart' }, annotations: { 'autoscaling.knative.dev/maxScale': '4' } },
    spec: { serviceAccountName: sa },
  },
});

describe('CAI Run records mapped into the inventory', () => {
  test('a service: identity, ingress from the annotation, traffic with percentages from doubles, system labels and annotations dropped', () => {
    const revs = [revision('cart-00003-xyz', 'cart-sa@shop-prod.iam.gserviceaccount.com'), revision('cart-00002-abc', '123456789012-compute@developer.gserviceaccount.com')].map((r) => revisionFromAsset(r, 'shop-prod')!);
    const s = mapService(serviceFromAsset(service, 'shop-prod')!, revs, REF, null)!;
    expect(s.name).toBe('projects/shop-prod/locations/europe-west1/services/cart');
    expect([s.serviceAccount, s.serviceAccountDefaulted, s.ingress]).toEqual(['cart-sa@shop-prod.iam.gserviceaccount.com', false, 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER']);
    expect(s.labels).toEqual({ team: 'shop' });
    expect(s.annotations).toEqual({ 'owner-note': 'kept' });
    expect(s.traffic).toEqual([
      { revisionId: 'cart-00003-xyz', percent: 75, latest: true },
      { revisionId: 'cart-00002-abc', percent: 25, latest: false, tag: 'old' },
    ]);
    expect(s.revisions.map((r) => [r.revisionId, r.serviceAccount, r.trafficPercent, r.tags, r.annotations])).toEqual([
      ['cart-00002-abc', '123456789012-compute@developer.gserviceaccount.com', 25, ['old'], {}],
      ['cart-00003-xyz', 'cart-sa@shop-prod.iam.gserviceaccount.com', 75, [], {}],
    ]);
    expect([s.creator, s.lastModifier, s.uri, s.latestReadyRevision]).toEqual(['dev@shop.example', 'ci@shop-prod.iam.gserviceaccount.com', 'https://cart-abcdefghij-ew.a.run.app', 'cart-00003-xyz']);
  });

  test('keys and values that are names of Object.prototype members: a label __proto__ is kept, ingress constructor is unknown', () => {
    const hostile = JSON.parse(JSON.stringify(service)) as AssetResource;
    const meta = (hostile.resource as { metadata: { labels: Record<string, string>; annotations: Record<string, string> } }).metadata;
    // JSON.parse makes __proto__ an own key, as a decoded Google response would.
    meta.labels = JSON.parse('{"cloud.googleapis.com/location":"europe-west1","__proto__":"x","constructor":"y"}') as Record<string, string>;
    meta.annotations['run.googleapis.com/ingress'] = 'constructor';
    const s = serviceFromAsset(hostile, 'shop-prod')!;
    expect(Object.keys(s.labels ?? {}).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(s.labels)).toBe(Object.prototype);
    expect(s.ingress).toBe('INGRESS_TRAFFIC_UNSPECIFIED');
  });

  test('a job without serviceAccountName runs as the default compute identity', () => {
    const job: AssetResource = {
      name: '//run.googleapis.com/projects/123456789012/locations/us-central1/jobs/nightly',
      assetType: 'run.googleapis.com/Job',
      folders: [],
      resource: { apiVersion: 'run.googleapis.com/v1', kind: 'Job', metadata: { name: 'nightly', annotations: { 'run.googleapis.com/creator': 'ops@shop.example' } }, spec: { template: { spec: { taskCount: 1.0, template: { spec: { maxRetries: 3.0 } } } } } },
    };
    const j = mapJob(jobFromAsset(job, 'shop-prod')!, REF)!;
    expect([j.name, j.serviceAccount, j.serviceAccountDefaulted, j.creator]).toEqual([
      'projects/shop-prod/locations/us-central1/jobs/nightly',
      '123456789012-compute@developer.gserviceaccount.com',
      true,
      'ops@shop.example',
    ]);
  });

  test('a record that is not a Run service, or carries no resource, maps to nothing', () => {
    expect(serviceFromAsset({ ...service, name: '//run.googleapis.com/projects/p/locations/r/jobs/x' }, 'p')).toBeUndefined();
    const { resource: _r, ...bare } = service;
    expect(serviceFromAsset(bare, 'p')).toBeUndefined();
  });

  test('project numbers arrive as projects/N, and sometimes as a double', () => {
    expect([projectNumberOfAsset('projects/123'), projectNumberOfAsset('123.0'), projectNumberOfAsset('projects/shop-prod')]).toEqual(['123', '123', undefined]);
  });
});
