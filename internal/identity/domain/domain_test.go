package domain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/identity/domain"
	"tasktracker/internal/platform/kernel"
)

func field(err error) string {
	var e *kernel.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		return e.Fields[0].Field
	}
	return ""
}

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{" Ada@Example.COM ": "ada@example.com", "a.b+c@x.co": "a.b+c@x.co"} {
		got, err := domain.NormalizeEmail(in)
		if err != nil || got != want {
			t.Errorf("%q → %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "ada", "ada@", "@x.co", "Ada <ada@x.co>", "ada@localhost", strings.Repeat("a", 250) + "@x.co"} {
		if _, err := domain.NormalizeEmail(bad); field(err) != "email" {
			t.Errorf("%q: want an email field error, got %v", bad, err)
		}
	}
}

func TestNormalizeUsername(t *testing.T) {
	for in, want := range map[string]string{"Ada": "ada", "a_b.c-d": "a_b.c-d", strings.Repeat("x", 32): strings.Repeat("x", 32)} {
		if got, err := domain.NormalizeUsername(in); err != nil || got != want {
			t.Errorf("%q → %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"ab", strings.Repeat("x", 33), "a b", "ада", "a@b", "a/b"} {
		if _, err := domain.NormalizeUsername(bad); field(err) != "username" {
			t.Errorf("%q: want a username error, got %v", bad, err)
		}
	}
}

func TestPasswordPolicyNeverTruncates(t *testing.T) {
	for _, ok := range []string{"12345678", strings.Repeat("p", 256), "пароль!!"} {
		if err := domain.CheckPassword(ok, "password"); err != nil {
			t.Errorf("%d bytes: %v", len(ok), err)
		}
	}
	for _, bad := range []string{"", "1234567", strings.Repeat("p", 257)} {
		if err := domain.CheckPassword(bad, "new_password"); field(err) != "new_password" {
			t.Errorf("%d bytes: want a new_password error, got %v", len(bad), err)
		}
	}
}

func TestNewUserRecordsRegisteredAndApplyRecordsChanges(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	u, err := domain.NewUser(uuid.New(), "A@B.co", "Ada", "", domain.RoleMember, "hash", now)
	if err != nil {
		t.Fatal(err)
	}
	if u.DisplayName() != "ada" {
		t.Fatalf("empty display name should default to the username, got %q", u.DisplayName())
	}
	if ev := u.PullEvents(); len(ev) != 1 {
		t.Fatalf("events %v", ev)
	} else if _, ok := ev[0].(domain.Registered); !ok {
		t.Fatalf("want Registered, got %T", ev[0])
	}
	same := "ada"
	changed, err := u.Apply(domain.Changes{Username: &same}, now)
	if err != nil || len(changed) != 0 || u.Version() != 1 || len(u.PullEvents()) != 0 {
		t.Fatalf("a no-op change must not bump the version or record an event: %v %v v%d", changed, err, u.Version())
	}
	name, bad := "Ada L", "no"
	if _, err := u.Apply(domain.Changes{DisplayName: &name, Username: &bad}, now.Add(time.Second)); field(err) != "username" {
		t.Fatalf("invalid username: %v", err)
	}
	if u.DisplayName() != "ada" {
		t.Fatal("a rejected change must change nothing")
	}
	changed, err = u.Apply(domain.Changes{DisplayName: &name}, now.Add(time.Second))
	if err != nil || len(changed) != 1 || changed[0] != "display_name" || u.Version() != 2 || !u.UpdatedAt().Equal(now.Add(time.Second)) {
		t.Fatalf("changed %v err %v version %d", changed, err, u.Version())
	}
}

func TestLockout(t *testing.T) {
	now := time.Now()
	u := domain.RehydrateUser(uuid.New(), "a@b.co", "abc", "abc", domain.RoleMember, "h", 0, nil, 1, now, now)
	for i := 0; i < 2; i++ {
		u.LoginFailed(now, 3, time.Minute)
	}
	if u.Locked(now) {
		t.Fatal("locked too early")
	}
	u.LoginFailed(now, 3, time.Minute)
	if !u.Locked(now) || u.Locked(now.Add(time.Minute)) {
		t.Fatal("the third failure should lock for exactly a minute")
	}
	u.LoginSucceeded()
	if u.Locked(now) || u.FailedLogins() != 0 {
		t.Fatal("success clears the lock")
	}
}

func TestSessionExpiry(t *testing.T) {
	now := time.Now()
	p := domain.SessionPolicy{Idle: 30 * time.Minute, Absolute: time.Hour}
	s := domain.NewSession(uuid.New(), uuid.New(), []byte("h"), p, now, strings.Repeat("é", 200), "127.0.0.1")
	if len(s.UserAgent) > 256 || !strings.HasPrefix(s.UserAgent, "é") {
		t.Fatalf("user agent not cut on a rune boundary: %d bytes", len(s.UserAgent))
	}
	if !s.Active(now.Add(29*time.Minute)) || s.Active(now.Add(31*time.Minute)) {
		t.Fatal("idle expiry")
	}
	s.Touch(p, now.Add(50*time.Minute))
	if !s.ExpiresAt().Equal(now.Add(time.Hour)) {
		t.Fatal("touch must not extend past the absolute expiry")
	}
	revoked := now
	s.RevokedAt = &revoked
	if s.Active(now) {
		t.Fatal("revoked session is active")
	}
}
