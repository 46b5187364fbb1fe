import {
  createEnterpriseRequest,
  enterprise,
  enterpriseListQuery,
  enterpriseListResponse,
  idParam,
  updateEnterpriseRequest,
} from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { actorOf } from '../../platform/http/request';
import * as enterprises from './enterprise.service';

export function enterpriseRoutes(app: ApiApp, { db }: AppContext) {
  const tags = ['企业库'];
  app.get(
    '/api/enterprises',
    {
      schema: {
        tags,
        summary: '企业库（按名称或统一社会信用代码搜索；mine=true 只看本人包联的企业）',
        querystring: enterpriseListQuery,
        response: { 200: enterpriseListResponse },
      },
    },
    async (req) => enterprises.listEnterprises(db, actorOf(req), req.query),
  );
  app.post(
    '/api/enterprises',
    {
      schema: {
        tags,
        summary: '登记企业（统一社会信用代码唯一），可指定包联干部',
        body: createEnterpriseRequest,
        response: { 200: enterprise },
      },
    },
    async (req) => enterprises.createEnterprise(db, actorOf(req), req.body),
  );
  app.patch(
    '/api/enterprises/:id',
    {
      schema: {
        tags,
        summary: '修改企业信息或包联干部',
        params: idParam,
        body: updateEnterpriseRequest,
        response: { 200: enterprise },
      },
    },
    async (req) => enterprises.updateEnterprise(db, actorOf(req), req.params.id, req.body),
  );
}
