/**
 * Text from users never becomes a formula in an exported sheet: a value that
 * starts with = + - @ (or a tab / carriage return, which some programs skip)
 * is written with a leading apostrophe, as Excel itself shows typed text.
 * The importer strips that apostrophe again (OWASP "CSV injection").
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export const safeCellText = (s: string) => (FORMULA_START.test(s) ? `'${s}` : s);

export const unescapeCellText = (s: string) => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);
