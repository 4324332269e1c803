# Shortcuts for dev.py, which needs nothing but Python (use it directly where make is missing).
.PHONY: run test worker beat lint assets
run:
	python3 dev.py run
test:
	python3 dev.py test
worker:
	python3 dev.py worker
beat:
	python3 dev.py beat
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
assets:
	npm ci --ignore-scripts && python3 scripts/vendor_assets.py
