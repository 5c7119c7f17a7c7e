import { createRouter } from '../../http/app';
import { adminActionRoutes } from './actions';
import { adminPlanRoutes } from './plans';
import { adminUsageRoutes } from './usage';
import { adminUserRoutes } from './users';

/** The operators' API under /admin: role admin, `admin:read` to look, `admin:write` to change. */
export const adminRoutes = createRouter()
  .route('/', adminUserRoutes)
  .route('/', adminPlanRoutes)
  .route('/', adminUsageRoutes)
  .route('/', adminActionRoutes);
