/** What other features may use of sign-in: the password change form (profile page). */
export { PasswordChangeForm } from './PasswordChangeForm';
