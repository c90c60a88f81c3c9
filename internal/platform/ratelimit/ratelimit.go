// Package ratelimit keeps one token bucket (golang.org/x/time/rate) per key,
// such as a client IP, and forgets idle keys.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Keyed is a set of token buckets, one per key: each refills at perMinute
// tokens a minute and holds at most burst.
type Keyed struct {
	mu        sync.Mutex
	limit     rate.Limit
	burst     int
	buckets   map[string]*entry
	lastSweep time.Time
}

type entry struct {
	l    *rate.Limiter
	seen time.Time
}

// PerMinute makes a Keyed limiter allowing n events a minute per key, in a
// burst of up to n. n <= 0 disables limiting.
func PerMinute(n int) *Keyed {
	return &Keyed{limit: rate.Limit(float64(n) / 60), burst: n, buckets: map[string]*entry{}}
}

func (k *Keyed) get(key string, now time.Time) *rate.Limiter {
	if now.Sub(k.lastSweep) > time.Minute {
		for key, e := range k.buckets {
			if now.Sub(e.seen) > 10*time.Minute {
				delete(k.buckets, key)
			}
		}
		k.lastSweep = now
	}
	e, ok := k.buckets[key]
	if !ok {
		e = &entry{l: rate.NewLimiter(k.limit, k.burst)}
		k.buckets[key] = e
	}
	e.seen = now
	return e.l
}

// Allow takes a token for key; when none is left it returns false and how
// long until one is.
func (k *Keyed) Allow(key string) (bool, time.Duration) {
	if k == nil || k.burst <= 0 {
		return true, 0
	}
	now := time.Now()
	k.mu.Lock()
	defer k.mu.Unlock()
	r := k.get(key, now).ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Exhausted reports, without taking a token, whether key has none left and
// how long until it has.
func (k *Keyed) Exhausted(key string) (bool, time.Duration) {
	if k == nil || k.burst <= 0 {
		return false, 0
	}
	now := time.Now()
	k.mu.Lock()
	defer k.mu.Unlock()
	l := k.get(key, now)
	if l.TokensAt(now) >= 1 {
		return false, 0
	}
	r := l.ReserveN(now, 1)
	d := r.DelayFrom(now)
	r.CancelAt(now)
	return true, d
}
