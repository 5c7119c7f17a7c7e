import { createRouter } from '../../http/app';
import { adminActionRoutes } from './actions';
import { adminMarginRoutes } from './margin';
import { adminModelRoutes } from './models';
import { adminPlanRoutes } from './plans';
import { adminProviderRoutes } from './providers';
import { adminUsageRoutes } from './usage';
import { adminUserRoutes } from './users';

/** The operators' API under /admin: role admin, `admin:read` to look, `admin:write` to change. */
export const adminRoutes = createRouter()
  .route('/', adminUserRoutes)
  .route('/', adminPlanRoutes)
  .route('/', adminProviderRoutes)
  .route('/', adminModelRoutes)
  .route('/', adminUsageRoutes)
  .route('/', adminMarginRoutes)
  .route('/', adminActionRoutes);
