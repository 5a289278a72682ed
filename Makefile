# kafka-fast: everything goes through these targets; Tests/Harness/ holds the scripts.
#   make build | release       debug | release build (installs missing dependencies first)
#   make test [ARGS=...]       deps, build, start Tansu + noida, swift test ARGS, stop them
#   make run [BROKERS=h:p]     release build, `kfast dash` (on a fresh Tansu with load on `demo` unless BROKERS)
#   make bench [ARGS=...]      release build, KafkaBench against fresh brokers (when it exists)
#   make fuzz [FUZZ_SECONDS=60] every libFuzzer target (Sources/KafkaFuzz) for FUZZ_SECONDS, under ASan
#   make test-tsan | test-asan the unit and stress suites under ThreadSanitizer | AddressSanitizer
#   make soak                  5 million messages through faults (Tests/Soak), not part of make test
#   make docs                  the KafkaFast library's DocC archive (swift-docc-plugin); any DocC warning fails it
#   make deps                  only install what is missing (Debian packages, .tools/venv)
#   make brokers | stop-brokers  leave both brokers running for hand testing (.test-run/brokers.env)
#   make clean | distclean     remove .build and .test-run | and the .tools venv too

HARNESS := Tests/Harness
ARGS ?=
BROKERS ?=

.PHONY: build release test run bench docs fuzz test-tsan test-asan soak deps brokers stop-brokers clean distclean

build: deps
	swift build

release: deps
	swift build -c release --static-swift-stdlib

test:
	$(HARNESS)/run-tests.sh $(ARGS)

run:
	BROKERS="$(BROKERS)" $(HARNESS)/run-kfast.sh

bench:
	$(HARNESS)/run-bench.sh $(ARGS)

fuzz: deps
	Tests/Fuzz/run-fuzz.sh

test-tsan:
	$(HARNESS)/run-sanitized.sh thread $(ARGS)

test-asan:
	$(HARNESS)/run-sanitized.sh address $(ARGS)

soak:
	Tests/Soak/run-soak.sh $(ARGS)

# Writes .build/plugins/Swift-DocC/outputs/KafkaFast.doccarchive (open it with `xcrun docc preview`
# or serve it as a static site).
docs: deps
	swift package generate-documentation --target KafkaFast --warnings-as-errors

deps:
	@$(HARNESS)/ensure-deps.sh

brokers: deps
	@$(HARNESS)/brokers.sh start && $(HARNESS)/brokers.sh status

stop-brokers:
	@$(HARNESS)/brokers.sh stop

clean: stop-brokers
	rm -rf .build .build-fuzz .build-tsan .build-asan .test-run

distclean: clean
	rm -rf .tools
