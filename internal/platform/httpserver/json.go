package httpserver

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"tasktracker/internal/platform/kernel"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// DecodeJSON reads a JSON request body into v strictly: the content type
// must be JSON (415), unknown fields are rejected naming the field, a value
// of the wrong type names its field, an empty or malformed body or trailing
// data is a 400, and a body over the limit is a 413.
func DecodeJSON(c echo.Context, v any) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	mt, _, _ := mime.ParseMediaType(ct)
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return kernel.New(kernel.KindUnsupportedMedia, "unsupported_media_type", "the body must be application/json")
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return kernel.Invalid("body", "unexpected data after the JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	var ke *kernel.Error
	switch {
	case errors.As(err, &ke):
		return ke
	case errors.As(err, &tooBig):
		return kernel.New(kernel.KindTooLarge, "body_too_large", "the request body is too large")
	case errors.Is(err, io.EOF):
		return kernel.Invalid("body", "a JSON body is required")
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return kernel.Invalid("body", "malformed JSON")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return kernel.Invalid(field, "must be of type "+jsonType(typ.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return kernel.Invalid(field, "unknown field")
	}
	return kernel.Invalid("body", "malformed JSON: "+err.Error())
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "integer"
	case "float32", "float64":
		return "number"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	}
	return kind
}
