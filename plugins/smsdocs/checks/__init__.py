"""The checks that run the pack's rules. Each module checks one aspect of a record."""
