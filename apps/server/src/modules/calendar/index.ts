export { calendarRoutes } from './calendar.routes';
export { loadWorkCalendar, onCalendarChanged, type CalendarListener } from './calendar.service';
