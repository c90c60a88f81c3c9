package config

import (
	"os"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://postgres@localhost:5432/task_tracker?sslmode=disable" || c.PoolMinSize != 10 || c.PoolMaxSize != 20 ||
		c.CommandTimeout != time.Minute || c.HTTPAddr != ":8080" || !c.AutoMigrate || !c.SignupEnabled ||
		c.SessionIdleTimeout != 30*time.Minute || c.SessionAbsoluteTTL != 72*time.Hour || c.AttachmentMaxBytes != 20<<20 {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestDatabaseParts(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_USERNAME": "app", "DATABASE_PASSWORD": "p@ss/word", "DATABASE_HOST": "db",
		"DATABASE_PORT": "6543", "DATABASE_NAME": "tt", "DB_POOL_COMMAND_TIMEOUT": "2.5"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://app:p%40ss%2Fword@db:6543/tt?sslmode=prefer" || c.CommandTimeout != 2500*time.Millisecond {
		t.Fatalf("%s %s", c.DatabaseURL, c.CommandTimeout)
	}
}

func TestBadValuesAreOneClearErrorEach(t *testing.T) {
	_, err := Load(env(map[string]string{"DB_POOL_MAX_SIZE": "lots", "AUTO_MIGRATE": "maybe", "SESSION_IDLE_TIMEOUT": "-1m",
		"DATABASE_URL": "mysql://x", "LOG_LEVEL": "loud"}))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, name := range []string{"DB_POOL_MAX_SIZE", "AUTO_MIGRATE", "SESSION_IDLE_TIMEOUT", "DATABASE_URL", "LOG_LEVEL"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

// TestREADMEDocumentsEveryVariable keeps the README's configuration table
// true.
func TestREADMEDocumentsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars {
		for _, name := range strings.Split(v[0], " / ") {
			if !strings.Contains(string(b), name) {
				t.Errorf("README.md does not mention %s", name)
			}
		}
	}
}
