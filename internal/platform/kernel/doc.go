// Package kernel holds the few value types every bounded context shares: the
// domain-neutral error kinds that the HTTP layer maps to status codes in one
// place, the acting user, the optional (absent / null / value) field of a
// partial update, and the Clock and IDs driven ports.
//
// Domain packages may import kernel and nothing else of the project.
package kernel
