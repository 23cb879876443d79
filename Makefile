# redthread — see README.md.
GO ?= go
BIN ?= bin/redthread

.PHONY: build test bench demo fuzz clean

build:
	$(GO) build -o $(BIN) ./cmd/redthread

## test: what CI runs: vet, then every test with the race detector.
test:
	$(GO) vet ./...
	$(GO) test -race ./...

## bench: the speed figures recorded in README.md.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=1x ./scanner/
	$(GO) test -run='^$$' -bench=BenchmarkCrawlDemoSite -benchtime=5x ./crawl/

## fuzz: run each fuzz target for FUZZTIME (default 30s).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list='^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin
