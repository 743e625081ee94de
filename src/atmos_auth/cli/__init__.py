"""Thin click commands over the library; the library never imports click."""
