"""Authoring: writing new records (scaffold), a new SMS repository (init) and where
smsdocs was installed from."""
