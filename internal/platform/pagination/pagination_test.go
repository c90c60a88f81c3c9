package pagination

import "testing"

func TestLimit(t *testing.T) {
	for in, want := range map[string]int{"": 50, "1": 1, "200": 200} {
		if got, err := Limit(in); err != nil || got != want {
			t.Errorf("%q → %d %v", in, got, err)
		}
	}
	for _, bad := range []string{"0", "201", "-1", "ten", "1.5"} {
		if _, err := Limit(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCursorRoundTripAndGarbage(t *testing.T) {
	type pos struct {
		K string `json:"k"`
		N int    `json:"n"`
	}
	c := Encode(pos{"x", 3})
	var p pos
	if ok, err := Decode(c, &p); !ok || err != nil || p != (pos{"x", 3}) {
		t.Fatalf("%v %v %+v", ok, err, p)
	}
	if ok, err := Decode("", &p); ok || err != nil {
		t.Fatal("empty cursor")
	}
	for _, bad := range []string{"!!", "bm90IGpzb24", "e30x"} {
		if _, err := Decode(bad, &p); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
