"""Safe publishing for staff who publish by committing: not a Pelican plugin, the code behind tasks.

- verify.py: checks of a built output folder (internal links, disclosure, privacy)
- deploy.py: `invoke publish` (fresh build, verify, atomic swap, previous build kept) and `invoke rollback`
- hooks.py: `invoke setup-hooks` (a git pre-commit hook that checks the reply files of each commit)
"""
