# The two commands: `make demo` serves the portal with the demo round table, `make test` runs the
# tests. Both set up everything themselves (scripts/portal); see README.md.
.PHONY: demo test setup lint format messages db-stop

demo:
	@bash scripts/portal demo

test:
	@bash scripts/portal test

setup:
	@bash scripts/portal setup

lint:
	@bash scripts/portal lint

messages:
	@bash scripts/portal messages

db-stop:
	@bash scripts/portal db-stop
