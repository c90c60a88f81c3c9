package main

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/identity/events"
	"tasktracker/internal/platform/config"
	"tasktracker/internal/platform/wait"
)

func TestSignUpFirstUserIsAdminAndLoginWorks(t *testing.T) {
	a := newTestApp(t)
	res := a.Request(http.MethodPost, "/users", "", map[string]any{
		"email": "  Ada@Example.COM ", "username": "Ada_L", "password": "correct horse battery", "display_name": "Ada Lovelace",
	})
	res.Expect(t, http.StatusCreated)
	u := res.Map(t)
	if u["role"] != "admin" || u["email"] != "ada@example.com" || u["username"] != "ada_l" {
		t.Fatalf("first user = %v, want admin with normalized e-mail and username", u)
	}
	if loc := res.Header.Get("Location"); loc != "/users/"+u["id"].(string) {
		t.Fatalf("Location = %q", loc)
	}
	for _, leak := range []string{"password", "hash", "argon2"} {
		if strings.Contains(strings.ToLower(string(res.Body)), leak) {
			t.Fatalf("sign-up response mentions %q: %s", leak, res.Body)
		}
	}
	second := a.signUp(t, "bob")
	res = a.Request(http.MethodGet, "/users/"+second.ID, second.Token, nil)
	res.Expect(t, http.StatusOK)
	if res.Map(t)["role"] != "member" {
		t.Fatal("second user should be a member")
	}

	// Log in by e-mail (any case) and by username.
	for _, login := range []string{"ADA@example.com", "ada_l"} {
		res = a.Request(http.MethodPost, "/auth/login", "", map[string]any{"login": login, "password": "correct horse battery"})
		res.Expect(t, http.StatusOK)
		body := res.Map(t)
		token := body["token"].(string)
		if len(token) < 43 || body["token_type"] != "Bearer" {
			t.Fatalf("token %q too short (want ≥ 32 random bytes base64url)", token)
		}
		me := a.Request(http.MethodGet, "/me", token, nil)
		me.Expect(t, http.StatusOK)
		if me.Map(t)["id"] != u["id"] {
			t.Fatal("/me is not the logged-in user")
		}
	}
	// Only the token's digest is stored.
	var stored int
	if err := a.pool.QueryRow(context.Background(), `SELECT count(*) FROM identity.auth_session WHERE length(token_hash) = 32`).Scan(&stored); err != nil || stored != 3 {
		t.Fatalf("sessions with a 32-byte digest = %d (%v), want 3", stored, err)
	}
	var hash string
	_ = a.pool.QueryRow(context.Background(), `SELECT password_hash FROM identity."user" WHERE username = 'ada_l'`).Scan(&hash)
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("password hash %q is not argon2id with m=19MiB,t=2,p=1", hash)
	}
}

func TestSignUpValidation(t *testing.T) {
	a := newTestApp(t)
	taken := a.signUp(t, "taken")
	long := strings.Repeat("x", 257)
	cases := []struct {
		name   string
		body   any
		status int
		fields []string
	}{
		{"bad email", map[string]any{"email": "not-an-email", "username": "abc", "password": "12345678"}, 400, []string{"email"}},
		{"short username", map[string]any{"email": "a@b.co", "username": "ab", "password": "12345678"}, 400, []string{"username"}},
		{"bad username chars", map[string]any{"email": "a@b.co", "username": "a b!", "password": "12345678"}, 400, []string{"username"}},
		{"short password", map[string]any{"email": "a@b.co", "username": "abc", "password": "1234567"}, 400, []string{"password"}},
		{"long password is rejected, not truncated", map[string]any{"email": "a@b.co", "username": "abc", "password": long}, 400, []string{"password"}},
		{"long display name", map[string]any{"email": "a@b.co", "username": "abc", "password": "12345678", "display_name": strings.Repeat("й", 101)}, 400, []string{"display_name"}},
		{"unknown field", map[string]any{"email": "a@b.co", "username": "abc", "password": "12345678", "admin": true}, 400, []string{"admin"}},
		{"wrong type", map[string]any{"email": 5, "username": "abc", "password": "12345678"}, 400, []string{"email"}},
		{"several at once", map[string]any{"email": "x", "username": "x", "password": "x"}, 400, []string{"password", "email", "username"}},
		{"malformed JSON", `{"email":`, 400, []string{"body"}},
		{"empty body", ``, 400, []string{"body"}},
		{"duplicate email", map[string]any{"email": strings.ToUpper(taken.Email), "username": "other", "password": "12345678"}, 409, []string{"email"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := a.Request(http.MethodPost, "/users", "", c.body)
			p := res.Expect(t, c.status)
			for _, f := range c.fields {
				if !slices.Contains(p.Fields(), f) {
					t.Errorf("problem names fields %v, want %q", p.Fields(), f)
				}
			}
		})
	}
	// Duplicate username (whatever the case).
	var existing string
	_ = a.pool.QueryRow(context.Background(), `SELECT username FROM identity."user" LIMIT 1`).Scan(&existing)
	res := a.Request(http.MethodPost, "/users", "", map[string]any{"email": "new@example.com", "username": strings.ToUpper(existing), "password": "12345678"})
	if p := res.Expect(t, http.StatusConflict); p.Code != "username_taken" {
		t.Fatalf("code %q", p.Code)
	}
	// Wrong content type.
	res = a.Request(http.MethodPost, "/users", "", `{}`, "Content-Type", "text/plain")
	res.Expect(t, http.StatusUnsupportedMediaType)
	// A body over 1 MiB.
	res = a.Request(http.MethodPost, "/users", "", `{"email":"`+strings.Repeat("a", 2<<20)+`"}`)
	res.Expect(t, http.StatusRequestEntityTooLarge)
}

func TestConcurrentFirstSignUpsMakeOneAdmin(t *testing.T) {
	a := newTestApp(t)
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); a.signUp(t, "race") }()
	}
	wg.Wait()
	var admins int
	_ = a.pool.QueryRow(context.Background(), `SELECT count(*) FROM identity."user" WHERE role = 'admin'`).Scan(&admins)
	if admins != 1 {
		t.Fatalf("%d admins, want exactly 1", admins)
	}
}

func TestAuthenticationFailures(t *testing.T) {
	a := newTestApp(t)
	u := a.signUp(t, "auth")
	for _, h := range []string{"", "Bearer", "Bearer nope", "Basic dXNlcjpwYXNz", "Bearer " + strings.Repeat("x", 600)} {
		req := a.Request(http.MethodGet, "/me", "", nil, "Authorization", h)
		p := req.Expect(t, http.StatusUnauthorized)
		if req.Header.Get("WWW-Authenticate") == "" || p.Code == "" {
			t.Fatalf("Authorization %q: want WWW-Authenticate and a problem code", h)
		}
	}
	res := a.Request(http.MethodPost, "/auth/login", "", map[string]any{"login": u.Email, "password": "wrong password"})
	if p := res.Expect(t, http.StatusUnauthorized); p.Code != "invalid_credentials" {
		t.Fatalf("code %q", p.Code)
	}
	res = a.Request(http.MethodPost, "/auth/login", "", map[string]any{"login": "nobody@example.com", "password": "wrong password"})
	if p := res.Expect(t, http.StatusUnauthorized); p.Code != "invalid_credentials" {
		t.Fatal("an unknown login must get the same answer as a wrong password")
	}
	res = a.Request(http.MethodPost, "/auth/login", "", map[string]any{"login": "", "password": ""})
	if p := res.Expect(t, http.StatusBadRequest); len(p.Errors) != 2 {
		t.Fatalf("want login and password named, got %v", p.Fields())
	}
}

func TestLogoutAndSessions(t *testing.T) {
	a := newTestApp(t)
	u := a.signUp(t, "sess")
	other := a.login(t, u.Username, u.Password)

	res := a.Request(http.MethodGet, "/auth/sessions", u.Token, nil)
	res.Expect(t, http.StatusOK)
	var page struct {
		Items []struct {
			ID      string `json:"id"`
			Current bool   `json:"current"`
		} `json:"items"`
	}
	res.Decode(t, &page)
	if len(page.Items) != 2 {
		t.Fatalf("%d sessions, want 2", len(page.Items))
	}
	var otherID string
	for _, s := range page.Items {
		if !s.Current {
			otherID = s.ID
		}
	}
	if strings.Contains(string(res.Body), u.Token) || strings.Contains(string(res.Body), other) {
		t.Fatal("session list leaks a token")
	}
	// Someone else cannot revoke it (404, not 403).
	stranger := a.signUp(t, "stranger")
	a.Request(http.MethodDelete, "/auth/sessions/"+otherID, stranger.Token, nil).Expect(t, http.StatusNotFound)
	a.Request(http.MethodDelete, "/auth/sessions/not-a-uuid", u.Token, nil).Expect(t, http.StatusBadRequest)
	// The owner can; the revoked token stops working at once.
	a.Request(http.MethodDelete, "/auth/sessions/"+otherID, u.Token, nil).Expect(t, http.StatusNoContent)
	a.Request(http.MethodGet, "/me", other, nil).Expect(t, http.StatusUnauthorized)
	// Logout ends the current session.
	a.Request(http.MethodPost, "/auth/logout", u.Token, nil).Expect(t, http.StatusNoContent)
	a.Request(http.MethodGet, "/me", u.Token, nil).Expect(t, http.StatusUnauthorized)
	a.Request(http.MethodPost, "/auth/logout", u.Token, nil).Expect(t, http.StatusUnauthorized)
}

func TestSessionExpiry(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.SessionIdleTimeout = time.Hour; c.SessionAbsoluteTTL = 2 * time.Hour })
	u := a.signUp(t, "exp")
	ctx := context.Background()
	// Idle expiry passed.
	_, _ = a.pool.Exec(ctx, `UPDATE identity.auth_session SET idle_expires_at = now() - interval '1 second'`)
	a.Request(http.MethodGet, "/me", u.Token, nil).Expect(t, http.StatusUnauthorized)
	// A fresh session used after a while slides its idle expiry, but never past the absolute one.
	token := a.login(t, u.Username, u.Password)
	_, _ = a.pool.Exec(ctx, `UPDATE identity.auth_session SET last_seen_at = now() - interval '10 minutes',
		idle_expires_at = now() + interval '5 minutes' WHERE revoked_at IS NULL AND idle_expires_at > now()`)
	a.Request(http.MethodGet, "/me", token, nil).Expect(t, http.StatusOK)
	var idleLeft, absLeft float64
	_ = a.pool.QueryRow(ctx, `SELECT extract(epoch FROM idle_expires_at - now()), extract(epoch FROM absolute_expires_at - now())
		FROM identity.auth_session ORDER BY created_at DESC LIMIT 1`).Scan(&idleLeft, &absLeft)
	if idleLeft < 3500 || idleLeft > 3601 {
		t.Fatalf("idle expiry %.0fs away after use, want about an hour", idleLeft)
	}
	_, _ = a.pool.Exec(ctx, `UPDATE identity.auth_session SET absolute_expires_at = now() - interval '1 second'`)
	// (A fresh instance: this one may have the session cached with the
	// expiry it had, and the row was changed behind its back.)
	startTestApp(t, a.pool).Request(http.MethodGet, "/me", token, nil).Expect(t, http.StatusUnauthorized)
}

func TestRevocationReachesOtherInstancesAtOnce(t *testing.T) {
	a := newTestApp(t)
	b := startTestApp(t, a.pool)
	u := a.signUp(t, "multi")
	other := a.login(t, u.Username, u.Password)
	// Both tokens work on instance b, which now has them cached.
	b.Request(http.MethodGet, "/me", u.Token, nil).Expect(t, http.StatusOK)
	b.Request(http.MethodGet, "/me", other, nil).Expect(t, http.StatusOK)

	a.Request(http.MethodPost, "/auth/logout", other, nil).Expect(t, http.StatusNoContent)
	wait.For(t, 2*time.Second, "instance b to forget the revoked session", func() bool {
		return meStatus(b, other) == http.StatusUnauthorized
	})
	b.Request(http.MethodGet, "/me", u.Token, nil).Expect(t, http.StatusOK)

	// A password change on a ends every other session on b as well.
	a.Request(http.MethodPut, "/users/"+u.ID+"/password", u.Token, map[string]any{"current_password": u.Password, "new_password": "another password"}).Expect(t, http.StatusNoContent)
	third := a.login(t, u.Username, "another password")
	b.Request(http.MethodGet, "/me", third, nil).Expect(t, http.StatusOK)
	a.Request(http.MethodPut, "/users/"+u.ID+"/password", third, map[string]any{"current_password": "another password", "new_password": "yet another password"}).Expect(t, http.StatusNoContent)
	wait.For(t, 2*time.Second, "instance b to forget the sessions ended by the password change", func() bool {
		return meStatus(b, u.Token) == http.StatusUnauthorized
	})
}

// meStatus is the status of GET /me with token (outside the contract
// client, for polling).
func meStatus(a *testApp, token string) int {
	req, _ := http.NewRequest(http.MethodGet, a.BaseURL+"/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

func TestLoginRateLimitAndLockout(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) {
		c.LoginRatePerMinute = 5
		c.LockoutThreshold = 3
		c.LockoutDuration = time.Hour
	})
	victim := a.signUp(t, "victim")
	bystander := a.signUp(t, "bystander")

	// Three wrong passwords lock the account; the right one then gets the same answer.
	for i := 0; i < 3; i++ {
		a.Request(http.MethodPost, "/auth/login", "", map[string]any{"login": victim.Username, "password": "wrong password"}).Expect(t, http.StatusUnauthorized)
	}
	p := a.Request(http.MethodPost, "/auth/login", "", map[string]any{"login": victim.Username, "password": victim.Password}).Expect(t, http.StatusUnauthorized)
	if p.Code != "invalid_credentials" {
		t.Fatalf("a locked account answers %q, want invalid_credentials like a wrong password", p.Code)
	}
	// Successful logins of others are not throttled by the failures so far (4 of 5).
	for i := 0; i < 8; i++ {
		a.login(t, bystander.Username, bystander.Password)
	}
	// The fifth failure from this IP uses the budget up: the next attempt is a 429 with Retry-After.
	a.Request(http.MethodPost, "/auth/login", "", map[string]any{"login": "ghost", "password": "wrong password"}).Expect(t, http.StatusUnauthorized)
	res := a.Request(http.MethodPost, "/auth/login", "", map[string]any{"login": bystander.Username, "password": bystander.Password})
	res.Expect(t, http.StatusTooManyRequests)
	if res.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// The lock expires.
	_, _ = a.pool.Exec(context.Background(), `UPDATE identity."user" SET locked_until = now() - interval '1 second'`)
	a2 := startTestApp(t, a.pool) // a fresh limiter (another instance)
	a2.login(t, victim.Username, victim.Password)
}

func TestSignUpRateLimitAndDisabledSignUp(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.SignupRatePerMinute = 2 })
	a.signUp(t, "rl")
	a.signUp(t, "rl")
	res := a.Request(http.MethodPost, "/users", "", map[string]any{"email": "third@example.com", "username": "third", "password": "12345678"})
	res.Expect(t, http.StatusTooManyRequests)

	closed := newTestApp(t, func(c *config.Config) { c.SignupEnabled = false })
	p := closed.Request(http.MethodPost, "/users", "", map[string]any{"email": "x@example.com", "username": "xyz", "password": "12345678"}).Expect(t, http.StatusForbidden)
	if p.Code != "signup_disabled" {
		t.Fatalf("code %q", p.Code)
	}
	// An admin created on the command line can still add users.
	if _, err := closed.app.identity.CreateUser(context.Background(), "root@example.com", "root", "", "root password", true); err != nil {
		t.Fatal(err)
	}
	token := closed.login(t, "root", "root password")
	closed.Request(http.MethodPost, "/users", token, map[string]any{"email": "x@example.com", "username": "xyz", "password": "12345678"}).Expect(t, http.StatusCreated)
}

func TestUpdateUser(t *testing.T) {
	a := newTestApp(t)
	admin := a.signUp(t, "admin")
	u := a.signUp(t, "member")
	other := a.signUp(t, "other")

	// Partial: only display_name changes; the rest stays.
	res := a.Request(http.MethodPatch, "/users/"+u.ID, u.Token, map[string]any{"display_name": "New Name"})
	res.Expect(t, http.StatusOK)
	body := res.Map(t)
	if body["display_name"] != "New Name" || body["email"] != u.Email || body["version"].(float64) != 2 {
		t.Fatalf("after PATCH: %v", body)
	}
	if res.Header.Get("ETag") != `"2"` {
		t.Fatalf("ETag %q", res.Header.Get("ETag"))
	}
	// PUT behaves the same; null display_name resets it to the username.
	res = a.Request(http.MethodPut, "/users/"+u.ID+"/", u.Token, map[string]any{"display_name": nil})
	res.Expect(t, http.StatusOK)
	if res.Map(t)["display_name"] != u.Username {
		t.Fatal("null display_name should reset to the username")
	}
	// Conditional requests.
	a.Request(http.MethodGet, "/users/"+u.ID, u.Token, nil, "If-None-Match", `"3"`).Expect(t, http.StatusNotModified)
	p := a.Request(http.MethodPatch, "/users/"+u.ID, u.Token, map[string]any{"display_name": "x"}, "If-Match", `"1"`).Expect(t, http.StatusPreconditionFailed)
	if p.Code != "version_mismatch" {
		t.Fatalf("code %q", p.Code)
	}
	// Errors.
	a.Request(http.MethodPatch, "/users/"+u.ID, u.Token, map[string]any{}).Expect(t, http.StatusBadRequest)
	a.Request(http.MethodPatch, "/users/"+u.ID, u.Token, map[string]any{"nickname": "x"}).Expect(t, http.StatusBadRequest)
	a.Request(http.MethodPatch, "/users/"+u.ID, u.Token, map[string]any{"email": nil}).Expect(t, http.StatusBadRequest)
	a.Request(http.MethodPatch, "/users/"+u.ID, u.Token, map[string]any{"email": other.Email}).Expect(t, http.StatusConflict)
	a.Request(http.MethodPatch, "/users/"+other.ID, u.Token, map[string]any{"display_name": "hijack"}).Expect(t, http.StatusForbidden)
	a.Request(http.MethodPatch, "/users/"+uuid.NewString(), u.Token, map[string]any{"display_name": "x"}).Expect(t, http.StatusNotFound)
	// Only an admin changes roles; the last admin stays one.
	if p := a.Request(http.MethodPatch, "/users/"+u.ID, u.Token, map[string]any{"role": "admin"}).Expect(t, http.StatusForbidden); p.Code != "role_change_forbidden" {
		t.Fatalf("code %q", p.Code)
	}
	a.Request(http.MethodPatch, "/users/"+u.ID, admin.Token, map[string]any{"role": "boss"}).Expect(t, http.StatusBadRequest)
	if p := a.Request(http.MethodPatch, "/users/"+admin.ID, admin.Token, map[string]any{"role": "member"}).Expect(t, http.StatusConflict); p.Code != "last_admin" {
		t.Fatalf("code %q", p.Code)
	}
	a.Request(http.MethodPatch, "/users/"+u.ID, admin.Token, map[string]any{"role": "admin"}).Expect(t, http.StatusOK)
	// The new role applies to existing sessions at once.
	a.Request(http.MethodPatch, "/users/"+other.ID, u.Token, map[string]any{"display_name": "by admin"}).Expect(t, http.StatusOK)
}

func TestChangePasswordRevokesOtherSessions(t *testing.T) {
	a := newTestApp(t)
	admin := a.signUp(t, "pwadmin")
	u := a.signUp(t, "pw")
	second := a.login(t, u.Username, u.Password)

	p := a.Request(http.MethodPut, "/users/"+u.ID+"/password", u.Token, map[string]any{"current_password": "nope nope", "new_password": "new password 1"}).Expect(t, http.StatusBadRequest)
	if !slices.Contains(p.Fields(), "current_password") {
		t.Fatalf("fields %v", p.Fields())
	}
	a.Request(http.MethodPut, "/users/"+u.ID+"/password", u.Token, map[string]any{"current_password": u.Password, "new_password": "short"}).Expect(t, http.StatusBadRequest)
	a.Request(http.MethodPut, "/users/"+admin.ID+"/password", u.Token, map[string]any{"current_password": u.Password, "new_password": "new password 1"}).Expect(t, http.StatusForbidden)
	a.Request(http.MethodPut, "/users/"+u.ID+"/password", u.Token, map[string]any{"current_password": u.Password, "new_password": "new password 1"}).Expect(t, http.StatusNoContent)

	a.Request(http.MethodGet, "/me", u.Token, nil).Expect(t, http.StatusOK)          // this session stays
	a.Request(http.MethodGet, "/me", second, nil).Expect(t, http.StatusUnauthorized) // the other one ends
	a.Request(http.MethodPost, "/auth/login", "", map[string]any{"login": u.Username, "password": u.Password}).Expect(t, http.StatusUnauthorized)
	a.login(t, u.Username, "new password 1")

	// An admin resets without the current password; every session of the user ends.
	a.Request(http.MethodPut, "/users/"+u.ID+"/password", admin.Token, map[string]any{"new_password": "reset by admin"}).Expect(t, http.StatusNoContent)
	a.Request(http.MethodGet, "/me", u.Token, nil).Expect(t, http.StatusUnauthorized)
	a.login(t, u.Username, "reset by admin")
}

func TestDeleteUserPublishesAndRevokes(t *testing.T) {
	a := newTestApp(t)
	admin := a.signUp(t, "deladmin")
	u := a.signUp(t, "del")
	other := a.signUp(t, "delother")

	a.Request(http.MethodDelete, "/users/"+other.ID, u.Token, nil).Expect(t, http.StatusForbidden)
	a.Request(http.MethodDelete, "/users/"+u.ID, u.Token, nil).Expect(t, http.StatusNoContent)
	a.Request(http.MethodGet, "/me", u.Token, nil).Expect(t, http.StatusUnauthorized)
	a.Request(http.MethodGet, "/users/"+u.ID, admin.Token, nil).Expect(t, http.StatusNotFound)
	a.Request(http.MethodDelete, "/users/"+u.ID, admin.Token, nil).Expect(t, http.StatusNotFound)
	a.Request(http.MethodDelete, "/users/"+other.ID, admin.Token, nil).Expect(t, http.StatusNoContent)
	if p := a.Request(http.MethodDelete, "/users/"+admin.ID, admin.Token, nil).Expect(t, http.StatusConflict); p.Code != "last_admin" {
		t.Fatalf("code %q", p.Code)
	}
	// One UserDeleted event per deleted user was queued, in the same
	// transaction as the delete, for every subscriber.
	var nEvents, deliveries int
	_ = a.pool.QueryRow(context.Background(), `SELECT count(DISTINCT e->>'event_id'), count(*)
		FROM river_job, jsonb_array_elements(args->'events') e WHERE e->>'type' = $1`, events.TypeUserDeleted).Scan(&nEvents, &deliveries)
	if nEvents != 2 || deliveries < 2 {
		t.Fatalf("%d UserDeleted events in %d deliveries, want 2 events with at least one subscriber", nEvents, deliveries)
	}
}

func TestUserList(t *testing.T) {
	a := newTestApp(t)
	first := a.signUp(t, "lister")
	for i := 0; i < 4; i++ {
		a.signUp(t, "zed")
	}
	var seen []string
	cursor := ""
	pages := 0
	for {
		path := "/users?limit=2"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		res := a.Request(http.MethodGet, path, first.Token, nil)
		res.Expect(t, http.StatusOK)
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		res.Decode(t, &page)
		pages++
		for _, it := range page.Items {
			seen = append(seen, it.ID)
		}
		if page.NextCursor == nil {
			if res.Header.Get("Link") != "" {
				t.Fatal("Link header on the last page")
			}
			break
		}
		if !strings.Contains(res.Header.Get("Link"), `rel="next"`) {
			t.Fatal("no Link rel=next")
		}
		cursor = *page.NextCursor
	}
	if len(seen) != 5 || pages != 3 || !slices.IsSorted(seen) {
		t.Fatalf("saw %d users in %d pages: %v", len(seen), pages, seen)
	}
	res := a.Request(http.MethodGet, "/users?q=ZED", first.Token, nil)
	res.Expect(t, http.StatusOK)
	var page struct {
		Items []map[string]any `json:"items"`
	}
	res.Decode(t, &page)
	if len(page.Items) != 4 {
		t.Fatalf("q=ZED found %d, want 4", len(page.Items))
	}
	a.Request(http.MethodGet, "/users?limit=0", first.Token, nil).Expect(t, http.StatusBadRequest)
	a.Request(http.MethodGet, "/users?limit=201", first.Token, nil).Expect(t, http.StatusBadRequest)
	a.Request(http.MethodGet, "/users?cursor=garbage!", first.Token, nil).Expect(t, http.StatusBadRequest)
	a.Request(http.MethodGet, "/users?q=%25_%5C", first.Token, nil).Expect(t, http.StatusOK)
}
