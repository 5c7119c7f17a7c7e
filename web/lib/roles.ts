/** The role that opens the operators' console (the Worker checks it again on every /admin call). */
export const ADMIN_ROLE = 'admin';

export function isAdmin(roles: readonly string[] | undefined): boolean {
  return roles?.includes(ADMIN_ROLE) ?? false;
}
