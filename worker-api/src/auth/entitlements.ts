/** What a signed-in person may do, by role: the web app puts these scopes in their tokens. */
const SCOPES_BY_ROLE: Record<string, readonly string[]> = {
  user: ['chat:write', 'conversations:read', 'conversations:write', 'usage:read', 'billing:read', 'billing:write'],
  admin: ['admin:read', 'admin:write'],
};

/** The roles a newly provisioned user gets. */
export const DEFAULT_ROLES: readonly string[] = ['user'];

/** Every scope the given roles grant, without duplicates, in a stable order. */
export function scopesForRoles(roles: readonly string[]): string[] {
  const scopes = new Set<string>();
  for (const role of roles) for (const scope of SCOPES_BY_ROLE[role] ?? []) scopes.add(scope);
  return [...scopes];
}
