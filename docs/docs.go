// Package docs embeds the API contract so that the binary serves it and the
// contract tests validate against the very same file.
package docs

import _ "embed"

// OpenAPI is docs/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
