package httpserver

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// Page is the body of every list response.
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// WritePage answers 200 with a page and, when there is a next page, a
// Link: <…>; rel="next" header that repeats the request's query with the
// new cursor.
func WritePage[T any](c echo.Context, items []T, next string) error {
	if items == nil {
		items = []T{}
	}
	p := Page[T]{Items: items}
	if next != "" {
		p.NextCursor = &next
		u := *c.Request().URL
		q := u.Query()
		q.Set("cursor", next)
		u.RawQuery = q.Encode()
		c.Response().Header().Set("Link", "<"+(&url.URL{Path: u.Path, RawQuery: u.RawQuery}).String()+`>; rel="next"`)
	}
	return c.JSON(http.StatusOK, p)
}
