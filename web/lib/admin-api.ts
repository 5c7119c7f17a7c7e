/** The browser's client of the Worker's `/admin/*` routes, through the BFF, typed from its OpenAPI document. */
import type {
  AdminCreateModelRequest,
  AdminCreatePlanRequest,
  AdminCreateProviderRequest,
  AdminGrantRequest,
  AdminUpdateModelRequest,
  AdminUpdatePlanRequest,
  AdminUpdateProviderRequest,
  AdminUpdateUserRequest,
} from '@chat/contract/api';
import { answer, client } from './api';

const user = (id: string) => ({ path: { id } });

export const adminApi = {
  users: (q: string, cursor: string | null) => answer(client.GET('/admin/users', { params: { query: { limit: 20, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) } } })),
  user: (userId: string) => answer(client.GET('/admin/users/{id}', { params: user(userId) })),
  updateUser: (userId: string, body: AdminUpdateUserRequest) => answer(client.PATCH('/admin/users/{id}', { params: user(userId), body })),
  suspend: (userId: string, reason: string) => answer(client.POST('/admin/users/{id}/suspend', { params: user(userId), body: { reason } })),
  unsuspend: (userId: string) => answer(client.POST('/admin/users/{id}/unsuspend', { params: user(userId) })),
  grant: (userId: string, body: AdminGrantRequest) => answer(client.POST('/admin/users/{id}/grants', { params: user(userId), body })),
  revokeGrant: async (userId: string, grantId: string) => {
    await answer(client.DELETE('/admin/users/{id}/grants/{grantId}', { params: { path: { id: userId, grantId } } }));
  },
  plans: () => answer(client.GET('/admin/plans')),
  createPlan: (body: AdminCreatePlanRequest) => answer(client.POST('/admin/plans', { body })),
  updatePlan: (planId: string, body: AdminUpdatePlanRequest) => answer(client.PATCH('/admin/plans/{id}', { params: { path: { id: planId } }, body })),
  providers: () => answer(client.GET('/admin/providers')),
  createProvider: (body: AdminCreateProviderRequest) => answer(client.POST('/admin/providers', { body })),
  updateProvider: (providerId: string, body: AdminUpdateProviderRequest) => answer(client.PATCH('/admin/providers/{id}', { params: { path: { id: providerId } }, body })),
  models: () => answer(client.GET('/admin/models')),
  createModel: (body: AdminCreateModelRequest) => answer(client.POST('/admin/models', { body })),
  updateModel: (modelId: string, body: AdminUpdateModelRequest) => answer(client.PATCH('/admin/models/{id}', { params: { path: { id: modelId } }, body })),
  margin: (month: string) => answer(client.GET('/admin/margin', { params: { query: { month } } })),
  usage: ({ from, to, userId }: { from: string; to: string; userId?: string }) =>
    answer(client.GET('/admin/usage', { params: { query: { from, to, ...(userId ? { userId } : {}) } } })),
  trace: (traceId: string) => answer(client.GET('/admin/audit/requests/{traceId}', { params: { path: { traceId } } })),
  actions: (cursor: string | null, targetId?: string) =>
    answer(client.GET('/admin/actions', { params: { query: { limit: 20, ...(cursor ? { cursor } : {}), ...(targetId ? { targetId } : {}) } } })),
};
