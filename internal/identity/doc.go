// Package identity is the identity bounded context.
//
// Responsibility: who someone is and how they prove it — user accounts
// (e-mail, username, display name, role), password credentials (argon2id),
// and sessions (opaque bearer tokens, idle and absolute expiry, revocation),
// with brute-force protection on login and sign-up.
//
// Language: a User signs up (the first one becomes the admin) and logs in
// with a login (e-mail or username) and a password; a login opens a Session,
// identified to the client by a Token that only the client holds (we keep its
// SHA-256). A Session ends by logout, revocation, a password change (other
// sessions), idle expiry or absolute expiry. Consecutive failed logins lock
// an Account for a while.
//
// Published language: internal/identity/events (UserRegistered, UserUpdated,
// UserDeleted).
package identity
