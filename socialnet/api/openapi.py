"""The OpenAPI 3 document (being written)."""
