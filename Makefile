# The two commands: `make demo` serves the portal with the demo round table, `make test` runs the
# tests. Both set up everything themselves (scripts/portal); see README.md. `make serve` runs the
# production stack (gunicorn and the task worker) from settings in the environment; `make lint`
# checks style, migrations and import contracts (the first step of `make test`).
.PHONY: demo test test-fast serve setup lint format messages db-stop backup restore

demo:
	@bash scripts/portal demo

test:
	@bash scripts/portal test

# The quick loop: every test but those marked slow, in parallel, without the lint.
test-fast:
	@bash scripts/portal test-fast

serve:
	@bash scripts/portal serve

# make backup [DIR=var/backups/…]; make restore DIR=var/backups/<time> (docs/operating.md, "Backups").
backup:
	@bash scripts/portal backup $(DIR)

restore:
	@bash scripts/portal restore $(DIR)

setup:
	@bash scripts/portal setup

lint:
	@bash scripts/portal lint

messages:
	@bash scripts/portal messages

db-stop:
	@bash scripts/portal db-stop
