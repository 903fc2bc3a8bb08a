/**
 * Whether two references name the same project, when each may be known by ID, by number, or both. Offline inputs
 * often hold only one of the two (a Knative object names its project by number, a v2 object by ID), and the pair
 * "number N is project P" is then not in the inputs: such a relation is undecided, never guessed.
 */

export interface ProjectNames {
  /** A project ID; never all digits (IDs start with a letter), so an all-digit value here is a number. */
  id?: string;
  number?: string;
}

/** What the inputs say about IDs and numbers of the projects they hold. */
export interface ProjectDirectory {
  numberOf(id: string): string | undefined;
  idOf(number: string): string | undefined;
}

const DIGITS = /^\d+$/;

/** A project as the inventory names it: `projectId` is its number when the ID is not known. */
export function namesOf(p: { projectId: string; projectNumber: string }): ProjectNames {
  const byNumber = DIGITS.test(p.projectId);
  const number = p.projectNumber !== '' ? p.projectNumber : byNumber ? p.projectId : undefined;
  return { ...(!byNumber ? { id: p.projectId } : {}), ...(number !== undefined ? { number } : {}) };
}

function complete(n: ProjectNames, dir: ProjectDirectory): ProjectNames {
  const id = n.id ?? (n.number !== undefined ? dir.idOf(n.number) : undefined);
  const number = n.number ?? (n.id !== undefined ? dir.numberOf(n.id) : undefined);
  return { ...(id !== undefined && !DIGITS.test(id) ? { id } : {}), ...(number !== undefined && number !== '' ? { number } : {}) };
}

/** True or false when the names (with what the directory adds) decide it; undefined when they cannot. */
export function sameProject(a: ProjectNames, b: ProjectNames, dir: ProjectDirectory): boolean | undefined {
  const x = complete(a, dir);
  const y = complete(b, dir);
  if (x.id !== undefined && y.id !== undefined) return x.id === y.id;
  if (x.number !== undefined && y.number !== undefined) return x.number === y.number;
  return undefined;
}
