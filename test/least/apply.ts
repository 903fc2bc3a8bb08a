import type { Scenario, ScenarioPolicy } from '../../src/emulator/scenario.js';
import type { LeastPrivilegePlan } from '../../src/least/recommend.js';

/** The scenario after a plan's changes: what running its gcloud commands would leave in the organisation. */
export function applyPlan(scenario: Scenario, plan: LeastPrivilegePlan): Scenario {
  const next = structuredClone(scenario);
  const policyAt = (place: string): ScenarioPolicy => {
    const holder = place.startsWith('projects/')
      ? next.projects.find((p) => `projects/${p.projectId}` === place)
      : place.startsWith('folders/')
        ? next.folders?.find((f) => `folders/${f.id}` === place)
        : next.organization;
    if (!holder) throw new Error(`no ${place} in the scenario`);
    holder.iamPolicy ??= { bindings: [] };
    return holder.iamPolicy;
  };
  if (plan.customRole) {
    const project = next.projects.find((p) => p.projectId === plan.customRole?.project);
    if (!project) throw new Error(`no project ${plan.customRole.project}`);
    (project.customRoles ??= []).push({ roleId: plan.customRole.name, title: plan.customRole.title, stage: 'GA', includedPermissions: plan.customRole.permissions });
  }
  for (const a of plan.add) {
    const policy = policyAt(a.place);
    const b = policy.bindings.find((x) => x.role === a.role && !x.condition);
    if (b) b.members.push(a.member);
    else policy.bindings.push({ role: a.role, members: [a.member] });
  }
  for (const r of plan.remove) {
    const policy = policyAt(r.place);
    for (const b of policy.bindings) {
      if (b.role === r.role && (b.condition?.expression ?? '') === (r.condition?.expression ?? '')) {
        b.members = b.members.filter((m) => m.toLowerCase() !== r.member.toLowerCase());
      }
    }
    policy.bindings = policy.bindings.filter((b) => b.members.length > 0);
  }
  return next;
}
