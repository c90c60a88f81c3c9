package httpserver

import (
	"net/http"
	"net/url"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"tasktracker/internal/platform/kernel"
)

// UUIDParam parses the path parameter name as a UUID; anything else is a
// validation error naming it.
func UUIDParam(c echo.Context, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param(name))
	if err != nil {
		return uuid.Nil, kernel.Invalid(name, "must be a UUID")
	}
	return id, nil
}

// Created answers 201 with body and a Location header of path (relative to
// the server root, e.g. "/tasks/<id>").
func Created(c echo.Context, path string, body any) error {
	c.Response().Header().Set(echo.HeaderLocation, (&url.URL{Path: path}).String())
	return c.JSON(http.StatusCreated, body)
}
