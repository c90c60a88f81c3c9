package ratelimit

import "testing"

func TestKeyedBuckets(t *testing.T) {
	k := PerMinute(3)
	for i := 0; i < 3; i++ {
		if ok, _ := k.Allow("a"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if ex, wait := k.Exhausted("a"); !ex || wait <= 0 {
		t.Fatalf("exhausted %v wait %v", ex, wait)
	}
	if ok, wait := k.Allow("a"); ok || wait <= 0 {
		t.Fatal("fourth attempt allowed")
	}
	if ok, _ := k.Allow("b"); !ok {
		t.Fatal("keys share a bucket")
	}
	if ex, _ := PerMinute(0).Exhausted("a"); ex {
		t.Fatal("0 must disable limiting")
	}
}
