"""Theano's ``theano.sandbox`` module paths (re-exports only)."""
