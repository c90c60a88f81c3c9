package kernel

import "encoding/json"

// Optional is one field of a partial update: absent (Set false: leave the
// value unchanged), null (Set and Null: clear it) or a value.
//
// As a JSON struct field it tells the three apart, since encoding/json calls
// UnmarshalJSON only for keys that are present.
type Optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// Some is a set, non-null Optional.
func Some[T any](v T) Optional[T] { return Optional[T]{Set: true, Value: v} }

// UnmarshalJSON implements json.Unmarshaler.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// Ptr returns nil for absent or null, else a pointer to the value.
func (o Optional[T]) Ptr() *T {
	if !o.Set || o.Null {
		return nil
	}
	v := o.Value
	return &v
}
