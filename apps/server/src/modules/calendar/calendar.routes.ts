import {
  calendarYear,
  calendarYearParam,
  saveCalendarRequest,
  saveCalendarResponse,
} from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { actorOf } from '../../platform/http/request';
import * as calendar from './calendar.service';

export function calendarRoutes(app: ApiApp, { db }: AppContext) {
  const tags = ['工作日历'];
  app.get(
    '/api/calendar/:year',
    {
      schema: {
        tags,
        summary: '某年的法定节假日与调休（含管理员更正）',
        params: calendarYearParam,
        response: { 200: calendarYear },
      },
    },
    async (req) => {
      actorOf(req);
      return calendar.getCalendarYear(db, req.params.year);
    },
  );
  app.put(
    '/api/calendar/:year',
    {
      schema: {
        tags,
        summary: '保存某年的更正（市级管理员），并重算按工作日倒排的截止日期',
        params: calendarYearParam,
        body: saveCalendarRequest,
        response: { 200: saveCalendarResponse },
      },
    },
    async (req) =>
      calendar.saveCalendarYear(db, actorOf(req), req.params.year, req.body.corrections),
  );
}
