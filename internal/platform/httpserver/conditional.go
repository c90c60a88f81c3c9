package httpserver

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"tasktracker/internal/platform/kernel"
)

// VersionETag is the strong ETag of a resource version: "3".
func VersionETag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// SetVersionETag sets the ETag of a resource version.
func SetVersionETag(c echo.Context, version int64) {
	c.Response().Header().Set("ETag", VersionETag(version))
}

// NotModified reports whether If-None-Match names etag (or is "*"); when it
// does it has already written the 304.
func NotModified(c echo.Context, etag string) bool {
	inm := c.Request().Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			c.Response().Header().Set("ETag", etag)
			_ = c.NoContent(http.StatusNotModified)
			return true
		}
	}
	return false
}

// IfMatchVersion parses an If-Match header that names one version
// ("3" quoted, as GET returned it). It returns nil when the header is absent
// or "*".
func IfMatchVersion(c echo.Context) (*int64, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" || h == "*" {
		return nil, nil
	}
	v, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), 10, 64)
	if err != nil {
		return nil, kernel.Invalid("If-Match", `must be an ETag such as "3" returned by GET`)
	}
	return &v, nil
}
