// Package wait is the bounded "eventually" of tests whose effect arrives
// asynchronously (event deliveries, live streams): poll a condition until it
// holds or a deadline passes — never a bare sleep as the only
// synchronisation.
package wait

import (
	"testing"
	"time"
)

// For polls cond every 10 ms until it holds, and fails the test when it
// still does not after timeout.
func For(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
