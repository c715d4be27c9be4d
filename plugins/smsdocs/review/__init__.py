"""The management review: its input pack, the JSON interchange and the charts."""
