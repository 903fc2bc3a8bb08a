/**
 * Usage evidence from the Recommender API (`audit --usage-insights`): what each runtime identity did with the roles
 * it holds over the observation window, and what Google proposes instead. Part of the Inventory, so a snapshot
 * carries it and an offline audit judges it the same way.
 */

export interface UsageRecommendation {
  /** REMOVE_ROLE, REPLACE_ROLE, REPLACE_ROLE_CUSTOMIZABLE, … */
  subtype: string;
  /** Roles Google proposes in place of the one it removes; empty for REMOVE_ROLE. */
  addedRoles: string[];
  description: string;
}

/** One google.iam.policy.Insight: one member's use of one role granted at one place. */
export interface PermissionUsage {
  /** Where the role is granted: `projects/{id}`, `folders/{n}` or `organizations/{n}`. */
  place: string;
  member: string;
  role: string;
  condition?: { title: string; expression: string };
  /** Permissions seen used. */
  exercised: string[];
  /** Permissions Google judges needed although not seen used. */
  inferred: string[];
  /** How many permissions the role holds (Google's count: for a trimmed bundled role this is the true size). */
  totalPermissions: number;
  observationDays: number;
  recommendation?: UsageRecommendation;
}

/** A regional google.run.service.IdentityRecommender recommendation. */
export interface RunIdentityRecommendation {
  /** `projects/{id}/locations/{region}/services/{name}` */
  service: string;
  description: string;
}

export interface UsageEvidence {
  /** Most Recommender reads (pages) the scan was allowed. */
  cap: number;
  /** Reads made. */
  reads: number;
  /** Whether the cap stopped some reads. */
  capped: boolean;
  /** Why some or all of the evidence is missing: each reason once. */
  notes: string[];
  insights: PermissionUsage[];
  runRecommendations: RunIdentityRecommendation[];
}

/** Permissions the insight counts as used: exercised and inferred together, sorted. */
export function usedPermissions(u: PermissionUsage): string[] {
  return [...new Set([...u.exercised, ...u.inferred])].sort();
}
