/** Lambda adapter for the dashboard: build it if needed, then serve `/` and `/ui/{proxy+}` from memory. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse, header } from '#functions/platform/http.ts';
import { type DashboardAssets, loadDashboardAssets } from './dashboard-assets.ts';
import { dashboardPaths } from './dashboard-paths.ts';
import { ensureDashboardBuilt } from './ensure-dashboard.ts';
import { serveDashboard } from './run.ts';

let assets: Promise<DashboardAssets> | undefined;

const currentAssets = (): Promise<DashboardAssets> => {
  const paths = dashboardPaths();
  assets ??= ensureDashboardBuilt(paths)
    .then(() => loadDashboardAssets(paths.dist))
    .catch((error: unknown) => {
      assets = undefined;
      throw error;
    });
  return assets;
};

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  try {
    const acceptEncoding = header(event, 'accept-encoding');
    return serveDashboard(await currentAssets(), {
      path: event.rawPath,
      ...(acceptEncoding === undefined ? {} : { acceptEncoding }),
    });
  } catch (error) {
    return errorResponse(error);
  }
};
