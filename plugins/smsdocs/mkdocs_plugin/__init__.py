"""The MkDocs/ProperDocs adapter: the plugin and the auditor edition. The only modules
that import MkDocs."""
