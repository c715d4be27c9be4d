"""The core: the model of an SMS (front matter, Markdown, records), its loading, the
configuration, the rule pack and the finding model. Imports nothing of checks/, handbook/
or MkDocs."""
