package postgres

import (
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// registerUUID makes uuid.UUID travel as PostgreSQL's 16-byte binary uuid.
// Without it pgx sends a uuid.UUID through driver.Valuer (formatted as text)
// and reads one through sql.Scanner (formatted as text by pgx, then parsed
// by uuid): two conversions per id, which were a fifth of the CPU spent
// reading a page of tasks. (github.com/vgarvardt/pgx-google-uuid registers
// wrap functions, but pgx ≥ 5.6 prefers sql.Scanner over them when scanning,
// so its scan side no longer takes effect.)
func registerUUID(m *pgtype.Map) {
	m.RegisterType(&pgtype.Type{Name: "uuid", OID: pgtype.UUIDOID, Codec: uuidCodec{}})
}

type uuidCodec struct{ pgtype.UUIDCodec }

func (c uuidCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if _, ok := value.(uuid.UUID); ok && format == pgtype.BinaryFormatCode {
		return encodeUUID{}
	}
	return c.UUIDCodec.PlanEncode(m, oid, format, value)
}

func (c uuidCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	if _, ok := target.(*uuid.UUID); ok && format == pgtype.BinaryFormatCode {
		return scanUUID{}
	}
	return c.UUIDCodec.PlanScan(m, oid, format, target)
}

type encodeUUID struct{}

func (encodeUUID) Encode(value any, buf []byte) ([]byte, error) {
	id := value.(uuid.UUID)
	return append(buf, id[:]...), nil
}

type scanUUID struct{}

func (scanUUID) Scan(src []byte, dst any) error {
	if src == nil { // as uuid.UUID's own Scan does: NULL reads as uuid.Nil
		*dst.(*uuid.UUID) = uuid.Nil
		return nil
	}
	if len(src) != 16 {
		return errUUIDLength
	}
	copy(dst.(*uuid.UUID)[:], src)
	return nil
}

var errUUIDLength = errors.New("a binary uuid is not 16 bytes")
