"""Reports: one list of findings rendered for people and machines (text, GitHub,
SARIF, JUnit), the baseline and the coverage report."""
