// Who may do what: the role table and the region data-scope rule that every
// module's policy applies (the SQL form is platform/database/filters.ts).
export * from './actor';
export * from './permissions';
export * from './region-scope';
