package credentials

import (
	"context"
	"strings"
	"testing"
)

func TestHashVerifyAndRehash(t *testing.T) {
	ctx := context.Background()
	cheap := Params{MemoryKiB: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	h := New(cheap, 2)
	enc, err := h.Hash(ctx, "correct horse")
	if err != nil || !strings.HasPrefix(enc, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("%q %v", enc, err)
	}
	if again, _ := h.Hash(ctx, "correct horse"); again == enc {
		t.Fatal("two hashes of one password must differ (salt)")
	}
	if ok, rehash, err := h.Verify(ctx, enc, "correct horse"); !ok || rehash || err != nil {
		t.Fatalf("verify: %v %v %v", ok, rehash, err)
	}
	if ok, _, _ := h.Verify(ctx, enc, "correct horsE"); ok {
		t.Fatal("wrong password verified")
	}
	stronger := New(Params{MemoryKiB: 2048, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1)
	if ok, rehash, _ := stronger.Verify(ctx, enc, "correct horse"); !ok || !rehash {
		t.Fatal("old parameters should verify and ask for a re-hash")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "plain"} {
		if _, _, err := h.Verify(ctx, bad, "x"); err == nil {
			t.Errorf("%q: want a format error", bad)
		}
	}
}

func TestTokens(t *testing.T) {
	tok, hash, err := Tokens{}.New()
	if err != nil || len(tok) != 43 || len(hash) != 32 {
		t.Fatalf("token %q (%d) hash %d: %v", tok, len(tok), len(hash), err)
	}
	if string(Tokens{}.Hash(tok)) != string(hash) {
		t.Fatal("hash is not stable")
	}
	other, _, _ := Tokens{}.New()
	if other == tok {
		t.Fatal("tokens repeat")
	}
}

// BenchmarkHashDefault measures one argon2id hash at the production
// parameters (m=19 MiB, t=2, p=1).
func BenchmarkHashDefault(b *testing.B) {
	h := New(Default, 1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
