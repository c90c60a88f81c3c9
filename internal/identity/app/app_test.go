package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/identity/app"
	"tasktracker/internal/identity/domain"
	"tasktracker/internal/identity/ports"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/ratelimit"
)

// Fakes of the driven ports: enough for the login and password rules.

type fakeUsers struct {
	ports.UserRepository
	byID map[uuid.UUID]*domain.User
}

func (f *fakeUsers) GetByLogin(_ context.Context, login string) (*domain.User, error) {
	for _, u := range f.byID {
		if u.Username() == strings.ToLower(login) || u.Email() == strings.ToLower(login) {
			return u, nil
		}
	}
	return nil, domain.ErrUserNotFound
}
func (f *fakeUsers) Get(_ context.Context, id uuid.UUID) (*domain.User, error) {
	if u, ok := f.byID[id]; ok {
		return u, nil
	}
	return nil, domain.ErrUserNotFound
}
func (f *fakeUsers) SaveLoginState(context.Context, *domain.User) error { return nil }

type fakeSessions struct {
	ports.SessionRepository
	created []domain.Session
	revoked []uuid.UUID // kept sessions of RevokeAllExcept
}

func (f *fakeSessions) Create(_ context.Context, s domain.Session) error {
	f.created = append(f.created, s)
	return nil
}
func (f *fakeSessions) RevokeAllExcept(_ context.Context, _, keep uuid.UUID, _ time.Time) error {
	f.revoked = append(f.revoked, keep)
	return nil
}

// fakeHasher: "hash" is "v<params>:<password>"; params "old" need a re-hash.
type fakeHasher struct{ dummies, hashes int }

func (h *fakeHasher) Hash(_ context.Context, p string) (string, error) {
	h.hashes++
	return "new:" + p, nil
}
func (h *fakeHasher) Verify(_ context.Context, hash, p string) (bool, bool, error) {
	params, pw, _ := strings.Cut(hash, ":")
	return pw == p, params != "new", nil
}
func (h *fakeHasher) Dummy(context.Context, string) { h.dummies++ }

type fakeTokens struct{}

func (fakeTokens) New() (string, []byte, error) { return "tok", []byte("digest"), nil }
func (fakeTokens) Hash(string) []byte           { return []byte("digest") }

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func setup(hash string) (*app.Service, *fakeUsers, *fakeSessions, *fakeHasher, *domain.User) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	u := domain.RehydrateUser(uuid.New(), "ada@example.com", "ada", "Ada", domain.RoleMember, hash, 0, nil, 1, now, now)
	users := &fakeUsers{byID: map[uuid.UUID]*domain.User{u.ID(): u}}
	sessions := &fakeSessions{}
	hasher := &fakeHasher{}
	svc := &app.Service{Users: users, Sessions: sessions, Hasher: hasher, Tokens: fakeTokens{}, Clock: &clock{now},
		IDs: kernel.UUIDv7{}, LoginLimit: ratelimit.PerMinute(0), SignupLimit: ratelimit.PerMinute(0),
		Settings: app.Settings{SignupEnabled: true, Sessions: domain.SessionPolicy{Idle: time.Minute, Absolute: time.Hour},
			LockoutThreshold: 2, LockoutDuration: time.Minute}}
	return svc, users, sessions, hasher, u
}

func TestLoginRehashesOldParameters(t *testing.T) {
	svc, _, sessions, hasher, u := setup("old:secret pass")
	res, err := svc.Login(context.Background(), ports.Login{Login: "ADA", Password: "secret pass", ClientIP: "1.2.3.4"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Token != "tok" || len(sessions.created) != 1 || sessions.created[0].IP != "1.2.3.4" {
		t.Fatalf("session not opened: %+v", sessions.created)
	}
	if hasher.hashes != 1 || u.PasswordHash() != "new:secret pass" {
		t.Fatalf("old hash not upgraded: %q", u.PasswordHash())
	}
}

func TestUnknownLoginSpendsADummyVerification(t *testing.T) {
	svc, _, _, hasher, _ := setup("new:secret pass")
	_, err := svc.Login(context.Background(), ports.Login{Login: "nobody", Password: "secret pass"})
	if !errors.Is(err, domain.ErrInvalidCredentials) || hasher.dummies != 1 {
		t.Fatalf("err %v, dummies %d", err, hasher.dummies)
	}
}

func TestLockedAccountAnswersLikeAWrongPassword(t *testing.T) {
	svc, _, sessions, _, _ := setup("new:secret pass")
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if _, err := svc.Login(ctx, ports.Login{Login: "ada", Password: "guess"}); !errors.Is(err, domain.ErrInvalidCredentials) {
			t.Fatal(err)
		}
	}
	if _, err := svc.Login(ctx, ports.Login{Login: "ada", Password: "secret pass"}); !errors.Is(err, domain.ErrInvalidCredentials) {
		t.Fatalf("locked account: %v", err)
	}
	if len(sessions.created) != 0 {
		t.Fatal("a locked account got a session")
	}
}

func TestChangePasswordKeepsOnlyTheCurrentSession(t *testing.T) {
	svc, _, sessions, _, u := setup("new:secret pass")
	actor := kernel.Actor{UserID: u.ID(), SessionID: uuid.New()}
	ctx := context.Background()
	if err := svc.ChangePassword(ctx, actor, u.ID(), "wrong one", "brand new pass"); !errors.Is(err, domain.ErrWrongPassword) {
		t.Fatalf("wrong current password: %v", err)
	}
	if err := svc.ChangePassword(ctx, actor, u.ID(), "secret pass", "brand new pass"); err != nil {
		t.Fatal(err)
	}
	if len(sessions.revoked) != 1 || sessions.revoked[0] != actor.SessionID || u.PasswordHash() != "new:brand new pass" {
		t.Fatalf("revoked-all-except %v, hash %q", sessions.revoked, u.PasswordHash())
	}
	other := kernel.Actor{UserID: uuid.New()}
	if err := svc.ChangePassword(ctx, other, u.ID(), "", "brand new pass"); !errors.Is(err, domain.ErrNotAllowed) {
		t.Fatalf("another member: %v", err)
	}
}
