"""Realtime delivery: the after-commit publisher, socket handlers and catch-up."""
