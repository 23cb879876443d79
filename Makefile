# redthread — see README.md.
GO ?= go
BIN ?= bin/redthread

.PHONY: build test bench demo fuzz clean screenshots

build:
	$(GO) build -o $(BIN) ./cmd/redthread

## test: what CI runs: vet, then every test with the race detector. The
## timeout is per package: cmd/redthread's race-instrumented scripts take
## several minutes on a loaded 2-core machine, near go test's default 10m.
test:
	$(GO) vet ./...
	$(GO) test -race -timeout 30m ./...

## bench: the speed figures recorded in README.md (each benchmark once;
## the 100k/1M ones generate their data first). Takes a while.
bench:
	$(GO) test -run='^$$' -bench=. -benchtime=1x -timeout 90m ./...

## fuzz: run each fuzz target for FUZZTIME (default 30s). Each new input
## is minimized for at most FUZZMINIMIZETIME: with go's default (60s) a
## 30-second run stalls at 0 execs/s after its first new input.
FUZZTIME ?= 30s
FUZZMINIMIZETIME ?= 1s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list='^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=$(FUZZMINIMIZETIME) $$pkg || exit 1; \
	  done; \
	done

## demo: demo site → crawl → scan → index → analyst app on 127.0.0.1:8080.
demo: build
	BIN=$(BIN) scripts/demo.sh

## screenshots: the browser test's screenshots of every page at 1400x1000
## and 390x844, kept in SHOTS (default /tmp/redthread-screenshots).
SHOTS ?= /tmp/redthread-screenshots
screenshots:
	mkdir -p $(SHOTS)
	REDTHREAD_SCREENSHOTS=$(SHOTS) $(GO) test -run '^TestBrowser$$' -count=1 ./web/
	@ls $(SHOTS)

clean:
	rm -rf bin
