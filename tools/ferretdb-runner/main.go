// Command ferretdb-runner runs an embedded FerretDB v1 with the SQLite backend.
//
// A plain `go install` of FerretDB's own cmd/ferretdb panics at start (its generated version
// file is missing from the module), so the local stack runs FerretDB through this wrapper instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data", ".data/ferretdb", "directory for the SQLite databases")
	// FerretDB opens SQLite in WAL mode; with synchronous=NORMAL a commit no longer waits for an fsync
	// (WAL stays consistent after a crash of the process; only an OS crash can lose the last commits).
	// The default, FULL, made every write wait for the disk and capped the local stack at a few
	// dozen writes per second.
	sync := flag.String("sqlite-synchronous", "normal", "SQLite synchronous pragma: off, normal or full")
	logLevel := flag.String("log-level", "error", "debug, info, warn or error")
	// FerretDB v1 decodes and re-encodes a whole document for every update: it allocates a lot and
	// holds little. At Go's default GOGC (100) the collector took about a third of its CPU; at 400 a
	// touch of a 7 KB cache document costs 5.0 ms of CPU instead of 7.6 ms, for a few MB more heap.
	gcPercent := flag.Int("gc-percent", 400, "Go GC target percentage (GOGC); -1 turns the collector off")
	flag.Parse()
	debug.SetGCPercent(*gcPercent)

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-runner: bad --log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-runner: cannot create %s: %v\n", *dataDir, err)
		os.Exit(1)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dataDir + "/?_pragma=synchronous(" + *sync + ")",
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-runner: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	go keepIDPathIndexes(ctx, *dataDir, time.Second, logger)

	logger.Info("FerretDB listening", "address", *listen, "data", *dataDir)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintf(os.Stderr, "ferretdb-runner: %v\n", err)
		os.Exit(1)
	}
}
