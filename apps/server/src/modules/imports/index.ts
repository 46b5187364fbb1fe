// Spreadsheet imports: the ledger reader and the upload → validate → apply machinery.
export * from './ledger-reader';
export * from './import-kit';
export { settleImports, settleImportsJob } from './import.jobs';
