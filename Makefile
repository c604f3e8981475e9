# quire — a static knowledge-base site generator.
#   make site    install missing packages, build ./quire, render content/ into public/
#   make test    install missing packages, build, run every test (also under ASan+UBSan)
#   make bench   speed comparison with Hugo (not part of make test)
#   make fuzz    run each libFuzzer harness for FUZZ_SECONDS

CC       ?= cc
PKGS     := libcmark-gfm libgit2 lua5.4 yaml-0.1 jansson libmicrohttpd zlib
DEBS     := gcc make git pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev \
            libgit2-dev liblua5.4-dev libyaml-dev libjansson-dev libmicrohttpd-dev \
            libstemmer-dev zlib1g-dev unzip
TEST_DEBS := curl python3 valgrind
FUZZ_DEBS := clang libclang-rt-14-dev
WARN     := -Wall -Wextra -Werror
BASEFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CFLAGS   ?= -O2 -g
# libmicrohttpd is loaded by quire serve when it starts (serve.c), not linked.
LIBS      = $(shell pkg-config --libs $(filter-out libmicrohttpd,$(PKGS)) 2>/dev/null) -lcmark-gfm-extensions -lstemmer -lpthread -lm
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRCS := $(addprefix generator/, buf.c arena.c active.c diag.c slug.c fsutil.c cache.c frontmatter.c site.c scan.c sources.c status.c \
          near.c markdown.c links.c loose.c history.c message.c published.c pastfiles.c strmap.c revdiff.c hooks.c luadigest.c luapattern.c template.c search.c feeds.c \
          render.c output.c par.c build.c bundle.c serve.c newpage.c main.c)
LIB_SRCS := $(filter-out generator/main.c,$(SRCS))
OBJS     := $(SRCS:generator/%.c=build/obj/%.o)
SAN_OBJS := $(SRCS:generator/%.c=build/asan/%.o)
UNIT     := $(basename $(notdir $(wildcard tests/unit/test_*.c)))

.PHONY: all site test deps test-deps bench fuzz clean
all: quire

# Installs what is missing when run as root; otherwise prints the command.
deps:
	@sh tests/tools/deps.sh $(DEBS)

test-deps:
	@sh tests/tools/deps.sh $(DEBS) $(TEST_DEBS)

quire: $(OBJS)
	$(CC) $(CFLAGS) -o $@ $(OBJS) $(LIBS)

build/obj/%.o: generator/%.c generator/*.h | build/obj
	$(CC) $(BASEFLAGS) $(CFLAGS) -c -o $@ $<

build/asan/%.o: generator/%.c generator/*.h | build/asan
	$(CC) $(BASEFLAGS) -O1 -g $(SAN) -c -o $@ $<

build/obj build/asan build/unit:
	mkdir -p $@

build/asan/quire: $(SAN_OBJS)
	$(CC) -g $(SAN) -o $@ $(SAN_OBJS) $(LIBS)

build/unit/%: tests/unit/%.c $(filter-out build/asan/main.o,$(SAN_OBJS)) tests/unit/unit.h | build/unit
	$(CC) $(BASEFLAGS) -O1 -g $(SAN) -Igenerator -Itests/unit -o $@ $< \
		$(filter-out build/asan/main.o,$(SAN_OBJS)) $(LIBS)

build/unit/fuzz_replay: tests/fuzz/replay.c $(wildcard tests/fuzz/fuzz_*.c) $(filter-out build/asan/main.o,$(SAN_OBJS)) | build/unit
	$(CC) $(BASEFLAGS) -O1 -g $(SAN) -Igenerator -o $@ tests/fuzz/replay.c \
		$(filter-out build/asan/main.o,$(SAN_OBJS)) $(LIBS)

site: deps
	@$(MAKE) --no-print-directory quire
	./quire build

test: test-deps
	@$(MAKE) --no-print-directory quire build/asan/quire $(addprefix build/unit/,$(UNIT)) build/unit/fuzz_replay
	@QUIRE=$(CURDIR)/build/asan/quire QUIRE_RELEASE=$(CURDIR)/quire sh tests/run.sh

bench: deps quire
	sh bench/run.sh

FUZZ_SECONDS ?= 60
fuzz: deps
	@sh tests/tools/deps.sh $(FUZZ_DEBS)
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf build quire public tests/out
