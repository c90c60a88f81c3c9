package db_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"tasktracker/db"
	"tasktracker/internal/platform/pgtest"
)

// Migration 00007 copies each task's assignees and tags onto the task row:
// rows written before it (as a server on 00006 wrote them) read the same
// after it, and rolling it back and forth keeps them.
func TestTaskReadColumnsMigrationBackfills(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	for i := 0; ; i++ {
		var out bytes.Buffer
		if err := db.Down(ctx, pool, &out); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), "00007_") {
			break
		}
		if i == 10 {
			t.Fatal("00007 never rolled back")
		}
	}
	_, err := pool.Exec(ctx, `
		INSERT INTO tasking.tag (id, name, color, created_by, created_at) VALUES
		    ('00000000-0000-0000-0000-0000000000a1', 'zeta', NULL, '00000000-0000-0000-0000-000000000001', now()),
		    ('00000000-0000-0000-0000-0000000000a2', 'Alpha', '#ff0000', '00000000-0000-0000-0000-000000000001', now());
		INSERT INTO tasking.task (id, title, status_id, created_by, created_at, updated_at) VALUES
		    ('00000000-0000-0000-0000-0000000000b1', 'tagged', 1, '00000000-0000-0000-0000-000000000001', now(), now()),
		    ('00000000-0000-0000-0000-0000000000b2', 'bare', 1, '00000000-0000-0000-0000-000000000001', now(), now());
		INSERT INTO tasking.task_assignee (task_id, user_id) VALUES
		    ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-000000000003'),
		    ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-000000000002');
		INSERT INTO tasking.task_tag (task_id, tag_id) VALUES
		    ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1'),
		    ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a2')`)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Up(ctx, pool, nil); err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, `SELECT title, assignee_ids::text, tags::jsonb::text FROM tasking.task ORDER BY title`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var title, assignees, tags string
		if err := rows.Scan(&title, &assignees, &tags); err != nil {
			t.Fatal(err)
		}
		got = append(got, title+" "+assignees+" "+tags)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	want := []string{
		`bare {} []`,
		`tagged {00000000-0000-0000-0000-000000000002,00000000-0000-0000-0000-000000000003} ` +
			`[{"id": "00000000-0000-0000-0000-0000000000a2", "name": "Alpha", "color": "#ff0000"}, ` +
			`{"id": "00000000-0000-0000-0000-0000000000a1", "name": "zeta", "color": null}]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("after the migration:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Migration 00008 drops River's GIN indexes on job args and metadata (no
// query here searches jobs by their contents), and rolling it back restores
// them.
func TestRiverJobGINIndexesAreDropped(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	gin := func() int {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE tablename = 'river_job'
			AND indexname IN ('river_job_args_index', 'river_job_metadata_index')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := gin(); n != 0 {
		t.Fatalf("%d of River's GIN indexes after migrating, want 0", n)
	}
	var out bytes.Buffer
	if err := db.Down(ctx, pool, &out); err != nil || !strings.Contains(out.String(), "00008_") {
		t.Fatalf("rolling back: %v (%s)", err, out.String())
	}
	if n := gin(); n != 2 {
		t.Fatalf("%d of River's GIN indexes after rolling back, want 2", n)
	}
}
