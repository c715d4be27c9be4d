"""Editions outside the MkDocs build: the evidence pack, verify-site and the
plain-Markdown render. No MkDocs import."""
